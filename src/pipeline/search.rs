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
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SearchHit {
    pub candidate_uuid: String,
    pub full_name: String,
    /// Where the match is: profile, note or document.
    pub field: String,
    /// The matching passage, the matched words between `[` and `]`.
    pub snippet: String,
    pub rank: f64,
}

/// The words of a query: letters and digits (and the `@ . + - _` of addresses), at most 16.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '.' || c == '+' || c == '-' || c == '_'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_owned)
        .collect()
}

/// Builds an FTS5 query from free text: each token (accents kept for the tokenizer to
/// fold) becomes a quoted term, all required; the last one is a prefix, for search as you
/// type. Operators and quotes typed by the user are treated as text, so no input can make
/// a syntax error.
pub fn fts_query(text: &str) -> Result<String, PipelineError> {
    // Each word is split into the tokens the index holds (letters and digits), so that no
    // term is a phrase: AND of tokens finds "ana.lima" or "jean-pierre" in any writing.
    let tokens: Vec<String> = terms(text)
        .iter()
        .flat_map(|t| token_spans(t).into_iter().map(|(a, b)| format!("\"{}\"", &t[a..b])).collect::<Vec<_>>())
        .take(16)
        .collect();
    if tokens.is_empty() {
        return Err(PipelineError::Invalid { field: "query", reason: "type at least one word to search for".into() });
    }
    Ok(tokens.join(" ") + "*")
}

/// A passage of `text` around the first word matching the query, matched words between
/// `[` and `]`, about `width` words long, `…` where it is cut. Words are compared folded
/// (case and accents), the last query word as a prefix, as the index does. Pure and
/// linear, so only the shown results pay for it.
pub fn snippet(text: &str, query: &str, width: usize) -> String {
    use crate::guard::fold;
    let wanted: Vec<Vec<String>> =
        terms(query).iter().map(|t| token_spans(t).into_iter().map(|(a, b)| fold(&t[a..b])).collect()).collect();
    let wanted: Vec<String> = wanted.into_iter().flatten().collect();
    let last = wanted.len().saturating_sub(1);
    let words = token_spans(text);
    let hit = |w: &str| {
        let f = fold(w);
        wanted.iter().enumerate().any(|(i, t)| f == *t || (i == last && f.starts_with(t.as_str())))
    };
    let first = words.iter().position(|&(a, b)| hit(&text[a..b])).unwrap_or(0);
    let start = first.saturating_sub(width / 3);
    let end = (start + width).min(words.len());
    if words.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = words[start].0;
    for &(a, b) in &words[start..end] {
        out.push_str(&text[at..a].replace(['\n', '\r', '\t'], " "));
        if hit(&text[a..b]) {
            out.push('[');
            out.push_str(&text[a..b]);
            out.push(']');
        } else {
            out.push_str(&text[a..b]);
        }
        at = b;
    }
    if end < words.len() {
        out.push('…');
    }
    out
}

/// Byte ranges of the words (runs of letters and digits) of a text, as the index cuts
/// them (the correction's scrub cuts the same way).
pub(crate) fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
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
    fn emails_become_their_tokens() {
        assert_eq!(fts_query("ana@example.org").unwrap(), "\"ana\" \"example\" \"org\"*");
    }

    #[test]
    fn snippets_mark_folded_matches_and_cut_around_the_first() {
        let text = "Curriculum vitae. Expérience : sept ans chez Airbus, Toulouse, en développement Rust et C++.";
        assert_eq!(snippet(text, "airbus", 6), "…ans chez [Airbus], Toulouse, en développement…");
        assert_eq!(snippet(text, "experience", 4), "…vitae. [Expérience] : sept ans…");
        assert_eq!(snippet(text, "toul", 3), "…Airbus, [Toulouse], en…");
        assert_eq!(snippet("Rust rustacean", "rust x", 5), "[Rust] rustacean");
        assert_eq!(snippet("", "rust", 5), "");
        assert_eq!(snippet("no match here", "zzz", 2), "no match…");
    }

    #[test]
    fn empty_queries_are_refused() {
        assert!(fts_query("  ()\" ").is_err());
    }
}
