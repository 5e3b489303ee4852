//! From placed glyphs to lines of text, as a reader sees them. Glyphs become words where
//! they follow each other closely on one baseline (a space glyph, or a gap wider than
//! [`WORD_GAP`] of the text size, ends a word: PDF producers such as pdfTeX never write
//! the spaces, they move the next word along); spacing accents drawn over a letter are
//! put on it (`´` + `e` → `é`); words drawn twice on the same spot (fake bold) are read
//! once. Words on one baseline make line pieces; the pieces of a page are put in reading
//! order: top to bottom, left to right within a line, and column by column where the page
//! clearly has columns (two blocks of wide text side by side with an empty gutter).
//! Rotated text is read after the upright text, in drawing order.

use super::content::{Glyph, Page};

/// A gap wider than this fraction of the text size between two glyphs separates words.
/// Word spaces are at least about a fifth of the size (0.22 em for Computer Modern once
/// a justified line has shrunk them); kerns within a word stay well under a tenth.
const WORD_GAP: f32 = 0.12;
/// How far (in text sizes) two baselines may be apart and still be one line.
const SAME_LINE: f32 = 0.45;
/// A gap wider than this many text sizes splits a line into separate pieces.
const PIECE_GAP: f32 = 3.0;
/// A vertical step larger than this many text sizes between lines is a paragraph break.
const PARAGRAPH_GAP: f32 = 1.75;
/// Beyond this many pieces on one page, columns are not looked for (the search is
/// quadratic).
const MAX_PIECES_FOR_COLUMNS: usize = 3000;

/// A run of text on one baseline: a word, or a piece of a line.
#[derive(Clone, Debug)]
struct Run {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    dir: u8,
    text: String,
}

impl Run {
    fn from_glyph(glyph: &Glyph, text: &str) -> Run {
        Run { x0: glyph.x0, x1: glyph.x1, y: glyph.y, size: glyph.size, dir: glyph.dir, text: text.to_string() }
    }

    /// Whether `next` continues this run on its line, with at most `gap` text sizes
    /// between them (and not far backwards).
    fn continued_by(&self, next: &Run, gap: f32) -> bool {
        let size = self.size.max(next.size).max(0.1);
        next.dir == self.dir
            && (next.y - self.y).abs() <= SAME_LINE * size
            && next.x0 >= self.x1 - 0.5 * size
            && next.x0 - self.x1 <= gap * size
    }

    fn extend(&mut self, next: &Run, separator: &str) {
        self.x0 = self.x0.min(next.x0);
        self.x1 = self.x1.max(next.x1);
        self.size = self.size.max(next.size);
        self.text.push_str(separator);
        self.text.push_str(&next.text);
    }
}

/// The lines of a page in reading order; an empty line marks a paragraph break.
pub(super) fn page_lines(page: &Page) -> Vec<String> {
    let words = words(page);
    let pieces = pieces(words);
    let (upright, rotated): (Vec<Run>, Vec<Run>) = pieces.into_iter().partition(|p| p.dir == 0);
    let mut lines = Vec::new();
    match columns(&upright) {
        Some(gutter) => read_columns(upright, gutter, &mut lines),
        None => rows(upright, &mut lines),
    }
    for piece in rotated {
        push_line(&mut lines, piece.text);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Glyphs to words, in drawing order.
fn words(page: &Page) -> Vec<Run> {
    let texts = with_accents_placed(page);
    let mut words: Vec<Run> = Vec::new();
    let mut current: Option<Run> = None;
    for (glyph, text) in page.glyphs.iter().zip(&texts) {
        let Some(text) = text else { continue };
        if !text.is_empty() && text.chars().all(char::is_whitespace) {
            finish(&mut words, current.take());
            continue;
        }
        let run = Run::from_glyph(glyph, text);
        match &mut current {
            Some(word) if word.continued_by(&run, WORD_GAP) => word.extend(&run, ""),
            _ => finish(&mut words, current.replace(run)),
        }
    }
    finish(&mut words, current);
    words
}

/// Keeps a finished word unless it is empty or the same word drawn again on nearly the
/// same spot (the way some producers make bold text).
fn finish(words: &mut Vec<Run>, word: Option<Run>) {
    let Some(word) = word else { return };
    if word.text.is_empty() {
        return;
    }
    let close = 0.25 * word.size.max(0.1);
    let twice = words.iter().rev().take(6).any(|w| {
        w.text == word.text && w.dir == word.dir && (w.x0 - word.x0).abs() < close && (w.y - word.y).abs() < close
    });
    if !twice {
        words.push(word);
    }
}

/// The text of each glyph, with spacing accents drawn over (or under) a neighbouring
/// letter moved onto it as combining marks. `None` for an accent so moved.
fn with_accents_placed(page: &Page) -> Vec<Option<String>> {
    let glyphs = &page.glyphs;
    let mut texts: Vec<Option<String>> = glyphs.iter().map(|g| Some(page.text_of(g).to_string())).collect();
    for i in 0..glyphs.len() {
        let Some(mark) = texts[i].as_deref().and_then(combining_mark) else { continue };
        let accent = &glyphs[i];
        let centre = (accent.x0 + accent.x1) / 2.0;
        let neighbours = [i + 1, i.wrapping_sub(1), i + 2, i.wrapping_sub(2)];
        let letter = neighbours.into_iter().find(|&j| {
            glyphs.get(j).is_some_and(|g| {
                g.dir == accent.dir
                    && g.x0 - 0.05 * g.size <= centre
                    && centre <= g.x1 + 0.05 * g.size
                    && (g.y - accent.y).abs() <= 0.8 * g.size.max(accent.size)
                    && texts[j].as_deref().is_some_and(|t| t.chars().next().is_some_and(char::is_alphabetic))
            })
        });
        if let Some(j) = letter {
            let base = texts[j].take().unwrap_or_default();
            let base = match base.as_str() {
                "ı" => "i".to_string(),
                "ȷ" => "j".to_string(),
                _ => base,
            };
            texts[j] = Some(format!("{base}{mark}"));
            texts[i] = None;
        }
    }
    texts
}

/// The combining mark a spacing accent stands for.
fn combining_mark(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    Some(match c {
        '´' => '\u{301}',
        '`' => '\u{300}',
        'ˆ' => '\u{302}',
        '˜' => '\u{303}',
        '¨' => '\u{308}',
        '¸' => '\u{327}',
        'ˇ' => '\u{30C}',
        '˘' => '\u{306}',
        '˙' => '\u{307}',
        '˚' => '\u{30A}',
        '¯' => '\u{304}',
        '˝' => '\u{30B}',
        '˛' => '\u{328}',
        _ => return None,
    })
}

/// Words to line pieces, in drawing order.
fn pieces(words: Vec<Run>) -> Vec<Run> {
    let mut pieces: Vec<Run> = Vec::new();
    for word in words {
        match pieces.last_mut() {
            Some(piece) if piece.continued_by(&word, PIECE_GAP) => piece.extend(&word, " "),
            _ => pieces.push(word),
        }
    }
    pieces
}

/// Where a page clearly splits into two columns: an x position that (nearly) no piece
/// crosses, with at least five pieces of wide text on each side. The gutter found with
/// the most pieces on its thinner side wins.
fn columns(pieces: &[Run]) -> Option<f32> {
    if pieces.len() < 10 || pieces.len() > MAX_PIECES_FOR_COLUMNS {
        return None;
    }
    let left_edge = pieces.iter().map(|p| p.x0).fold(f32::INFINITY, f32::min);
    let right_edge = pieces.iter().map(|p| p.x1).fold(f32::NEG_INFINITY, f32::max);
    let width = right_edge - left_edge;
    if width <= 0.0 {
        return None;
    }
    // Candidates: the right edges of pieces (justified lines share theirs: tried once).
    let mut candidates: Vec<f32> = pieces.iter().map(|p| (p.x1 + 0.1 * p.size).round()).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let mut best: Option<(usize, f32)> = None;
    for gutter in candidates {
        let (mut left, mut right, mut crossing) = (Vec::new(), Vec::new(), 0usize);
        for p in pieces {
            if p.x1 <= gutter {
                left.push(p.x1 - p.x0);
            } else if p.x0 >= gutter + 0.3 * p.size {
                right.push(p.x1 - p.x0);
            } else {
                crossing += 1;
            }
        }
        let wide = |widths: &mut Vec<f32>| {
            widths.sort_by(f32::total_cmp);
            widths.len() >= 5 && widths[widths.len() / 2] >= 0.3 * width
        };
        if crossing * 10 > pieces.len() || !wide(&mut left) || !wide(&mut right) {
            continue;
        }
        let thinner = left.len().min(right.len());
        if best.is_none_or(|(n, _)| thinner > n) {
            best = Some((thinner, gutter));
        }
    }
    best.map(|(_, gutter)| gutter)
}

/// Reads a page with two columns: bands between the pieces that cross the gutter (titles,
/// footers), each band's left column then its right column.
fn read_columns(mut pieces: Vec<Run>, gutter: f32, lines: &mut Vec<String>) {
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y));
    let (mut left, mut right, mut spanning) = (Vec::new(), Vec::new(), Vec::new());
    let flush = |left: &mut Vec<Run>, right: &mut Vec<Run>, lines: &mut Vec<String>| {
        for column in [left, right] {
            if !column.is_empty() {
                rows(std::mem::take(column), lines);
                push_line(lines, String::new());
            }
        }
    };
    for piece in pieces {
        if piece.x1 <= gutter {
            left.push(piece);
        } else if piece.x0 >= gutter {
            right.push(piece);
        } else {
            if !left.is_empty() || !right.is_empty() {
                flush(&mut left, &mut right, lines);
                rows(std::mem::take(&mut spanning), lines);
            }
            spanning.push(piece);
            continue;
        }
        if !spanning.is_empty() {
            rows(std::mem::take(&mut spanning), lines);
            push_line(lines, String::new());
        }
    }
    flush(&mut left, &mut right, lines);
    rows(spanning, lines);
}

/// Pieces to lines: top to bottom, pieces on one baseline joined left to right, an empty
/// line where the vertical gap is a paragraph's.
fn rows(mut pieces: Vec<Run>, lines: &mut Vec<String>) {
    // A stable sort: pieces on exactly one baseline keep their drawing order.
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut previous: Option<(f32, f32)> = None;
    let mut at = 0;
    while at < pieces.len() {
        let first = &pieces[at];
        let mut end = at + 1;
        while end < pieces.len() && (first.y - pieces[end].y).abs() <= SAME_LINE * first.size.max(pieces[end].size) {
            end += 1;
        }
        let row = &mut pieces[at..end];
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let size = row.iter().map(|p| p.size).fold(0.0, f32::max);
        let y = row[0].y;
        if let Some((previous_y, previous_size)) = previous
            && previous_y - y > PARAGRAPH_GAP * previous_size.max(size)
        {
            push_line(lines, String::new());
        }
        let mut line = String::new();
        let mut last_x1 = f32::NEG_INFINITY;
        for piece in row.iter() {
            if !line.is_empty() && piece.x0 - last_x1 > WORD_GAP * piece.size {
                line.push(' ');
            }
            line.push_str(&piece.text);
            last_x1 = last_x1.max(piece.x1);
        }
        push_line(lines, line);
        previous = Some((y, size));
        at = end;
    }
}

/// Appends a line; an empty one (a paragraph break) only after a line with text.
fn push_line(lines: &mut Vec<String>, line: String) {
    if !line.is_empty() || lines.last().is_some_and(|l| !l.is_empty()) {
        lines.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of `(x, y, text)` glyph runs in 10-point text, each character 5 points wide.
    fn page(runs: &[(f32, f32, &str)]) -> Page {
        let mut page = Page::default();
        for (x, y, text) in runs {
            for (i, c) in text.chars().enumerate() {
                let start = page.text.len() as u32;
                page.text.push(c);
                let x0 = x + 5.0 * i as f32;
                page.glyphs.push(Glyph {
                    x0,
                    x1: x0 + 5.0,
                    y: *y,
                    size: 10.0,
                    dir: 0,
                    start,
                    end: page.text.len() as u32,
                });
            }
        }
        page
    }

    #[test]
    fn gaps_between_glyphs_are_spaces_and_kerns_are_not() {
        // "Here" then "is" 3.3 points (a third of the size) further: a space. "to" with a
        // 0.5-point kern gap inside: no space.
        let lines =
            page_lines(&page(&[(0.0, 700.0, "Here"), (23.3, 700.0, "is"), (36.6, 700.0, "t"), (42.1, 700.0, "o")]));
        assert_eq!(lines, ["Here is to"]);
    }

    #[test]
    fn lines_are_read_top_to_bottom_whatever_the_drawing_order() {
        let lines = page_lines(&page(&[(0.0, 600.0, "second"), (0.0, 700.0, "first"), (0.0, 686.0, "next")]));
        assert_eq!(lines, ["first", "next", "", "second"]);
    }

    #[test]
    fn an_accent_over_a_letter_is_put_on_it() {
        // TeX's \'e in the OT1 encoding: the acute drawn over the e.
        let lines = page_lines(&page(&[(0.0, 700.0, "d"), (5.0, 700.0, "´"), (5.0, 700.0, "e"), (10.0, 700.0, "j")]));
        assert_eq!(lines, ["de\u{301}j"]);
    }

    #[test]
    fn text_drawn_twice_is_read_once() {
        let lines = page_lines(&page(&[(0.0, 700.0, "Bold"), (0.3, 700.0, "Bold"), (30.0, 700.0, "text")]));
        assert_eq!(lines, ["Bold text"]);
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut runs = vec![(100.0, 800.0, "Title across both columns of the page here")];
        let left = ["left one is a long line", "left two is a long line", "left three a long line"];
        let right = ["right one a long line", "right two a long line", "right three long line"];
        for i in 0..6 {
            let y = 760.0 - 12.0 * i as f32;
            runs.push((50.0, y, left[i % 3]));
            runs.push((200.0, y, right[i % 3]));
        }
        let texts = page_lines(&page(&runs));
        let left_at = texts.iter().position(|l| l.starts_with("left one")).unwrap();
        let right_at = texts.iter().position(|l| l.starts_with("right one")).unwrap();
        assert_eq!(texts[0], "Title across both columns of the page here");
        assert!(texts[left_at..right_at].iter().filter(|l| l.starts_with("left")).count() == 6, "{texts:?}");
    }

    #[test]
    fn a_table_of_dates_and_text_is_not_columns() {
        let mut runs = Vec::new();
        for i in 0..8 {
            let y = 760.0 - 24.0 * i as f32;
            runs.push((50.0, y, "2019–2025"));
            runs.push((120.0, y, "Staff engineer at a company with a long name"));
            runs.push((120.0, y - 12.0, "and a second line of description that is long"));
        }
        let lines = page_lines(&page(&runs));
        assert_eq!(lines[0], "2019–2025 Staff engineer at a company with a long name");
    }
}
