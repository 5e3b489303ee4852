//! The PDF writer of offer letters, with lopdf and nothing else (no HTML, no external
//! program); apart from `documents::pdf`, which reads text out of PDFs. Pure: a
//! [`Letter`] in, the PDF's bytes out; the same letter and date give the same bytes (the
//! file identifier is a hash of the content, the creation date is the letter's).
//!
//! A4 with margins; a letterhead (logo, company name and details) on the first page, the
//! recipient's block, the date; justified paragraphs broken at spaces (a word wider than
//! the line is broken where it must), headings never left alone at a page's foot, bullet
//! lists, a signature block kept whole, and "page 1 / 2" at the foot of each page.

mod font;
mod image;

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

pub use font::FaceId;
use font::FontSet;

use super::LetterError;
use super::markup::{Block, Span, Style};

/// Everything on the letter, ready to set.
#[derive(Debug, Clone)]
pub struct Letter {
    pub title: String,
    pub author: String,
    pub created: DateTime<Utc>,
    /// Company name, then its detail lines (address, registration).
    pub company: String,
    pub company_lines: Vec<String>,
    /// A PNG or JPEG logo.
    pub logo: Option<Vec<u8>>,
    pub recipient: Vec<String>,
    pub date_line: String,
    pub blocks: Vec<Block>,
    /// Lines of the signature block (the signatory's name first).
    pub signature: Vec<String>,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 62.0;
const TOP: f32 = 48.0;
const BOTTOM: f32 = 64.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 14.5;
const GAP: f32 = 7.0;
const INDENT: f32 = 16.0;
const RIGHT_COLUMN: f32 = 330.0;
const SIGNATURE_GAP: f32 = 54.0;

/// A run of glyphs in one face.
#[derive(Debug, Clone)]
struct Piece {
    face: FaceId,
    text: String,
    width: f32,
}

/// A word: pieces set without a break, and whether a space comes before it.
#[derive(Debug, Clone)]
struct Word {
    pieces: Vec<Piece>,
    width: f32,
    space_before: bool,
    space_width: f32,
    space_face: FaceId,
}

/// A set line: where it starts, its words, the extra width given to each space.
#[derive(Debug, Clone)]
struct Line {
    x: f32,
    size: f32,
    words: Vec<Word>,
    extra: f32,
}

#[derive(Debug, Clone)]
enum Op {
    Text { y: f32, line: Line },
    Image { x: f32, y: f32, w: f32, h: f32 },
}

fn face_of(style: Style) -> FaceId {
    if style.bold {
        FaceId::Bold
    } else if style.italic {
        FaceId::Oblique
    } else {
        FaceId::Regular
    }
}

/// Cuts spans into words at breaking white space (no-break spaces stay inside words);
/// text is composed (NFC) first, so that a decomposed "ễ" takes the font's one glyph, and
/// other control characters are dropped.
fn words(fonts: &mut FontSet, spans: &[Span], size: f32) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut current: Option<Word> = None;
    let mut pending_space: Option<FaceId> = None;
    for span in spans {
        let face = face_of(span.style);
        for c in span.text.nfc() {
            if c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2060}') {
                if let Some(w) = current.take() {
                    out.push(w);
                }
                pending_space.get_or_insert(face);
                continue;
            }
            if c.is_control() {
                continue;
            }
            let w = current.get_or_insert_with(|| {
                let space_face = pending_space.unwrap_or(face);
                Word {
                    pieces: Vec::new(),
                    width: 0.0,
                    space_before: pending_space.is_some() && !out.is_empty(),
                    space_width: 0.0,
                    space_face,
                }
            });
            pending_space = None;
            match w.pieces.last_mut() {
                Some(p) if p.face == face => p.text.push(c),
                _ => w.pieces.push(Piece { face, text: c.to_string(), width: 0.0 }),
            }
        }
    }
    if let Some(w) = current.take() {
        out.push(w);
    }
    for w in &mut out {
        for p in &mut w.pieces {
            p.width = fonts.width(p.face, &p.text, size);
        }
        w.width = w.pieces.iter().map(|p| p.width).sum();
        w.space_width = fonts.width(w.space_face, " ", size);
    }
    out
}

/// Breaks a word wider than `max` into pieces that fit (at least one character each).
fn split_long(fonts: &mut FontSet, word: Word, max: f32, size: f32) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = Word { pieces: Vec::new(), width: 0.0, ..word.clone() };
    for p in word.pieces {
        for c in p.text.chars() {
            let cw = fonts.width(p.face, &c.to_string(), size);
            if cur.width + cw > max && !cur.pieces.is_empty() {
                let next = Word {
                    pieces: Vec::new(),
                    width: 0.0,
                    space_before: false,
                    space_width: 0.0,
                    space_face: cur.space_face,
                };
                out.push(std::mem::replace(&mut cur, next));
            }
            match cur.pieces.last_mut() {
                Some(last) if last.face == p.face => {
                    last.text.push(c);
                    last.width += cw;
                }
                _ => cur.pieces.push(Piece { face: p.face, text: c.to_string(), width: cw }),
            }
            cur.width += cw;
        }
    }
    if !cur.pieces.is_empty() {
        out.push(cur);
    }
    out
}

/// Breaks words into lines of at most `max` wide; all lines but the last are justified.
fn wrap(fonts: &mut FontSet, words: Vec<Word>, x: f32, max: f32, size: f32, justify: bool) -> Vec<Line> {
    let mut fitted = Vec::new();
    for w in words {
        if w.width > max {
            fitted.extend(split_long(fonts, w, max, size));
        } else {
            fitted.push(w);
        }
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut width = 0.0;
    for mut w in fitted {
        let add = if cur.is_empty() { w.width } else { w.width + if w.space_before { w.space_width } else { 0.0 } };
        if !cur.is_empty() && width + add > max + 0.01 {
            lines.push(Line { x, size, words: std::mem::take(&mut cur), extra: 0.0 });
            width = 0.0;
        }
        if cur.is_empty() {
            w.space_before = false;
            width = w.width;
        } else {
            width += add;
        }
        cur.push(w);
    }
    if !cur.is_empty() {
        lines.push(Line { x, size, words: cur, extra: 0.0 });
    }
    if justify {
        let n = lines.len();
        for line in lines.iter_mut().take(n.saturating_sub(1)) {
            let natural: f32 =
                line.words.iter().map(|w| w.width + if w.space_before { w.space_width } else { 0.0 }).sum();
            let spaces = line.words.iter().filter(|w| w.space_before).count();
            if spaces > 0 && natural < max {
                line.extra = (max - natural) / spaces as f32;
            }
        }
    }
    lines
}

fn plain(text: &str, style: Style) -> Vec<Span> {
    vec![Span { text: text.to_owned(), style }]
}

fn line_width(line: &Line) -> f32 {
    line.words.iter().map(|w| w.width + if w.space_before { w.space_width + line.extra } else { 0.0 }).sum()
}

/// Pages being filled from the top.
struct Pages {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages { pages: vec![Vec::new()], y: PAGE_H - TOP }
    }

    fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    fn break_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE_H - TOP;
    }

    fn put(&mut self, line: Line, leading: f32) {
        if self.room() < leading {
            self.break_page();
        }
        self.y -= leading;
        if let Some(p) = self.pages.last_mut() {
            p.push(Op::Text { y: self.y + leading * 0.25, line });
        }
    }
}

/// Checks that a logo reads (PNG or JPEG, within bounds).
pub fn check_logo(bytes: &[u8]) -> Result<(), LetterError> {
    image::Image::read(bytes).map(|_| ())
}

/// Sets a letter and writes it as PDF.
pub fn render(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    let mut fonts = FontSet::new()?;
    let mut pages = Pages::new();
    let width = PAGE_W - 2.0 * MARGIN_X;
    let right = PAGE_W - MARGIN_X;

    // Letterhead: the logo on the left, the company on the right.
    let logo = letter.logo.as_deref().map(image::Image::read).transpose()?;
    let mut head_h: f32 = 0.0;
    if let Some(img) = &logo {
        let (w, h) = img.fit(150.0, 56.0);
        if let Some(p) = pages.pages.last_mut() {
            p.push(Op::Image { x: MARGIN_X, y: pages.y - h, w, h });
        }
        head_h = h;
    }
    let mut y = pages.y;
    let mut right_aligned = |fonts: &mut FontSet, pages: &mut Pages, text: &str, style: Style, size: f32, lead: f32| {
        let ws = words(fonts, &plain(text, style), size);
        for mut line in wrap(fonts, ws, 0.0, 260.0, size, false) {
            line.x = right - line_width(&line);
            y -= lead;
            if let Some(p) = pages.pages.last_mut() {
                p.push(Op::Text { y: y + lead * 0.25, line });
            }
        }
    };
    right_aligned(&mut fonts, &mut pages, &letter.company, Style { bold: true, italic: false }, 13.0, 17.0);
    for l in &letter.company_lines {
        right_aligned(&mut fonts, &mut pages, l, Style::default(), 8.5, 11.0);
    }
    pages.y = (pages.y - head_h).min(y) - 28.0;

    // The recipient, in the right column; then the date.
    for (i, l) in letter.recipient.iter().enumerate() {
        let style = Style { bold: i == 0, italic: false };
        let ws = words(&mut fonts, &plain(l, style), BODY);
        for line in wrap(&mut fonts, ws, RIGHT_COLUMN, right - RIGHT_COLUMN, BODY, false) {
            pages.put(line, LEADING);
        }
    }
    pages.y -= 22.0;
    let ws = words(&mut fonts, &plain(&letter.date_line, Style::default()), BODY);
    for mut line in wrap(&mut fonts, ws, 0.0, width, BODY, false) {
        line.x = right - line_width(&line);
        pages.put(line, LEADING);
    }
    pages.y -= 18.0;

    // The body: blocks set into lines first, then placed, so that a heading can be kept
    // with the start of what follows it.
    let mut set: Vec<(Vec<Line>, f32, f32, bool)> = Vec::new(); // lines, leading, space before, heading
    let mut previous_item = false;
    for block in &letter.blocks {
        match block {
            Block::Heading { level, spans } => {
                let size = if *level == 1 { 11.5 } else { 11.0 };
                let spans: Vec<Span> = spans
                    .iter()
                    .map(|s| Span { text: s.text.clone(), style: Style { bold: true, ..s.style } })
                    .collect();
                let ws = words(&mut fonts, &spans, size);
                let lines = wrap(&mut fonts, ws, MARGIN_X, width, size, false);
                set.push((lines, size * 1.4, if *level == 1 { 4.0 } else { 10.0 }, true));
                previous_item = false;
            }
            Block::Paragraph(spans) => {
                let ws = words(&mut fonts, spans, BODY);
                set.push((wrap(&mut fonts, ws, MARGIN_X, width, BODY, true), LEADING, GAP, false));
                previous_item = false;
            }
            Block::Item(spans) => {
                let ws = words(&mut fonts, spans, BODY);
                let mut lines = wrap(&mut fonts, ws, MARGIN_X + INDENT, width - INDENT, BODY, true);
                // The bullet joins the first line as a word of its own, hung in the margin.
                if !lines.is_empty() {
                    // The bullet and the item's first line go together, at one height.
                    let bullet = words(&mut fonts, &plain("•", Style::default()), BODY);
                    let mut item_lines = wrap(&mut fonts, bullet, MARGIN_X + 4.0, INDENT, BODY, false);
                    item_lines.truncate(1);
                    item_lines.push(lines.remove(0));
                    set.push((item_lines, LEADING, if previous_item { 2.0 } else { GAP }, false));
                    let rest: Vec<Line> = std::mem::take(&mut lines);
                    if !rest.is_empty() {
                        set.push((rest, LEADING, 0.0, false));
                    }
                }
                previous_item = true;
            }
        }
    }
    // The signature block, set now: the last block goes to its page with it.
    let mut sig: Vec<Line> = Vec::new();
    for (i, l) in letter.signature.iter().enumerate() {
        let ws = words(&mut fonts, &plain(l, Style { bold: i == 0, italic: false }), BODY);
        sig.extend(wrap(&mut fonts, ws, RIGHT_COLUMN, right - RIGHT_COLUMN, BODY, false));
    }
    let sig_h = SIGNATURE_GAP + LEADING * sig.len() as f32;
    let page_h = PAGE_H - TOP - BOTTOM;
    let mut i = 0;
    while i < set.len() {
        let (lines, leading, before, heading) = set[i].clone();
        let bulleted = lines.len() == 2
            && lines.first().is_some_and(|l| l.x < MARGIN_X + INDENT - 1.0)
            && lines.get(1).is_some_and(|l| l.x >= MARGIN_X + INDENT - 1.0);
        if heading {
            // Never a heading alone at a page's foot: it goes with two lines of what follows.
            let next = set.get(i + 1).map(|(l, lead, b, _)| b + lead * (l.len().min(2) as f32)).unwrap_or(0.0);
            let need = before + leading * lines.len() as f32 + next;
            if pages.room() < need {
                pages.break_page();
            }
        } else if i + 1 == set.len() && !bulleted {
            // The closing paragraph and the signature share a page (when they fit on one).
            let need = before + leading * lines.len() as f32 + sig_h;
            if pages.room() < need && need <= page_h {
                pages.break_page();
            }
        } else if pages.room() < before + leading {
            pages.break_page();
        }
        if pages.y < PAGE_H - TOP {
            pages.y -= before;
        }
        if bulleted {
            let mut two = lines.into_iter();
            if let (Some(bullet), Some(first)) = (two.next(), two.next()) {
                if pages.room() < leading {
                    pages.break_page();
                }
                pages.y -= leading;
                let y = pages.y + leading * 0.25;
                if let Some(p) = pages.pages.last_mut() {
                    p.push(Op::Text { y, line: bullet });
                    p.push(Op::Text { y, line: first });
                }
            }
        } else {
            for line in lines {
                pages.put(line, leading);
            }
        }
        i += 1;
    }

    // The signature block, kept whole, with room above the name to sign.
    if pages.room() < sig_h {
        pages.break_page();
    }
    pages.y -= SIGNATURE_GAP;
    for line in sig {
        pages.put(line, LEADING);
    }

    if !fonts.missing.is_empty() {
        let chars: Vec<String> = fonts.missing.iter().map(|c| format!("\"{c}\" (U+{:04X})", u32::from(*c))).collect();
        return Err(LetterError::NoGlyph { chars: chars.join(", ") });
    }
    write(letter, &mut fonts, pages.pages, logo)
}

fn number(v: f32) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2 + 2);
    s.push('<');
    s.push_str(&hex::encode_upper(bytes));
    s.push('>');
    s
}

/// The content of a line: one text object, words shown one after the other, each space
/// a real space glyph (so that text copies) widened by the justification.
fn show(fonts: &mut FontSet, out: &mut String, y: f32, line: &Line) {
    out.push_str(&format!("BT 1 0 0 1 {} {} Tm\n", number(line.x), number(y)));
    let mut face: Option<FaceId> = None;
    let set_face = |out: &mut String, f: FaceId, face: &mut Option<FaceId>| {
        if *face != Some(f) {
            out.push_str(&format!("/{} {} Tf\n", f.resource(), number(line.size)));
            *face = Some(f);
        }
    };
    for w in &line.words {
        if w.space_before {
            set_face(out, w.space_face, &mut face);
            let space = fonts.encode(w.space_face, " ");
            let adjust = -(line.extra * 1000.0 / line.size);
            if adjust.abs() > 0.001 {
                out.push_str(&format!("[{} {}] TJ\n", hex(&space), number(adjust)));
            } else {
                out.push_str(&format!("{} Tj\n", hex(&space)));
            }
        }
        for p in &w.pieces {
            set_face(out, p.face, &mut face);
            let bytes = fonts.encode(p.face, &p.text);
            out.push_str(&format!("{} Tj\n", hex(&bytes)));
        }
    }
    out.push_str("ET\n");
}

/// A text string for the document information: ASCII as is, else UTF-16BE with its mark.
fn info_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::string_literal(s)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn write(
    letter: &Letter,
    fonts: &mut FontSet,
    pages: Vec<Vec<Op>>,
    logo: Option<image::Image>,
) -> Result<Vec<u8>, LetterError> {
    let pdf_err = |e: lopdf::Error| LetterError::Pdf(e.to_string());
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let total = pages.len();
    let mut contents = Vec::new();
    for (n, ops) in pages.iter().enumerate() {
        let mut out = String::new();
        for op in ops {
            match op {
                Op::Text { y, line } => show(fonts, &mut out, *y, line),
                Op::Image { x, y, w, h } => {
                    out.push_str(&format!(
                        "q {} 0 0 {} {} {} cm /Im1 Do Q\n",
                        number(*w),
                        number(*h),
                        number(*x),
                        number(*y)
                    ));
                }
            }
        }
        // The foot: "page n / total", centred.
        let label = format!("page {} / {}", n + 1, total);
        let ws = words(fonts, &plain(&label, Style::default()), 8.5);
        for mut line in wrap(fonts, ws, 0.0, PAGE_W, 8.5, false) {
            line.x = (PAGE_W - line_width(&line)) / 2.0;
            out.push_str("0.35 g\n");
            show(fonts, &mut out, 34.0, &line);
            out.push_str("0 g\n");
        }
        contents.push(out);
    }
    let font_resources = fonts.embed(&mut doc)?;
    let mut resources = dictionary! { "Font" => font_resources };
    if let Some(img) = logo {
        let id = img.embed(&mut doc)?;
        resources.set("XObject", dictionary! { "Im1" => id });
    }
    let resources_id = doc.add_object(resources);
    let mut kids = Vec::new();
    let mut hasher = Sha256::new();
    for content in contents {
        hasher.update(content.as_bytes());
        let mut stream = Stream::new(Dictionary::new(), content.into_bytes());
        stream.compress().map_err(pdf_err)?;
        let content_id = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(PAGE_W), Object::Real(PAGE_H)],
            "Contents" => content_id,
            "Resources" => resources_id,
        });
        kids.push(Object::Reference(page));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => total as i64 }),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal(if letter.date_line.is_ascii() { "en" } else { "fr" }),
    });
    let created = letter.created.format("D:%Y%m%d%H%M%S+00'00'").to_string();
    let info = doc.add_object(dictionary! {
        "Title" => info_string(&letter.title),
        "Author" => info_string(&letter.author),
        "Creator" => Object::string_literal("Vivier"),
        "Producer" => Object::string_literal("Vivier (lopdf)"),
        "CreationDate" => Object::string_literal(created.clone()),
        "ModDate" => Object::string_literal(created),
    });
    hasher.update(letter.title.as_bytes());
    hasher.update(letter.created.to_rfc3339().as_bytes());
    let id = hasher.finalize();
    let id = id.get(..16).unwrap_or_default().to_vec();
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.trailer.set(
        "ID",
        vec![Object::String(id.clone(), StringFormat::Hexadecimal), Object::String(id, StringFormat::Hexadecimal)],
    );
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| LetterError::Pdf(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> FontSet {
        FontSet::new().unwrap()
    }

    #[test]
    fn lines_never_run_over_and_long_words_are_broken() {
        let mut f = fonts();
        let text = format!("Short words then {} and more words to fill the line up", "x".repeat(400));
        let ws = words(&mut f, &plain(&text, Style::default()), BODY);
        let lines = wrap(&mut f, ws, 0.0, 200.0, BODY, true);
        assert!(lines.len() > 5);
        for l in &lines {
            assert!(line_width(l) <= 200.0 + 0.05, "overfull: {}", line_width(l));
        }
        // Justified lines reach the margin; the last does not have to.
        for l in &lines[..lines.len() - 1] {
            if l.words.iter().any(|w| w.space_before) {
                assert!((line_width(l) - 200.0).abs() < 0.05, "{}", line_width(l));
            }
        }
        let all: String =
            lines.iter().flat_map(|l| l.words.iter()).flat_map(|w| w.pieces.iter()).map(|p| p.text.as_str()).collect();
        assert_eq!(all.matches('x').count(), 400, "nothing lost in the breaking");
    }

    #[test]
    fn decomposed_accents_and_stray_controls_print_as_text() {
        let mut f = fonts();
        let ws = words(&mut f, &plain("Nguye\u{302}\u{303}n\r\nx\u{7}y", Style::default()), BODY);
        let texts: Vec<String> = ws.iter().map(|w| w.pieces.iter().map(|p| p.text.as_str()).collect()).collect();
        assert_eq!(texts, vec!["Nguyễn", "xy"]);
        assert!(f.missing.is_empty(), "{:?}", f.missing);
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let mut f = fonts();
        let ws = words(&mut f, &plain("45\u{202f}000\u{a0}€ brut", Style::default()), BODY);
        assert_eq!(ws.len(), 2);
    }
}
