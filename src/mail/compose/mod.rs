//! Composing HR's email from templates (issue 12, "Sending"): the six kinds of message
//! ([`Kind`]: application acknowledgement, interview invitation, rejection, offer, request
//! acknowledgement, consent renewal), each in French and English, shipped as files under
//! `templates/` and editable by HR (stored in the encrypted store, checked by the guard);
//! the privacy footer appended to every message ([`footer`]); and the pure render:
//! (template, fields, language) → subject and body, or one error naming every missing
//! field. The SQL (templates, the facts a message is made of, preview, queueing into the
//! outbox, renewal requests) is in `records`.
//!
//! A template is plain text with the merge fields of the letters ([`crate::letters::merge`]:
//! `{{candidate.full_name}}`) and the same conditions (`{{#if offer.answer_by}}` …
//! `{{/if}}`, each on its own line). Its first line is the subject, then an empty line, then
//! the body. A merge never leaves a blank: every unknown or missing field is named in one
//! error before anything is rendered.

pub mod footer;
mod records;

pub(crate) use records::acknowledge_in;
pub use records::{
    Attached, ComposeRequest, MailTemplateInfo, Preview, Queued, RenewalReport, RenewalSkip, SkipReason,
};

use serde::{Deserialize, Serialize};

use crate::error::Code;
use crate::guard::policy::Refusal;
use crate::letters::format::Lang;
use crate::letters::merge::{self, FieldMap, FieldSource, Lookup, MergeProblems, Piece, SyntaxError, Value};
use crate::mail::transport::MailTransportError;
use crate::pipeline::PipelineError;

/// The kinds of message HR sends from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "MailTemplateKind")]
pub enum Kind {
    /// The application was received.
    Acknowledgement,
    /// An interview: date, time and place filled in by HR.
    Interview,
    Rejection,
    /// The offer, with the application's offer letter attached.
    Offer,
    /// A rights request was registered: its kind, received date and legal due date.
    RequestAck,
    /// Shall we keep your CV? (a "yes" reply renews the consent).
    Renewal,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Acknowledgement, Kind::Interview, Kind::Rejection, Kind::Offer, Kind::RequestAck, Kind::Renewal];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Acknowledgement => "acknowledgement",
            Kind::Interview => "interview",
            Kind::Rejection => "rejection",
            Kind::Offer => "offer",
            Kind::RequestAck => "request_ack",
            Kind::Renewal => "renewal",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        let raw = raw.trim().to_ascii_lowercase().replace('-', "_");
        Kind::ALL.into_iter().find(|k| k.as_str() == raw || (raw == "ack" && *k == Kind::Acknowledgement))
    }

    /// The fields HR fills in for this kind (the others come from the store).
    pub fn extra_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Interview => &INTERVIEW_FIELDS,
            _ => &[],
        }
    }
}

/// The fields HR gives for an interview invitation.
pub const INTERVIEW_FIELDS: [&str; 3] = ["interview.date", "interview.time", "interview.place"];

/// The shipped template of a kind in a language.
pub fn shipped(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Acknowledgement, Lang::Fr) => include_str!("templates/acknowledgement-fr.txt"),
        (Kind::Acknowledgement, Lang::En) => include_str!("templates/acknowledgement-en.txt"),
        (Kind::Interview, Lang::Fr) => include_str!("templates/interview-fr.txt"),
        (Kind::Interview, Lang::En) => include_str!("templates/interview-en.txt"),
        (Kind::Rejection, Lang::Fr) => include_str!("templates/rejection-fr.txt"),
        (Kind::Rejection, Lang::En) => include_str!("templates/rejection-en.txt"),
        (Kind::Offer, Lang::Fr) => include_str!("templates/offer-fr.txt"),
        (Kind::Offer, Lang::En) => include_str!("templates/offer-en.txt"),
        (Kind::RequestAck, Lang::Fr) => include_str!("templates/request_ack-fr.txt"),
        (Kind::RequestAck, Lang::En) => include_str!("templates/request_ack-en.txt"),
        (Kind::Renewal, Lang::Fr) => include_str!("templates/renewal-fr.txt"),
        (Kind::Renewal, Lang::En) => include_str!("templates/renewal-en.txt"),
    }
}

/// Every merge field a mail template may use, in order.
pub const FIELD_NAMES: [&str; 17] = [
    "candidate.full_name",
    "job.title",
    "job.location",
    "company.name",
    "company.signatory",
    "today",
    "interview.date",
    "interview.time",
    "interview.place",
    "offer.position",
    "offer.start_date",
    "offer.answer_by",
    "request.kind",
    "request.received",
    "request.due",
    "retention.due",
    "retention.period",
];

/// What can go wrong composing a message.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the template does not read at {0}")]
    Syntax(SyntaxError),

    #[error("the message cannot be made: {0}")]
    Fields(MergeProblems),

    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error("{0}")]
    Refused(Refusal),

    #[error("{name} ({candidate}) has no email address to write to; add one to their file first")]
    NoRecipient { candidate: String, name: String },

    #[error(transparent)]
    Pipeline(#[from] PipelineError),

    #[error(transparent)]
    Transport(#[from] MailTransportError),
}

impl ComposeError {
    pub fn code(&self) -> Code {
        match self {
            ComposeError::Syntax(_) => Code::TemplateSyntax,
            ComposeError::Fields(_) => Code::MergeFields,
            ComposeError::Invalid { .. } => Code::InvalidInput,
            ComposeError::Refused(_) => Code::SensitiveData,
            ComposeError::NoRecipient { .. } => Code::NoRecipient,
            ComposeError::Pipeline(e) => e.code(),
            ComposeError::Transport(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for ComposeError {
    fn from(e: rusqlite::Error) -> ComposeError {
        ComposeError::Pipeline(e.into())
    }
}

impl From<crate::db::StoreError> for ComposeError {
    fn from(e: crate::db::StoreError) -> ComposeError {
        ComposeError::Pipeline(e.into())
    }
}

/// A rendered message: what the recipient reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Rendered {
    pub subject: String,
    /// The body, the privacy footer included.
    pub body: String,
}

/// One line of a template, read.
enum Line {
    If { name: String },
    EndIf,
    Text(Vec<Piece>),
}

fn read_lines(template: &str) -> Result<Vec<Line>, SyntaxError> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut opened_at = 0usize;
    for (n, raw) in template.lines().enumerate() {
        let line = n + 1;
        let t = raw.trim();
        if let Some(inner) = t.strip_prefix("{{#if").and_then(|r| r.strip_suffix("}}")) {
            let name = inner.trim();
            if !merge::is_field_name(name) {
                return Err(SyntaxError {
                    line,
                    column: 1,
                    reason: format!("\"{t}\" does not name a field: write {{{{#if offer.answer_by}}}}"),
                });
            }
            depth += 1;
            opened_at = line;
            out.push(Line::If { name: name.to_owned() });
        } else if t == "{{/if}}" {
            if depth == 0 {
                return Err(SyntaxError { line, column: 1, reason: "\"{{/if}}\" closes no \"{{#if …}}\"".into() });
            }
            depth -= 1;
            out.push(Line::EndIf);
        } else {
            if t.contains("{{#if") || t.contains("{{/if}}") {
                return Err(SyntaxError {
                    line,
                    column: 1,
                    reason: "a condition (\"{{#if …}}\", \"{{/if}}\") stands alone on its line".into(),
                });
            }
            out.push(Line::Text(merge::scan(raw.trim_end(), line)?));
        }
    }
    if depth > 0 {
        return Err(SyntaxError {
            line: opened_at,
            column: 1,
            reason: "\"{{#if …}}\" is not closed by \"{{/if}}\"".into(),
        });
    }
    Ok(out)
}

/// Checks a template's shape (subject, empty line, body), its syntax and its field names
/// (not their values): what saving a template checks, with the guard.
pub fn check_template(template: &str) -> Result<(), ComposeError> {
    if template.len() > 100_000 {
        return Err(ComposeError::Invalid { field: "template", reason: "is larger than 100 KB".into() });
    }
    let mut lines = template.lines();
    let subject = lines.next().unwrap_or_default();
    if subject.trim().is_empty() || subject.trim_start().starts_with("{{#if") {
        return Err(ComposeError::Invalid {
            field: "template",
            reason: "its first line is the subject: write the subject, then an empty line, then the message".into(),
        });
    }
    if lines.next().is_some_and(|l| !l.trim().is_empty()) {
        return Err(ComposeError::Invalid {
            field: "template",
            reason: "leave an empty line between the subject (first line) and the message".into(),
        });
    }
    if lines.all(|l| l.trim().is_empty()) {
        return Err(ComposeError::Invalid {
            field: "template",
            reason: "the message under the subject is empty".into(),
        });
    }
    let read = read_lines(template).map_err(ComposeError::Syntax)?;
    let mut unknown = Vec::new();
    let mut note = |name: &str| {
        if !FIELD_NAMES.contains(&name) && !unknown.iter().any(|u| u == name) {
            unknown.push(name.to_owned());
        }
    };
    for l in &read {
        match l {
            Line::If { name, .. } => note(name),
            Line::Text(pieces) => pieces.iter().for_each(|p| {
                if let Piece::Field { name, .. } = p {
                    note(name)
                }
            }),
            Line::EndIf => {}
        }
    }
    if !unknown.is_empty() {
        return Err(ComposeError::Fields(MergeProblems { unknown, missing: Vec::new() }));
    }
    Ok(())
}

fn text_of(value: Value) -> String {
    match value {
        Value::Text(t) => t,
        Value::List(items) => items.join(", "),
    }
}

/// Renders a template with `fields` and appends the privacy footer of `lang` (its
/// retention period from the field `retention.period`). Every unknown field, and every
/// field without a value in the kept parts, is named in one [`ComposeError::Fields`].
pub fn render(template: &str, fields: &FieldMap, lang: Lang) -> Result<Rendered, ComposeError> {
    check_template(template)?;
    let read = read_lines(template).map_err(ComposeError::Syntax)?;
    // What is kept: a condition keeps its lines when its field has a value.
    let mut keep_stack: Vec<bool> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut kept: Vec<&Vec<Piece>> = Vec::new();
    for l in &read {
        let keeping = keep_stack.iter().all(|k| *k);
        match l {
            Line::If { name, .. } => {
                let has = matches!(fields.lookup(name), Lookup::Found(_));
                if matches!(fields.lookup(name), Lookup::Unknown) {
                    names.push(name);
                }
                keep_stack.push(has);
            }
            Line::EndIf => {
                keep_stack.pop();
            }
            Line::Text(pieces) if keeping => {
                for p in pieces {
                    if let Piece::Field { name, .. } = p {
                        names.push(name);
                    }
                }
                kept.push(pieces);
            }
            Line::Text(_) => {}
        }
    }
    let footer = footer::text(lang);
    let footer_read = read_lines(footer).map_err(ComposeError::Syntax)?;
    for l in &footer_read {
        if let Line::Text(pieces) = l {
            for p in pieces {
                if let Piece::Field { name, .. } = p {
                    names.push(name);
                }
            }
        }
    }
    let problems = merge::check(names.iter().copied(), fields);
    if !problems.is_empty() {
        return Err(ComposeError::Fields(problems));
    }
    let fill = |pieces: &Vec<Piece>| -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Field { name, .. } => match fields.lookup(name) {
                    Lookup::Found(v) => text_of(v),
                    _ => String::new(),
                },
            })
            .collect()
    };
    let mut lines = kept.into_iter().map(fill);
    let subject = lines.next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let mut body: Vec<String> = Vec::new();
    for line in lines {
        // At most one empty line in a row; none at the start.
        if line.trim().is_empty() && body.last().is_none_or(|l: &String| l.trim().is_empty()) {
            continue;
        }
        body.push(line);
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let footer_lines: Vec<String> =
        footer_read.iter().filter_map(|l| if let Line::Text(p) = l { Some(fill(p)) } else { None }).collect();
    let mut text = body.join("\n");
    text.push_str("\n\n");
    text.push_str(footer::SEPARATOR);
    text.push('\n');
    text.push_str(&footer_lines.join("\n"));
    text.push('\n');
    Ok(Rendered { subject, body: text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> FieldMap {
        let mut m = FieldMap::default();
        for name in FIELD_NAMES {
            m.text(name, None);
        }
        m.text("candidate.full_name", Some("Zoë O'Brien".into()));
        m.text("job.title", Some("Data engineer".into()));
        m.text("company.name", Some("Vivier SAS".into()));
        m.text("company.signatory", Some("Claire Martin".into()));
        m.text("retention.period", Some("2 ans".into()));
        m
    }

    #[test]
    fn every_shipped_template_reads_uses_known_fields_and_passes_the_guard() {
        for kind in Kind::ALL {
            for lang in [Lang::Fr, Lang::En] {
                let body = shipped(kind, lang);
                check_template(body).unwrap_or_else(|e| panic!("{kind:?} {lang:?}: {e}"));
                crate::guard::policy::HrText::new("template", body)
                    .check()
                    .unwrap_or_else(|e| panic!("{kind:?} {lang:?}: {e}"));
            }
        }
    }

    #[test]
    fn an_acknowledgement_renders_in_both_languages_with_the_footer() {
        let fr = render(shipped(Kind::Acknowledgement, Lang::Fr), &fields(), Lang::Fr).unwrap();
        assert_eq!(fr.subject, "Votre candidature au poste de Data engineer — Vivier SAS");
        assert!(fr.body.starts_with("Bonjour Zoë O'Brien,\n\nNous avons bien reçu"), "{}", fr.body);
        assert!(fr.body.contains(footer::OPENING_FR), "{}", fr.body);
        assert!(fr.body.contains("2 ans"), "{}", fr.body);
        let mut en_fields = fields();
        en_fields.text("retention.period", Some("2 years".into()));
        let en = render(shipped(Kind::Acknowledgement, Lang::En), &en_fields, Lang::En).unwrap();
        assert_eq!(en.subject, "Your application for Data engineer — Vivier SAS");
        assert!(en.body.starts_with("Dear Zoë O'Brien,"), "{}", en.body);
        assert!(en.body.contains(footer::OPENING_EN) && en.body.contains("2 years"), "{}", en.body);
        assert!(!en.body.contains("{{"), "{}", en.body);
    }

    #[test]
    fn missing_fields_are_all_named_in_one_error() {
        let Err(ComposeError::Fields(p)) = render(shipped(Kind::Interview, Lang::En), &fields(), Lang::En) else {
            panic!("an interview without its date, time and place renders")
        };
        assert_eq!(p.missing, vec!["interview.date", "interview.time", "interview.place"]);
        let e = ComposeError::Fields(p);
        assert_eq!(e.code(), Code::MergeFields);
        assert!(e.to_string().contains("interview.date, interview.time, interview.place"), "{e}");
        let mut f = fields();
        for (n, v) in INTERVIEW_FIELDS.iter().zip(["10 December 2026", "10:00", "1 rue de la Paix, Paris"]) {
            f.text(n, Some(v.into()));
        }
        let ok = render(shipped(Kind::Interview, Lang::En), &f, Lang::En).unwrap();
        assert!(ok.body.contains("on 10 December 2026 at 10:00, at this address: 1 rue de la Paix, Paris."));
    }

    #[test]
    fn a_condition_keeps_its_lines_only_with_a_value_and_no_blank_is_left() {
        let mut f = fields();
        f.text("offer.position", Some("Data engineer".into()));
        f.text("offer.start_date", Some("4 janvier 2027".into()));
        let without = render(shipped(Kind::Offer, Lang::Fr), &f, Lang::Fr).unwrap();
        assert!(!without.body.contains("au plus tard"), "{}", without.body);
        assert!(!without.body.contains("\n\n\n"), "{}", without.body);
        f.text("offer.answer_by", Some("15 décembre 2026".into()));
        let with = render(shipped(Kind::Offer, Lang::Fr), &f, Lang::Fr).unwrap();
        assert!(with.body.contains("au plus tard le 15 décembre 2026."), "{}", with.body);
    }

    #[test]
    fn bad_templates_are_refused_with_where_and_why() {
        let e = check_template("Subject\n\nHello {{candidate.name}}").unwrap_err();
        let ComposeError::Fields(p) = &e else { panic!("{e}") };
        assert_eq!(p.unknown, vec!["candidate.name"]);
        let e = check_template("Subject\n\nHello {{candidate.full_name").unwrap_err();
        assert_eq!(e.code(), Code::TemplateSyntax);
        assert!(e.to_string().contains("line 3"), "{e}");
        assert_eq!(check_template("Subject\nHello").unwrap_err().code(), Code::InvalidInput);
        assert_eq!(check_template("\n\nHello").unwrap_err().code(), Code::InvalidInput);
        assert_eq!(check_template("Subject\n\n").unwrap_err().code(), Code::InvalidInput);
        let e = check_template("S\n\n{{#if job.title}}\nx").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        assert!(check_template("S\n\nx\n{{/if}}").is_err());
    }

    #[test]
    fn kinds_parse_from_their_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("request-ack"), Some(Kind::RequestAck));
        assert_eq!(Kind::parse("nope"), None);
    }
}
