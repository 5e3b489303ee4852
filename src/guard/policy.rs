//! How the guard's findings are applied, the same at every door. Text HR writes (notes,
//! feedback, rejection reasons, job texts, custom fields, search queries) is refused when
//! it holds a refused category, with an error that names the category and quotes the
//! words; a warned criterion is let through and its findings returned to be recorded.
//! Text a candidate provides (CV, letter, email) is never refused: its refused passages are
//! flagged, masked in previews and blanked in what goes to the search index.
//!
//! Names are not checked: a person's or an agency's name is identity, not a statement
//! about a category, and checking it would refuse people called Black or Christian.

use serde::Serialize;

use super::{Category, Finding, Guard, Level, refusal_message};

/// A refusal: the field, and what was found there.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub field: &'static str,
    pub findings: Vec<Finding>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}. Vivier does not record these categories of data about candidates (origin, politics, \
             religion, union, sex life, health, genetics, pregnancy); rephrase without them",
            self.field,
            refusal_message(&self.findings)
        )
    }
}

/// Text HR writes (a note, a reason, a job text, a custom field, a search query), named
/// by its field. Its policy comes with the type: a refused category is refused.
#[derive(Debug, Clone, Copy)]
pub struct HrText<'a> {
    pub field: &'static str,
    pub text: &'a str,
}

impl<'a> HrText<'a> {
    pub fn new(field: &'static str, text: &'a str) -> HrText<'a> {
        HrText { field, text }
    }

    /// Refused categories are an error that names them; warned findings come back, to be
    /// recorded with the text.
    pub fn check(self) -> Result<Vec<Finding>, Refusal> {
        let findings = Guard::standard().check(self.text);
        if findings.iter().any(|f| f.level == Level::Refused) {
            let refused = findings.into_iter().filter(|f| f.level == Level::Refused).collect();
            return Err(Refusal { field: self.field, findings: refused });
        }
        Ok(findings)
    }

    /// Checks several fields at once; the first refusal wins, warnings are gathered.
    pub fn check_all(texts: &[HrText<'_>]) -> Result<Vec<Finding>, Refusal> {
        let mut warned = Vec::new();
        for text in texts {
            warned.extend(text.check()?);
        }
        Ok(warned)
    }
}

/// Text a candidate provided (a CV, a letter, an email). Its policy comes with the type:
/// never refused (it is theirs, stored as given), its refused passages flagged.
#[derive(Debug, Clone, Copy)]
pub struct CandidateText<'a>(pub &'a str);

/// Text a candidate provided, with its flagged passages.
#[derive(Debug, Clone)]
pub struct Flagged {
    /// Every finding (refused ones are masked; warned ones are only recorded).
    pub findings: Vec<Finding>,
    /// The text to index: refused passages replaced by spaces, so no search finds them.
    pub indexable: String,
}

impl CandidateText<'_> {
    /// Flags the text: what previews mask and what the search index leaves out.
    pub fn flag(self) -> Flagged {
        let mut findings = Guard::standard().check(self.0);
        // A criminal record in a candidate's own document is masked like a refused
        // category: warned in HR's notes, never shown or searchable here.
        for finding in &mut findings {
            if finding.category == Category::CriminalRecord {
                finding.level = Level::Refused;
            }
        }
        let indexable = blank(self.0, findings.iter().filter(|f| f.level == Level::Refused).map(|f| (f.start, f.end)));
        Flagged { findings, indexable }
    }
}

/// A span to mask, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Replaces each span by `placeholder`; spans out of range or off character boundaries
/// (a stored flag that no longer fits the text) are widened to the nearest boundaries.
pub fn mask(text: &str, spans: &[Span], placeholder: &str) -> String {
    let mut spans: Vec<Span> = spans.to_vec();
    spans.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        let start = floor_boundary(text, s.start.max(at));
        let end = ceil_boundary(text, s.end.min(text.len()));
        if start >= end || start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(placeholder);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn blank(text: &str, spans: impl Iterator<Item = (usize, usize)>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (start, end) in spans {
        let (start, end) = (floor_boundary(text, start), ceil_boundary(text, end.min(text.len())));
        for b in &mut bytes[start..end] {
            *b = b' ';
        }
    }
    // Whole characters were replaced by ASCII spaces, so the bytes are still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hr_text_with_a_refused_category_is_refused_with_the_words() {
        let err = HrText::new("note", "Il est syndiqué à la CGT, à surveiller").check().unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("note: refused"), "{msg}");
        assert!(msg.contains("syndiqué"), "{msg}");
    }

    #[test]
    fn warned_criteria_pass_and_come_back() {
        let warned = HrText::new("note", "Elle a 45 ans et beaucoup d'expérience").check().unwrap();
        assert!(!warned.is_empty());
        assert!(warned.iter().all(|f| f.level == Level::Warned));
        assert!(HrText::new("note", "Très bon entretien technique").check().unwrap().is_empty());
    }

    #[test]
    fn candidate_text_is_blanked_for_the_index_not_refused() {
        let text = "Bénévole à la paroisse catholique. Développeuse Rust.";
        let flagged = CandidateText(text).flag();
        assert!(flagged.findings.iter().any(|f| f.level == Level::Refused));
        assert_eq!(flagged.indexable.len(), text.len());
        assert!(!flagged.indexable.to_lowercase().contains("catholique"), "{}", flagged.indexable);
        assert!(flagged.indexable.contains("Rust"));
    }

    #[test]
    fn masking_replaces_spans_and_survives_bad_offsets() {
        let text = "àbc déf ghi";
        let start = text.find("déf").unwrap();
        let masked = mask(text, &[Span { start, end: start + "déf".len() }], "█");
        assert_eq!(masked, "àbc █ ghi");
        // Offsets inside a character, overlapping and out of range do not panic.
        let masked = mask(text, &[Span { start: 1, end: 3 }, Span { start: 2, end: 99 }], "#");
        assert!(masked.starts_with('#'), "{masked}");
        assert_eq!(mask("", &[Span { start: 0, end: 5 }], "#"), "");
    }
}
