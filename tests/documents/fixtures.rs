//! Fixture documents, generated in memory: valid ones and hostile ones. Nothing is
//! written to disk.

use std::io::{Cursor, Write};

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A PDF with one page per entry of `pages`, each line of a page shown with `Tj` in
/// Helvetica (a standard Type1 font, WinAnsi encoding).
pub fn pdf(pages: &[&[&[u8]]]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("TL", vec![16.into()]),
            Operation::new("Td", vec![72.into(), 770.into()]),
        ];
        for line in *lines {
            operations.push(Operation::new("Tj", vec![Object::string_literal(line.to_vec())]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The valid two-page CV.
pub fn cv_pdf() -> Vec<u8> {
    pdf(&[
        &[b"Jeanne Martin", b"Ing\xe9nieure logiciel Rust", b"Lyon"],
        &[b"Experience: Quartzite SA", b"Languages: French, English"],
    ])
}

/// A PDF written by hand from `objects` (numbered from 1), with a correct xref table and
/// `trailer_extra` added to the trailer dictionary.
pub fn raw_pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    write!(out, "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
        .unwrap();
    out
}

fn stream(content: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(b"\nendstream");
    body
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![b'['; depth];
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

/// A one-page PDF whose page content starts with `depth` nested arrays.
pub fn pdf_nested_content(depth: usize) -> Vec<u8> {
    let mut content = nested(depth);
    content.extend_from_slice(b"\nBT /F1 12 Tf 72 770 Td (after the arrays) Tj ET");
    raw_pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
              /Resources << /Font << /F1 5 0 R >> >> >>"
                .to_vec(),
            stream(&content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ],
        "",
    )
}

/// A PDF whose catalog holds `depth` nested arrays.
pub fn pdf_nested_catalog(depth: usize) -> Vec<u8> {
    let mut catalog = b"<< /Type /Catalog /Pages 2 0 R /Deep ".to_vec();
    catalog.extend(nested(depth));
    catalog.extend_from_slice(b" >>");
    raw_pdf(
        &[
            catalog,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream(b"BT ET"),
        ],
        "",
    )
}

/// A PDF whose trailer declares Standard-handler encryption with a user password that
/// the empty password does not open.
pub fn pdf_encrypted() -> Vec<u8> {
    let hex32 = "7A".repeat(32);
    raw_pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream(b"\x8e\x12\x9f\x01\x33\xc4\x55\x66\x77"),
            format!("<< /Filter /Standard /V 1 /R 2 /O <{hex32}> /U <{hex32}> /P -44 >>").into_bytes(),
        ],
        "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
    )
}

/// A zip of `(name, content, deflated?)` entries, in order.
pub fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content, deflate) in entries {
        let method = if *deflate { CompressionMethod::Deflated } else { CompressionMethod::Stored };
        writer.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A DOCX whose body is `document_xml`.
pub fn docx_with(document_xml: &[u8]) -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES, true),
        ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#, true),
        ("word/document.xml", document_xml, true),
    ])
}

/// The valid DOCX cover letter.
pub fn letter_docx() -> Vec<u8> {
    docx_with(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Madame, Monsieur,</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Je souhaite rejoindre </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Quartzite</w:t></w:r><w:r><w:tab/><w:t>en tant qu'ingénieure.</w:t><w:br/><w:t>Bien à vous,</w:t></w:r></w:p>
<w:p><w:r><w:t>Jeanne Martin</w:t></w:r></w:p>
</w:body></w:document>"#
            .as_bytes(),
    )
}

/// An ODT with `content_xml`.
pub fn odt_with(content_xml: &[u8]) -> Vec<u8> {
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text", false),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#, true),
        ("content.xml", content_xml, true),
    ])
}

/// The valid ODT CV.
pub fn cv_odt() -> Vec<u8> {
    odt_with(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>
<text:h text:outline-level="1">Karim Benali</text:h>
<text:p>Data<text:s text:c="2"/>engineer<text:tab/>Nantes</text:p>
<text:p>SQL, <text:span>Python</text:span><text:line-break/>Permis B</text:p>
</office:text></office:body></office:document-content>"#
            .as_bytes(),
    )
}

/// A spreadsheet (xlsx), an e-book (epub) and a plain zip: zips that are not documents.
pub fn other_zips() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("xlsx", zip(&[("[Content_Types].xml", b"<Types/>", true), ("xl/workbook.xml", b"<workbook/>", true)])),
        ("epub", zip(&[("mimetype", b"application/epub+zip", false), ("OEBPS/content.opf", b"<package/>", true)])),
        ("plain zip", zip(&[("notes.txt", b"hello", true)])),
        (
            "ods",
            zip(&[
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", false),
                ("content.xml", b"<x/>", true),
            ]),
        ),
    ]
}

/// Rewrite the uncompressed size that the local and the central header of entry `name`
/// declare. Panics if either header is not found (so the fixture cannot silently be
/// something else).
pub fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for signature_at in 0..zip.len().saturating_sub(46) {
        let (size_at, name_len_at, name_at) = match &zip[signature_at..signature_at + 4] {
            b"PK\x03\x04" => (22, 26, 30),
            b"PK\x01\x02" => (24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([zip[signature_at + name_len_at], zip[signature_at + name_len_at + 1]]) as usize;
        if zip.get(signature_at + name_at..signature_at + name_at + len) == Some(name.as_bytes()) {
            zip[signature_at + size_at..signature_at + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name} patched");
}

/// A DOCX whose word/document.xml declares 1 GB uncompressed (its real content is small).
pub fn docx_declaring_1_gb() -> Vec<u8> {
    let mut docx = letter_docx();
    declare_size(&mut docx, "word/document.xml", 1_000_000_000);
    docx
}

/// A DOCX whose word/document.xml really inflates to `len` bytes (a zip bomb made of
/// spaces inside a valid element), with headers that may lie about it.
pub fn docx_bomb(len: usize, declared: Option<u32>) -> Vec<u8> {
    let mut xml = br#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>"#.to_vec();
    xml.resize(len, b' ');
    let mut docx = docx_with(&xml);
    if let Some(declared) = declared {
        declare_size(&mut docx, "word/document.xml", declared);
    }
    docx
}

/// Bytes that are nothing: a deterministic pseudo-random sequence.
pub fn garbage(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;

/// One WordprocessingML part of `root` (document, hdr, ftr, footnotes, endnotes,
/// comments) whose paragraphs are `inner`.
fn word_part(root: &str, inner: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {W_NS}>{inner}</w:{root}>"#)
        .into_bytes()
}

fn word_paragraph(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// A DOCX with text in every part a reader sees: the body, a text box (written twice, as
/// Word does: the drawing and its `mc:Fallback` copy), a header, a footer, a footnote,
/// an endnote and a comment; and a part that is not text (`word/styles.xml`).
pub fn docx_with_every_part() -> Vec<u8> {
    let text_box = |text: &str| {
        format!(
            "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
            word_paragraph(text),
            word_paragraph(text)
        )
    };
    let body = format!(
        "<w:body>{}{}<w:p><w:r><w:t>Rust</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r></w:p></w:body>",
        word_paragraph("Jeanne Martin, comptable"),
        text_box("Encadré : bénévole à la paroisse")
    );
    let note = |root: &str, element: &str, text: &str| {
        word_part(
            root,
            &format!(
                "<w:{element} w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:{element}><w:{element} w:id=\"2\">{}</w:{element}>",
                word_paragraph(text)
            ),
        )
    };
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES, true),
        ("word/document.xml", &word_part("document", &body), true),
        ("word/header1.xml", &word_part("hdr", &word_paragraph("En-tête : CV de Jeanne")), true),
        ("word/footer2.xml", &word_part("ftr", &word_paragraph("Pied de page : page 1")), true),
        ("word/footnotes.xml", &note("footnotes", "footnote", "Note : syndiquée à la CGT"), true),
        ("word/endnotes.xml", &note("endnotes", "endnote", "Note de fin : Lyon"), true),
        (
            "word/comments.xml",
            &word_part(
                "comments",
                &format!(
                    "<w:comment w:id=\"0\" w:author=\"Jeanne\">{}</w:comment>",
                    word_paragraph("Commentaire : enceinte")
                ),
            ),
            true,
        ),
        ("word/styles.xml", &word_part("styles", "<w:style><w:name w:val=\"Heading 1\"/></w:style>"), true),
    ])
}

/// An ODT with text in every part a reader sees: the body, a text box, a footnote, a
/// comment (its author and date are not text), and a page header and footer (in
/// `styles.xml`, beside style definitions that are not text).
pub fn odt_with_every_part() -> Vec<u8> {
    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/""#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body><office:text>
<text:p>Karim Benali, data engineer<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Note : séropositif</text:p></text:note-body></text:note></text:p>
<text:p><draw:frame><draw:text-box><text:p>Encadré : militant LFI</text:p></draw:text-box></draw:frame></text:p>
<text:p><office:annotation><dc:creator>Karim</dc:creator><dc:date>2026-01-01</dc:date><text:p>Commentaire : musulman</text:p></office:annotation>SQL</text:p>
</office:text></office:body></office:document-content>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:styles><style:style style:name="Standard"><text:p>not text of the document</text:p></style:style></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>En-tête : Karim Benali</text:p></style:header><style:footer-left><text:p>Pied de page : confidentiel</text:p></style:footer-left></style:master-page></office:master-styles></office:document-styles>"#
    );
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text", false),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>"#, true),
        ("content.xml", content.as_bytes(), true),
        ("styles.xml", styles.as_bytes(), true),
    ])
}
