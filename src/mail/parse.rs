//! Bounded parsing of one raw message: a raw scan first (size, header line length,
//! multipart nesting and part count, before `mail-parser` allocates anything), then
//! `mail-parser`, then the parsed tree checked again (parts, attachments, their sizes).
//! Pure: bytes and limits in, an owned [`Parsed`] or a [`Rejected`] reason out.

use std::fmt;

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// How far a message may go before it is rejected. Defaults are generous for real mail
/// (a CV and a letter, a forwarded thread) and small enough that a hostile message costs
/// bounded time and memory. Each has a setting (`mail.limits.*`, see `Limits::SETTINGS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Whole raw message, in bytes.
    pub max_size: usize,
    /// MIME parts (every multipart, text and attachment part).
    pub max_parts: usize,
    /// Multipart nesting depth.
    pub max_depth: usize,
    /// Attachments kept from one message.
    pub max_attachments: usize,
    /// One attachment, decoded, in bytes.
    pub max_attachment_size: usize,
    /// One header line (with its folded continuation), in bytes.
    pub max_header_line: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_size: 25 * 1024 * 1024,
            max_parts: 200,
            max_depth: 12,
            max_attachments: 20,
            max_attachment_size: 15 * 1024 * 1024,
            max_header_line: 64 * 1024,
        }
    }
}

impl Limits {
    /// The settings that override each default, in the order of the fields.
    pub const SETTINGS: [&'static str; 6] = [
        "mail.limits.max_size",
        "mail.limits.max_parts",
        "mail.limits.max_depth",
        "mail.limits.max_attachments",
        "mail.limits.max_attachment_size",
        "mail.limits.max_header_line",
    ];

    /// Limits from settings values (as read from the store); a missing or unreadable value
    /// keeps its default.
    pub fn from_settings(values: &[Option<String>; 6]) -> Limits {
        let d = Limits::default();
        let get = |i: usize, default: usize| {
            values
                .get(i)
                .and_then(|v| v.as_deref())
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|v| *v > 0)
                .unwrap_or(default)
        };
        Limits {
            max_size: get(0, d.max_size),
            max_parts: get(1, d.max_parts),
            max_depth: get(2, d.max_depth),
            max_attachments: get(3, d.max_attachments),
            max_attachment_size: get(4, d.max_attachment_size),
            max_header_line: get(5, d.max_header_line),
        }
    }
}

/// Why a message was not parsed. Nothing of it is stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejected {
    TooLarge {
        size: usize,
        limit: usize,
    },
    HeaderLineTooLong {
        limit: usize,
    },
    TooDeep {
        limit: usize,
    },
    TooManyParts {
        limit: usize,
    },
    TooManyAttachments {
        count: usize,
        limit: usize,
    },
    AttachmentTooLarge {
        size: usize,
        limit: usize,
    },
    /// No header at all: not a mail message.
    NotAMessage,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::TooLarge { size, limit } => {
                write!(f, "the message is {size} bytes, over the limit of {limit} (setting mail.limits.max_size)")
            }
            Rejected::HeaderLineTooLong { limit } => {
                write!(f, "a header line is longer than {limit} bytes (setting mail.limits.max_header_line)")
            }
            Rejected::TooDeep { limit } => {
                write!(f, "multipart sections nest deeper than {limit} (setting mail.limits.max_depth)")
            }
            Rejected::TooManyParts { limit } => {
                write!(f, "the message has more than {limit} parts (setting mail.limits.max_parts)")
            }
            Rejected::TooManyAttachments { count, limit } => write!(
                f,
                "the message has {count} attachments, over the limit of {limit} (setting mail.limits.max_attachments)"
            ),
            Rejected::AttachmentTooLarge { size, limit } => write!(
                f,
                "an attachment is {size} bytes, over the limit of {limit} (setting mail.limits.max_attachment_size)"
            ),
            Rejected::NotAMessage => write!(f, "this is not a mail message (no header found)"),
        }
    }
}

/// A file attached to a message.
#[derive(Clone)]
pub struct Attachment {
    /// The name the sender gave, or `attachment-N` when none.
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attachment({} bytes, {})", self.bytes.len(), self.media_type)
    }
}

/// A parsed message, owned, with what intake needs and nothing more.
#[derive(Clone)]
pub struct Parsed {
    /// Without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The sender's address as written, and their display name.
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The plain text body (an HTML-only message converted to text, never kept as HTML).
    pub body: String,
    pub attachments: Vec<Attachment>,
    /// SHA-256 of the raw bytes, hex: the identity of a message without Message-ID.
    pub content_hash: String,
    pub raw: Vec<u8>,
}

impl Parsed {
    /// The key a message is imported once by: its Message-ID, else its content hash.
    pub fn identity(&self) -> String {
        match &self.message_id {
            Some(id) => format!("<{id}>"),
            None => format!("sha256:{}", self.content_hash),
        }
    }
}

/// Redacted: a parsed message is a candidate's words.
impl fmt::Debug for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parsed({} bytes, {} attachments)", self.raw.len(), self.attachments.len())
    }
}

/// Parses one raw message within `limits`.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Parsed, Rejected> {
    if raw.len() > limits.max_size {
        return Err(Rejected::TooLarge { size: raw.len(), limit: limits.max_size });
    }
    scan(raw, limits)?;
    let message = MessageParser::default().parse(raw).ok_or(Rejected::NotAMessage)?;
    if message.parts.len() > limits.max_parts {
        return Err(Rejected::TooManyParts { limit: limits.max_parts });
    }
    if message.headers().is_empty() {
        return Err(Rejected::NotAMessage);
    }
    let count = message.attachment_count();
    if count > limits.max_attachments {
        return Err(Rejected::TooManyAttachments { count, limit: limits.max_attachments });
    }
    let mut attachments = Vec::new();
    for (n, part) in message.attachments().enumerate() {
        let bytes: &[u8] = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b,
            PartType::Text(t) | PartType::Html(t) => t.as_bytes(),
            // A forwarded message is read as text of the thread, not kept as a file.
            PartType::Message(_) | PartType::Multipart(_) => continue,
        };
        if bytes.len() > limits.max_attachment_size {
            return Err(Rejected::AttachmentTooLarge { size: bytes.len(), limit: limits.max_attachment_size });
        }
        let media_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s).to_ascii_lowercase(),
                None => c.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let file_name = part
            .attachment_name()
            .map(plain_file_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("attachment-{}", n + 1));
        attachments.push(Attachment { file_name, media_type, bytes: bytes.to_vec() });
    }
    let from = message.from().and_then(|a| a.first());
    let body = message.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    Ok(Parsed {
        message_id: message.message_id().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from: from.and_then(|a| a.address()).map(|a| a.trim().to_owned()),
        from_name: from.and_then(|a| a.name()).map(|a| a.trim().to_owned()),
        to: message.to().map(|t| t.iter().filter_map(|a| a.address()).map(str::to_owned).collect()).unwrap_or_default(),
        subject: message.subject().unwrap_or("").trim().to_owned(),
        date: message.date().and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single()),
        body,
        attachments,
        content_hash: hex::encode(Sha256::digest(raw)),
        raw: raw.to_vec(),
    })
}

fn ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match value {
        mail_parser::HeaderValue::Text(t) => vec![t.trim().to_owned()],
        mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.trim().to_owned()).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .take(100)
    .collect()
}

/// The last path component of a sender-given name, without control characters.
fn plain_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).collect::<String>().trim().chars().take(200).collect()
}

/// The raw scan: header lines within their limit, multipart nesting and part count within
/// theirs. Linear in the size; the boundary stack never grows past `max_depth`.
fn scan(raw: &[u8], limits: &Limits) -> Result<(), Rejected> {
    let mut boundaries: Vec<Vec<u8>> = Vec::new();
    let mut parts = 0usize;
    let mut in_headers = true;
    let mut header_len = 0usize;
    for line in raw.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if in_headers {
            if line.is_empty() {
                in_headers = false;
                header_len = 0;
            } else {
                let folded = matches!(line.first(), Some(b' ' | b'\t'));
                header_len = if folded { header_len + line.len() } else { line.len() };
                if header_len > limits.max_header_line {
                    return Err(Rejected::HeaderLineTooLong { limit: limits.max_header_line });
                }
            }
        }
        if let Some(boundary) = declared_boundary(line) {
            if boundaries.len() >= limits.max_depth {
                return Err(Rejected::TooDeep { limit: limits.max_depth });
            }
            boundaries.push(boundary);
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"--") {
            let rest = trim_end(rest);
            if let Some(at) = boundaries.iter().rposition(|b| rest.starts_with(b)) {
                let after = rest.get(boundaries[at].len()..).unwrap_or(b"");
                if after == b"--" {
                    boundaries.truncate(at);
                } else if after.is_empty() {
                    parts += 1;
                    if parts > limits.max_parts {
                        return Err(Rejected::TooManyParts { limit: limits.max_parts });
                    }
                    // A part starts with its own headers.
                    in_headers = true;
                    header_len = 0;
                }
            }
        }
    }
    Ok(())
}

fn trim_end(s: &[u8]) -> &[u8] {
    let end = s.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
    &s[..end]
}

/// The boundary a header line declares (`boundary="…"` or `boundary=…`), if any.
fn declared_boundary(line: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"boundary=";
    let at = line.windows(KEY.len()).position(|w| w.eq_ignore_ascii_case(KEY))?;
    let value = line.get(at + KEY.len()..)?;
    let value = match value.strip_prefix(b"\"") {
        Some(v) => &v[..v.iter().position(|b| *b == b'"').unwrap_or(v.len())],
        None => &value[..value.iter().position(|b| matches!(b, b';' | b' ' | b'\t')).unwrap_or(value.len())],
    };
    (!value.is_empty()).then(|| value.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIMPLE: &[u8] =
        b"From: Jane Doe <Jane.Doe@Example.org>\r\nTo: hr@acme.fr\r\nSubject: Re: your application\r\n\
Message-ID: <abc@example.org>\r\nIn-Reply-To: <out-1@acme.fr>\r\nReferences: <out-0@acme.fr> <out-1@acme.fr>\r\n\
Date: Tue, 1 Dec 2026 10:00:00 +0100\r\n\r\nHello,\r\nplease delete my data.\r\n";

    #[test]
    fn a_simple_reply_is_parsed() {
        let p = parse(SIMPLE, &Limits::default()).unwrap();
        assert_eq!(p.message_id.as_deref(), Some("abc@example.org"));
        assert_eq!(p.in_reply_to, vec!["out-1@acme.fr"]);
        assert_eq!(p.references, vec!["out-0@acme.fr", "out-1@acme.fr"]);
        assert_eq!(p.from.as_deref(), Some("Jane.Doe@Example.org"));
        assert_eq!(p.from_name.as_deref(), Some("Jane Doe"));
        assert_eq!(p.subject, "Re: your application");
        assert!(p.body.contains("please delete my data"));
        assert_eq!(p.date.unwrap().to_rfc3339(), "2026-12-01T09:00:00+00:00");
        assert_eq!(p.identity(), "<abc@example.org>");
        assert!(!format!("{p:?}").contains("Jane"));
    }

    #[test]
    fn attachments_are_kept_with_their_names() {
        let raw = b"From: a@b.c\r\nSubject: CV\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
--XX\r\nContent-Type: text/plain\r\n\r\nmy CV\r\n--XX\r\nContent-Type: application/pdf; name=\"../cv.pdf\"\r\n\
Content-Disposition: attachment; filename=\"../cv.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n";
        let p = parse(raw, &Limits::default()).unwrap();
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].file_name, "cv.pdf");
        assert_eq!(p.attachments[0].bytes, b"%PDF-1.4\n");
        assert_eq!(p.attachments[0].media_type, "application/pdf");
        assert!(p.message_id.is_none());
        assert!(p.identity().starts_with("sha256:"));
    }

    #[test]
    fn limits_reject_before_parsing() {
        let small = Limits { max_size: 100, ..Limits::default() };
        assert!(matches!(parse(SIMPLE, &small), Err(Rejected::TooLarge { .. })));
        let mut deep = b"From: a@b.c\r\n".to_vec();
        for i in 0..20 {
            deep.extend(format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n").bytes());
        }
        assert!(matches!(parse(&deep, &Limits::default()), Err(Rejected::TooDeep { limit: 12 })));
        let mut long = b"From: a@b.c\r\nSubject: ".to_vec();
        long.extend(std::iter::repeat_n(b'x', 70_000));
        long.extend(b"\r\n\r\nbody");
        assert!(matches!(parse(&long, &Limits::default()), Err(Rejected::HeaderLineTooLong { .. })));
        let mut many = b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n".to_vec();
        for _ in 0..300 {
            many.extend(b"--m\r\nContent-Type: text/plain\r\n\r\nx\r\n");
        }
        assert!(matches!(parse(&many, &Limits::default()), Err(Rejected::TooManyParts { .. })));
    }

    #[test]
    fn settings_override_defaults() {
        let l = Limits::from_settings(&[Some("10".into()), None, Some("x".into()), None, Some("0".into()), None]);
        assert_eq!(l.max_size, 10);
        assert_eq!(l.max_depth, Limits::default().max_depth);
        assert_eq!(l.max_attachment_size, Limits::default().max_attachment_size);
    }
}
