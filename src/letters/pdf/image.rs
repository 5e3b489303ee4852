//! The letterhead's logo: a JPEG goes in as it is (DCTDecode); a PNG is decoded to RGB
//! with its alpha, if any, as a soft mask (both Flate-compressed). Anything else, or a
//! file that does not read, is an error that says so.

use std::io::Cursor;

use lopdf::{Document, Object, ObjectId, Stream, dictionary};

use crate::letters::LetterError;

/// Largest logo accepted, in pixels each way.
const MAX_SIDE: u32 = 4000;

pub struct Image {
    width: u32,
    height: u32,
    kind: Kind,
}

enum Kind {
    Jpeg { data: Vec<u8>, components: u8 },
    Raw { rgb: Vec<u8>, alpha: Option<Vec<u8>> },
}

fn bad(reason: &str) -> LetterError {
    LetterError::Invalid { field: "logo", reason: reason.to_owned() }
}

impl Image {
    /// Reads a PNG or JPEG logo.
    pub fn read(bytes: &[u8]) -> Result<Image, LetterError> {
        let image = if bytes.starts_with(&[0xFF, 0xD8]) {
            jpeg(bytes)?
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            png_image(bytes)?
        } else {
            return Err(bad("is neither a PNG nor a JPEG image"));
        };
        if image.width == 0 || image.height == 0 || image.width > MAX_SIDE || image.height > MAX_SIDE {
            return Err(bad("must be between 1 and 4000 pixels each way"));
        }
        Ok(image)
    }

    /// The size to draw it at, within `max_w` × `max_h` points, keeping its proportions.
    pub fn fit(&self, max_w: f32, max_h: f32) -> (f32, f32) {
        let (w, h) = (self.width as f32, self.height as f32);
        let scale = (max_w / w).min(max_h / h);
        (w * scale, h * scale)
    }

    pub fn embed(self, doc: &mut Document) -> Result<ObjectId, LetterError> {
        let pdf = |e: lopdf::Error| LetterError::Pdf(e.to_string());
        let (w, h) = (i64::from(self.width), i64::from(self.height));
        match self.kind {
            Kind::Jpeg { data, components } => {
                let space = match components {
                    1 => "DeviceGray",
                    _ => "DeviceRGB",
                };
                let dict = dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
                    "ColorSpace" => space, "BitsPerComponent" => 8, "Filter" => "DCTDecode",
                };
                Ok(doc.add_object(Stream::new(dict, data)))
            }
            Kind::Raw { rgb, alpha } => {
                let mut dict = dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
                    "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8,
                };
                if let Some(alpha) = alpha {
                    let mut mask = Stream::new(
                        dictionary! {
                            "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
                            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                        },
                        alpha,
                    );
                    mask.compress().map_err(pdf)?;
                    dict.set("SMask", Object::Reference(doc.add_object(mask)));
                }
                let mut stream = Stream::new(dict, rgb);
                stream.compress().map_err(pdf)?;
                Ok(doc.add_object(stream))
            }
        }
    }
}

/// A JPEG's size and components from its frame header; the data is kept as it is.
fn jpeg(bytes: &[u8]) -> Result<Image, LetterError> {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes.get(i) != Some(&0xFF) {
            return Err(bad("is a damaged JPEG"));
        }
        let marker = bytes.get(i + 1).copied().unwrap_or(0);
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([
            bytes.get(i + 2).copied().unwrap_or(0),
            bytes.get(i + 3).copied().unwrap_or(0),
        ]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let seg = bytes.get(i + 4..i + 2 + len).ok_or_else(|| bad("is a damaged JPEG"))?;
            let (height, width, components) = match seg {
                [_, h1, h2, w1, w2, n, ..] => (u16::from_be_bytes([*h1, *h2]), u16::from_be_bytes([*w1, *w2]), *n),
                _ => return Err(bad("is a damaged JPEG")),
            };
            if !matches!(components, 1 | 3) {
                return Err(bad("is a CMYK JPEG: save it as RGB (or as a PNG)"));
            }
            return Ok(Image {
                width: u32::from(width),
                height: u32::from(height),
                kind: Kind::Jpeg { data: bytes.to_vec(), components },
            });
        }
        i += 2 + len;
    }
    Err(bad("is a damaged JPEG (no frame header)"))
}

fn png_image(bytes: &[u8]) -> Result<Image, LetterError> {
    let damaged = |_| bad("is a PNG that does not read");
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: 64 << 20 });
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(damaged)?;
    let size = reader.output_buffer_size().ok_or_else(|| bad("is too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(damaged)?;
    let (w, h) = (info.width, info.height);
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(bad("must be between 1 and 4000 pixels each way"));
    }
    let pixels = (w as usize) * (h as usize);
    let data = buf.get(..info.line_size * h as usize).ok_or_else(|| bad("is a PNG that does not read"))?;
    let mut rgb = Vec::with_capacity(pixels * 3);
    let mut alpha = Vec::with_capacity(pixels);
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(bad("is a PNG with a palette that does not read")),
    };
    for row in data.chunks(info.line_size) {
        for px in row.chunks(channels).take(w as usize) {
            match px {
                [g] => rgb.extend_from_slice(&[*g, *g, *g]),
                [g, a] => {
                    rgb.extend_from_slice(&[*g, *g, *g]);
                    alpha.push(*a);
                }
                [r, g, b] => rgb.extend_from_slice(&[*r, *g, *b]),
                [r, g, b, a] => {
                    rgb.extend_from_slice(&[*r, *g, *b]);
                    alpha.push(*a);
                }
                _ => return Err(bad("is a PNG that does not read")),
            }
        }
    }
    let alpha = if alpha.len() == pixels && alpha.iter().any(|a| *a != 255) { Some(alpha) } else { None };
    Ok(Image { width: w, height: h, kind: Kind::Raw { rgb, alpha } })
}
