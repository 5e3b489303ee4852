//! Search requests: turning what someone types into a safe FTS5 query, and the filters
//! that narrow the results. Pure; the store runs the query.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{PipelineError, Stage};

/// Narrowing of a search.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    pub job: Option<String>,
    pub stage: Option<Stage>,
    pub source: Option<String>,
    /// Candidates created on or after.
    pub since: Option<DateTime<Utc>>,
    /// Candidates created before.
    pub until: Option<DateTime<Utc>>,
    pub limit: usize,
}

/// One result: a candidate and the best matching passage.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub candidate_uuid: String,
    pub full_name: String,
    /// Where the match is: profile, note or document.
    pub field: String,
    /// The matching passage, the matched words between `[` and `]`.
    pub snippet: String,
    pub rank: f64,
}

/// Builds an FTS5 query from free text: each word (letters and digits, accents kept for
/// the tokenizer to fold) becomes a quoted term, all required; the last one is a prefix,
/// for search as you type. Operators and quotes typed by the user are treated as text, so
/// no input can make a syntax error.
pub fn fts_query(text: &str) -> Result<String, PipelineError> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '.' || c == '+' || c == '-' || c == '_'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    if terms.is_empty() {
        return Err(PipelineError::Invalid { field: "query", reason: "type at least one word to search for".into() });
    }
    Ok(terms.join(" ") + "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefix_terms() {
        assert_eq!(fts_query("Dupont  kotlin").unwrap(), "\"Dupont\" \"kotlin\"*");
    }

    #[test]
    fn operators_and_quotes_are_plain_text() {
        let q = fts_query("\"a\" OR b) NEAR(c").unwrap();
        assert_eq!(q, "\"a\" \"OR\" \"b\" \"NEAR\" \"c\"*");
    }

    #[test]
    fn emails_stay_one_term() {
        assert_eq!(fts_query("ana@example.org").unwrap(), "\"ana@example.org\"*");
    }

    #[test]
    fn empty_queries_are_refused() {
        assert!(fts_query("  ()\" ").is_err());
    }
}
