//! The letter's fonts: DejaVu Sans (regular, bold, oblique), shipped in `assets/fonts/`
//! with their licence, measured with ttf-parser and embedded as subsets (subsetter) in
//! Type0/CIDFontType2 fonts with Identity-H encoding and a ToUnicode CMap, so that any
//! name the fonts cover prints, copies and searches right.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::letters::LetterError;

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
static OBLIQUE: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Oblique.ttf");

/// The faces, parsed once.
static FACES: LazyLock<Vec<Option<Face<'static>>>> =
    LazyLock::new(|| [REGULAR, BOLD, OBLIQUE].iter().map(|d| Face::parse(d, 0).ok()).collect());

/// Which face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaceId {
    Regular = 0,
    Bold = 1,
    Oblique = 2,
}

impl FaceId {
    fn data(self) -> &'static [u8] {
        match self {
            FaceId::Regular => REGULAR,
            FaceId::Bold => BOLD,
            FaceId::Oblique => OBLIQUE,
        }
    }

    fn base_name(self) -> &'static str {
        match self {
            FaceId::Regular => "DejaVuSans",
            FaceId::Bold => "DejaVuSans-Bold",
            FaceId::Oblique => "DejaVuSans-Oblique",
        }
    }

    /// The resource name in content streams.
    pub fn resource(self) -> &'static str {
        match self {
            FaceId::Regular => "F1",
            FaceId::Bold => "F2",
            FaceId::Oblique => "F3",
        }
    }

    pub const ALL: [FaceId; 3] = [FaceId::Regular, FaceId::Bold, FaceId::Oblique];
}

fn face(id: FaceId) -> Result<&'static Face<'static>, LetterError> {
    FACES
        .get(id as usize)
        .and_then(Option::as_ref)
        .ok_or_else(|| LetterError::Pdf(format!("the shipped font {} does not read", id.base_name())))
}

/// Measures text, and records the glyphs a letter uses for the subsets.
pub struct FontSet {
    remappers: [GlyphRemapper; 3],
    /// Per face: new glyph id → the text it stands for.
    unicode: [BTreeMap<u16, String>; 3],
    /// Characters no face has a glyph for.
    pub missing: Vec<char>,
}

impl FontSet {
    pub fn new() -> Result<FontSet, LetterError> {
        for id in FaceId::ALL {
            face(id)?;
        }
        Ok(FontSet {
            remappers: [GlyphRemapper::new(), GlyphRemapper::new(), GlyphRemapper::new()],
            unicode: Default::default(),
            missing: Vec::new(),
        })
    }

    fn glyph(&mut self, id: FaceId, c: char) -> Option<GlyphId> {
        let f = face(id).ok()?;
        match f.glyph_index(c) {
            Some(g) => Some(g),
            None => {
                if !self.missing.contains(&c) {
                    self.missing.push(c);
                }
                None
            }
        }
    }

    /// Width of `text` at `size` points (characters without a glyph count as nothing and
    /// are remembered in [`FontSet::missing`]).
    pub fn width(&mut self, id: FaceId, text: &str, size: f32) -> f32 {
        let Ok(f) = face(id) else { return 0.0 };
        let upem = f32::from(f.units_per_em());
        let mut units = 0u32;
        for c in text.chars() {
            if let Some(g) = self.glyph(id, c) {
                units += u32::from(f.glyph_hor_advance(g).unwrap_or(0));
            }
        }
        units as f32 * size / upem
    }

    /// The content-stream string of `text` (two bytes per glyph, subset ids).
    pub fn encode(&mut self, id: FaceId, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let Some(g) = self.glyph(id, c) else { continue };
            let new = self.remappers[id as usize].remap(g.0);
            self.unicode[id as usize].entry(new).or_insert_with(|| c.to_string());
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Whether a face was used at all.
    pub fn used(&self, id: FaceId) -> bool {
        !self.unicode[id as usize].is_empty()
    }

    /// Writes the used faces as subset Type0 fonts; returns their resource dictionary.
    pub fn embed(&self, doc: &mut Document) -> Result<Dictionary, LetterError> {
        let mut resources = Dictionary::new();
        for id in FaceId::ALL {
            if !self.used(id) {
                continue;
            }
            let font = self.embed_one(doc, id)?;
            resources.set(id.resource(), font);
        }
        Ok(resources)
    }

    fn embed_one(&self, doc: &mut Document, id: FaceId) -> Result<ObjectId, LetterError> {
        let f = face(id)?;
        let remapper = &self.remappers[id as usize];
        let subset = subsetter::subset(id.data(), 0, remapper)
            .map_err(|e| LetterError::Pdf(format!("the font subset failed: {e}")))?;
        // The subset's tag: six capitals from the glyphs it holds, the same for the same glyphs.
        let mut h: u32 = 2166136261;
        for g in remapper.remapped_gids() {
            h = (h ^ u32::from(g)).wrapping_mul(16777619);
        }
        let tag: String = (0..6).map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8)).collect();
        let name = format!("{tag}+{}", id.base_name());
        let upem = f32::from(f.units_per_em());
        let scale = |v: i16| Object::Integer((f32::from(v) * 1000.0 / upem).round() as i64);
        let bbox = f.global_bounding_box();
        let mut file = Stream::new(dictionary! { "Length1" => subset.len() as i64 }, subset);
        file.compress().map_err(|e| LetterError::Pdf(e.to_string()))?;
        let file_id = doc.add_object(file);
        let flags = 32 + if id == FaceId::Oblique { 64 } else { 0 };
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(name.clone().into_bytes()),
            "Flags" => flags,
            "FontBBox" => vec![scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)],
            "ItalicAngle" => Object::Real(f.italic_angle()),
            "Ascent" => scale(f.ascender()),
            "Descent" => scale(f.descender()),
            "CapHeight" => scale(f.capital_height().unwrap_or(f.ascender())),
            "StemV" => if id == FaceId::Bold { 120 } else { 80 },
            "FontFile2" => file_id,
        });
        // Widths of every glyph of the subset, by new id (= CID).
        let mut widths = Vec::new();
        for old in remapper.remapped_gids() {
            let w = f.glyph_hor_advance(GlyphId(old)).unwrap_or(0);
            widths.push(Object::Integer((f32::from(w) * 1000.0 / upem).round() as i64));
        }
        let cid_font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => Object::Name(name.clone().into_bytes()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => vec![Object::Integer(0), Object::Array(widths)],
            "CIDToGIDMap" => "Identity",
        });
        let mut cmap = Stream::new(Dictionary::new(), self.to_unicode(id).into_bytes());
        cmap.compress().map_err(|e| LetterError::Pdf(e.to_string()))?;
        let cmap_id = doc.add_object(cmap);
        Ok(doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => Object::Name(name.into_bytes()),
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(cid_font)],
            "ToUnicode" => cmap_id,
        }))
    }

    /// The ToUnicode CMap of a face: each subset glyph to its text (UTF-16BE).
    fn to_unicode(&self, id: FaceId) -> String {
        let mut out = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(&u16, &String)> = self.unicode[id as usize].iter().collect();
        for chunk in entries.chunks(100) {
            out.push_str(&format!("{} beginbfchar\n", chunk.len()));
            for (gid, text) in chunk {
                let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
                out.push_str(&format!("<{gid:04X}> <{hex}>\n"));
            }
            out.push_str("endbfchar\n");
        }
        out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_fonts_cover_the_names_of_the_issue() {
        let mut fonts = FontSet::new().unwrap();
        for name in [
            "Łukasz Żółć-Nguyễn",
            "Zoë O'Brien-Müller",
            "Ярослава Ковальчук",
            "Σοφία Παπαδοπούλου",
            "45\u{202f}000\u{a0}€",
        ] {
            for id in FaceId::ALL {
                assert!(fonts.width(id, name, 10.0) > 10.0);
            }
        }
        assert!(fonts.missing.is_empty(), "{:?}", fonts.missing);
        fonts.width(FaceId::Regular, "王", 10.0);
        assert_eq!(fonts.missing, vec!['王']);
    }
}
