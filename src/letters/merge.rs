//! Merge fields, apart from any document format so that other templates (the emails of the
//! mail feature) can use them: `{{candidate.full_name}}` in a text is a field, named by
//! dotted lower-case words. [`scan`] cuts a line into literal text and fields (a syntax
//! error carries its line and column); a [`FieldSource`] says for each name whether it is
//! known and has a value; [`check`] gathers every unknown and every missing field of a
//! template into ONE error, before anything is rendered: a merge never leaves a blank.
//!
//! ```
//! use vivier::letters::merge::{scan, Piece};
//! let pieces = scan("Dear {{candidate.full_name}},", 1).unwrap();
//! assert!(matches!(&pieces[1], Piece::Field { name, .. } if name == "candidate.full_name"));
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// A piece of a line: text as written, or a field to fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Field { name: String, line: usize, column: usize },
}

/// A template that does not read, where it stops reading (1-based line and column, in
/// characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.reason)
    }
}

/// A field's value, as a source gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// A list (extra clauses): only a list item may hold it, one item per element.
    List(Vec<String>),
}

/// What a source knows of a field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No such field.
    Unknown,
    /// A field this source has, without a value here (no manager named, a CDI's end date).
    Missing,
    Found(Value),
}

/// Where fields take their values from.
pub trait FieldSource {
    fn lookup(&self, name: &str) -> Lookup;
}

/// A source from a map: names absent from the map are unknown, names mapped to `None`
/// are missing.
#[derive(Debug, Clone, Default)]
pub struct FieldMap(pub BTreeMap<String, Option<Value>>);

impl FieldMap {
    pub fn text(&mut self, name: &str, value: Option<String>) {
        let value = value.filter(|v| !v.trim().is_empty()).map(Value::Text);
        self.0.insert(name.to_owned(), value);
    }

    pub fn list(&mut self, name: &str, values: Vec<String>) {
        let values: Vec<String> = values.into_iter().filter(|v| !v.trim().is_empty()).collect();
        self.0.insert(name.to_owned(), if values.is_empty() { None } else { Some(Value::List(values)) });
    }

    /// Every field name, in order (for help texts and the template editor).
    pub fn names(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

impl FieldSource for FieldMap {
    fn lookup(&self, name: &str) -> Lookup {
        match self.0.get(name) {
            None => Lookup::Unknown,
            Some(None) => Lookup::Missing,
            Some(Some(v)) => Lookup::Found(v.clone()),
        }
    }
}

/// Every field a template names that the source does not know, and every one it knows
/// without a value: all of them, each once, in the order of the template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MergeProblems {
    pub unknown: Vec<String>,
    pub missing: Vec<String>,
}

impl MergeProblems {
    pub fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.missing.is_empty()
    }
}

impl fmt::Display for MergeProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.unknown.is_empty() {
            parts.push(format!("unknown fields: {} (check their spelling)", self.unknown.join(", ")));
        }
        if !self.missing.is_empty() {
            parts.push(format!("fields without a value: {} (fill them in first)", self.missing.join(", ")));
        }
        f.write_str(&parts.join("; "))
    }
}

/// Checks the names a template uses against a source, gathering every problem.
pub fn check<'a>(names: impl IntoIterator<Item = &'a str>, source: &dyn FieldSource) -> MergeProblems {
    let mut problems = MergeProblems::default();
    for name in names {
        let list = match source.lookup(name) {
            Lookup::Unknown => &mut problems.unknown,
            Lookup::Missing => &mut problems.missing,
            Lookup::Found(_) => continue,
        };
        if !list.iter().any(|n| n == name) {
            list.push(name.to_owned());
        }
    }
    problems
}

/// Is `name` a field name: dotted words of lower-case letters, digits and underscores.
pub fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .split('.')
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
}

/// Cuts one line (numbered `line`) into text and fields. `{{` opens a field that `}}`
/// closes on the same line; spaces inside are allowed (`{{ today }}`).
pub fn scan(text: &str, line: usize) -> Result<Vec<Piece>, SyntaxError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars.get(i) == Some(&'{') && chars.get(i + 1) == Some(&'{') {
            let column = i + 1;
            let mut j = i + 2;
            let mut inner = String::new();
            let mut closed = false;
            while j < chars.len() {
                if chars.get(j) == Some(&'}') && chars.get(j + 1) == Some(&'}') {
                    closed = true;
                    break;
                }
                inner.push(chars[j]);
                j += 1;
            }
            if !closed {
                return Err(SyntaxError {
                    line,
                    column,
                    reason: "\"{{\" is not closed by \"}}\" on the same line".into(),
                });
            }
            let name = inner.trim();
            if !is_field_name(name) {
                return Err(SyntaxError {
                    line,
                    column,
                    reason: format!(
                        "\"{{{{{inner}}}}}\" is not a field name: write lower-case words joined by dots, as {{{{candidate.full_name}}}}"
                    ),
                });
            }
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Field { name: name.to_owned(), line, column });
            i = j + 2;
        } else if chars.get(i) == Some(&'}') && chars.get(i + 1) == Some(&'}') {
            return Err(SyntaxError { line, column: i + 1, reason: "\"}}\" closes no field".into() });
        } else {
            literal.push(chars[i]);
            i += 1;
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_cut_out_of_their_line() {
        let p = scan("A {{ a.b }} and {{c}}.", 3).unwrap();
        assert_eq!(
            p,
            vec![
                Piece::Text("A ".into()),
                Piece::Field { name: "a.b".into(), line: 3, column: 3 },
                Piece::Text(" and ".into()),
                Piece::Field { name: "c".into(), line: 3, column: 17 },
                Piece::Text(".".into()),
            ]
        );
    }

    #[test]
    fn broken_fields_say_where() {
        let e = scan("Hello {{candidate.name", 4).unwrap_err();
        assert_eq!((e.line, e.column), (4, 7));
        let e = scan("x {{Candidate Name}}", 1).unwrap_err();
        assert!(e.reason.contains("not a field name"), "{e}");
        assert_eq!(scan("a }} b", 2).unwrap_err().column, 3);
    }

    #[test]
    fn every_problem_is_listed_once() {
        let mut m = FieldMap::default();
        m.text("a", Some("x".into()));
        m.text("b", None);
        let p = check(["a", "zz", "b", "zz", "b", "yy"], &m);
        assert_eq!(p.unknown, vec!["zz", "yy"]);
        assert_eq!(p.missing, vec!["b"]);
        assert!(p.to_string().contains("zz, yy"));
    }
}
