//! The content-stream interpreter: runs a page's drawing operators far enough to know
//! where each glyph lands. It tracks the graphics state (`q`/`Q`, `cm`), the text state
//! (`Tc`, `Tw`, `Tz`, `TL`, `Tf`, `Ts`), the text and line matrices (`Tm`, `Td`, `TD`,
//! `T*`), shows strings (`Tj`, `TJ` with its offsets, `'`, `"`) advancing by each glyph's
//! width, and follows form XObjects (`Do`) a few levels deep. Each glyph comes out with
//! its text and its place along its baseline, in page space turned so that the text runs
//! left to right (see [`Glyph`]); images, paths and colours are ignored. Work is bounded
//! by a budget shared by the whole document.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::Font;
use super::{MAX_STREAM, get, number, resolve};

/// How deep form XObjects may nest.
const MAX_FORM_DEPTH: u8 = 8;
/// How deep `q` may nest.
const MAX_SAVED_STATES: usize = 256;
/// The most glyphs kept from one page (a dense page has about 10,000): past it, a hostile
/// page would only fill the memory.
const MAX_PAGE_GLYPHS: usize = 1_000_000;

/// One glyph as placed on the page, in the frame of its writing direction: `x0..x1` along
/// the baseline (left to right as read), `y` the baseline (larger is higher on the page).
#[derive(Clone, Copy, Debug)]
pub(super) struct Glyph {
    pub(super) x0: f32,
    pub(super) x1: f32,
    pub(super) y: f32,
    /// The text size on the page.
    pub(super) size: f32,
    /// The writing direction in quarter turns: 0 upright, 1 rotated a quarter turn
    /// anticlockwise, 2 upside down, 3 a quarter turn clockwise.
    pub(super) dir: u8,
    /// The glyph's text, as a range of [`Page::text`].
    pub(super) start: u32,
    pub(super) end: u32,
}

/// The glyphs of a page, in content order, and their text.
#[derive(Default, Debug)]
pub(super) struct Page {
    pub(super) glyphs: Vec<Glyph>,
    pub(super) text: String,
}

impl Page {
    pub(super) fn text_of(&self, glyph: &Glyph) -> &str {
        self.text.get(glyph.start as usize..glyph.end as usize).unwrap_or("")
    }
}

/// What the interpretation of a whole document shares: loaded fonts and forms, and the
/// work left.
pub(super) struct Shared {
    fonts: HashMap<FontKey, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<[u8]>>,
    /// Operators and glyphs still allowed.
    pub(super) budget: u64,
}

impl Shared {
    /// Nothing loaded yet, and `budget` operators and glyphs to interpret.
    pub(super) fn new(budget: u64) -> Shared {
        Shared { fonts: HashMap::new(), forms: HashMap::new(), budget }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    /// A font dictionary written inline in a resource dictionary, by address (the
    /// document outlives the interpretation).
    Inline(usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `then`.
    fn then(self, then: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let values: Vec<f32> = operands.iter().filter_map(number).collect();
        let m: [f32; 6] = values.try_into().ok()?;
        m.iter().all(|v| v.is_finite()).then_some(Matrix(m))
    }
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    scale: f32,
    leading: f32,
    font: Option<Rc<Font>>,
    size: f32,
    rise: f32,
}

impl Default for State {
    fn default() -> Self {
        State {
            ctm: Matrix::IDENTITY,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            font: None,
            size: 0.0,
            rise: 0.0,
        }
    }
}

/// Interprets one page's content (and the forms it draws), appending to `page`.
pub(super) fn interpret(doc: &Document, shared: &mut Shared, content: &[u8], resources: Option<&Dictionary>) -> Page {
    let mut page = Page::default();
    let mut run = Run { doc, shared, page: &mut page };
    run.stream(content, resources, State::default(), 0);
    page
}

struct Run<'a, 'p> {
    doc: &'a Document,
    shared: &'p mut Shared,
    page: &'p mut Page,
}

impl<'a> Run<'a, '_> {
    fn stream(&mut self, content: &[u8], resources: Option<&'a Dictionary>, state: State, depth: u8) {
        let mut state = state;
        let mut saved: Vec<State> = Vec::new();
        let mut text_matrix = Matrix::IDENTITY;
        let mut line_matrix = Matrix::IDENTITY;
        for operation in Content::<Vec<Operation>>::decode_iter(content) {
            let Ok(Operation { operator, operands }) = operation else { break };
            if self.shared.budget == 0 {
                break;
            }
            self.shared.budget -= 1;
            let n = |i: usize| operands.get(i).and_then(number).filter(|v| v.is_finite());
            match operator.as_str() {
                "q" if saved.len() < MAX_SAVED_STATES => saved.push(state.clone()),
                "Q" => {
                    if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(&operands) {
                        state.ctm = m.then(state.ctm);
                    }
                }
                "BT" => {
                    text_matrix = Matrix::IDENTITY;
                    line_matrix = Matrix::IDENTITY;
                }
                "Tc" => state.char_spacing = n(0).unwrap_or(0.0),
                "Tw" => state.word_spacing = n(0).unwrap_or(0.0),
                "Tz" => state.scale = n(0).unwrap_or(100.0) / 100.0,
                "TL" => state.leading = n(0).unwrap_or(0.0),
                "Ts" => state.rise = n(0).unwrap_or(0.0),
                "Tf" => {
                    state.size = n(1).unwrap_or(0.0);
                    state.font =
                        operands.first().and_then(|o| o.as_name().ok()).and_then(|name| self.font(resources, name));
                }
                "Td" | "TD" => {
                    let (tx, ty) = (n(0).unwrap_or(0.0), n(1).unwrap_or(0.0));
                    if operator == "TD" {
                        state.leading = -ty;
                    }
                    line_matrix = Matrix::translate(tx, ty).then(line_matrix);
                    text_matrix = line_matrix;
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(&operands) {
                        line_matrix = m;
                        text_matrix = m;
                    }
                }
                "T*" => {
                    line_matrix = Matrix::translate(0.0, -state.leading).then(line_matrix);
                    text_matrix = line_matrix;
                }
                "Tj" | "'" | "\"" => {
                    if operator != "Tj" {
                        if operator == "\"" {
                            state.word_spacing = n(0).unwrap_or(state.word_spacing);
                            state.char_spacing = n(1).unwrap_or(state.char_spacing);
                        }
                        line_matrix = Matrix::translate(0.0, -state.leading).then(line_matrix);
                        text_matrix = line_matrix;
                    }
                    if let Some(Ok(bytes)) = operands.last().map(Object::as_str) {
                        self.show(&state, &mut text_matrix, bytes);
                    }
                }
                "TJ" => {
                    let Some(Ok(items)) = operands.first().map(Object::as_array) else { continue };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(&state, &mut text_matrix, bytes),
                            other => {
                                if let Some(offset) = number(other).filter(|v| v.is_finite()) {
                                    let tx = -offset / 1000.0 * state.size * state.scale;
                                    text_matrix = Matrix::translate(tx, 0.0).then(text_matrix);
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(name) = operands.first().and_then(|o| o.as_name().ok()) {
                        self.form(resources, name, &state, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// The font a `Tf` names, loaded once per document.
    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let fonts = get(self.doc, resources?, b"Font")?.as_dict().ok()?;
        let entry = fonts.get(name).ok()?;
        let (key, dict) = match entry {
            Object::Reference(id) => (FontKey::Object(*id), resolve(self.doc, entry).as_dict().ok()?),
            Object::Dictionary(dict) => (FontKey::Inline(dict as *const Dictionary as usize), dict),
            _ => return None,
        };
        if let Some(font) = self.shared.fonts.get(&key) {
            return Some(font.clone());
        }
        let font = Rc::new(Font::load(self.doc, dict));
        self.shared.fonts.insert(key, font.clone());
        Some(font)
    }

    /// Draws a form XObject: its content, in its matrix, with its resources (or the
    /// caller's).
    fn form(&mut self, resources: Option<&'a Dictionary>, name: &[u8], state: &State, depth: u8) {
        let Some(xobjects) = resources.and_then(|r| get(self.doc, r, b"XObject")).and_then(|o| o.as_dict().ok()) else {
            return;
        };
        let Ok(Object::Reference(id)) = xobjects.get(name) else { return };
        let Ok(stream) = self.doc.get_object(*id).and_then(Object::as_stream) else { return };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return;
        }
        let content = match self.shared.forms.get(id) {
            Some(content) => content.clone(),
            None => {
                let content: Rc<[u8]> = stream.get_plain_content_with_limit(MAX_STREAM).unwrap_or_default().into();
                self.shared.forms.insert(*id, content.clone());
                content
            }
        };
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| resolve(self.doc, o).as_array().ok())
            .and_then(|a| Matrix::from_operands(a))
            .unwrap_or(Matrix::IDENTITY);
        let inner = get(self.doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok()).or(resources);
        let mut state = state.clone();
        state.ctm = matrix.then(state.ctm);
        self.stream(&content, inner, state, depth + 1);
    }

    /// Shows a string: one glyph per code, each advancing the text matrix.
    fn show(&mut self, state: &State, text_matrix: &mut Matrix, bytes: &[u8]) {
        let Some(font) = state.font.clone() else { return };
        let mut base = text_matrix.then(state.ctm);
        let [a, b, c, d, ..] = base.0;
        let size = (state.size * c.hypot(d)).abs();
        let dir = if a.abs() >= b.abs() {
            if a >= 0.0 { 0 } else { 2 }
        } else if b > 0.0 {
            1
        } else {
            3
        };
        let (tfs, th) = (state.size, state.scale);
        for (code, len) in font.codes(bytes) {
            if self.shared.budget == 0 || self.page.glyphs.len() >= MAX_PAGE_GLYPHS {
                break;
            }
            self.shared.budget -= 1;
            let w0 = font.width(code);
            let start = self.page.text.len() as u32;
            font.push_text(code, &mut self.page.text);
            let end = self.page.text.len() as u32;
            let origin = frame(dir, base.apply(0.0, state.rise));
            let finish = frame(dir, base.apply(w0 * tfs * th, state.rise));
            if size.is_finite() && origin.0.is_finite() && origin.1.is_finite() && finish.0.is_finite() {
                self.page.glyphs.push(Glyph {
                    x0: origin.0.min(finish.0),
                    x1: origin.0.max(finish.0),
                    y: origin.1,
                    size,
                    dir,
                    start,
                    end,
                });
            }
            let spacing = if len == 1 && code == 32 { state.word_spacing } else { 0.0 };
            let tx = (w0 * tfs + state.char_spacing + spacing) * th;
            *text_matrix = Matrix::translate(tx, 0.0).then(*text_matrix);
            base = text_matrix.then(state.ctm);
        }
    }
}

/// A page point in the frame of a writing direction (see [`Glyph::dir`]).
fn frame(dir: u8, (x, y): (f32, f32)) -> (f32, f32) {
    match dir {
        1 => (y, -x),
        2 => (-x, -y),
        3 => (-y, x),
        _ => (x, y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        // Scale, then shift.
        assert_eq!(scale.then(shift).apply(1.0, 1.0), (12.0, 7.0));
        // Shift, then scale.
        assert_eq!(shift.then(scale).apply(1.0, 1.0), (22.0, 12.0));
        assert_eq!(frame(1, (3.0, 4.0)), (4.0, -3.0));
    }
}
