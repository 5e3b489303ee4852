//! The small markup of letter templates, parsed and merged into blocks; pure (text in,
//! blocks out). One construct a line:
//!
//! - `# Subject` and `## Heading`: headings;
//! - `- item`: a list item (an indented line that follows continues it);
//! - an empty line ends a paragraph; other lines join into one paragraph;
//! - `**bold**` and `*italic*` inside a paragraph, heading or item; `\*` is a star;
//! - `{{candidate.full_name}}`: a merge field (see [`super::merge`]); a list field (the
//!   extra clauses) stands alone in a list item, which becomes one item per element;
//! - `{{#if offer.manager}}` … `{{/if}}`, each on its own line: what lies between is kept
//!   only when the field has a value (an unknown field is still an error).
//!
//! Every syntax error carries its line and column; every unknown or missing field of the
//! kept parts is listed in one error, before any rendering.
//!
//! ```
//! use vivier::letters::markup::{Template, Block};
//! use vivier::letters::merge::FieldMap;
//! let t = Template::parse("# Offer\n\nDear **{{name}}**,").unwrap();
//! let mut fields = FieldMap::default();
//! fields.text("name", Some("Zoë".into()));
//! let blocks = t.merge(&fields).unwrap();
//! assert_eq!(blocks.len(), 2);
//! ```

use super::LetterError;
use super::merge::{FieldSource, Lookup, MergeProblems, SyntaxError, Value, is_field_name};

/// How a run of text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// A merged block, ready for layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Level 1 (the subject) or 2.
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph(Vec<Span>),
    Item(Vec<Span>),
}

impl Block {
    pub fn spans(&self) -> &[Span] {
        match self {
            Block::Heading { spans, .. } | Block::Paragraph(spans) | Block::Item(spans) => spans,
        }
    }

    /// The block's plain text.
    pub fn text(&self) -> String {
        self.spans().iter().map(|s| s.text.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    Text(String, Style),
    Field { name: String, style: Style, line: usize, column: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading(u8),
    Paragraph,
    Item,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Block { kind: Kind, inlines: Vec<Inline> },
    If { name: String, body: Vec<Node> },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
}

/// A block being gathered from its lines, and where its open emphasis started.
struct Open {
    kind: Kind,
    inlines: Vec<Inline>,
    style: Style,
    bold_at: (usize, usize),
    italic_at: (usize, usize),
}

fn err(line: usize, column: usize, reason: impl Into<String>) -> SyntaxError {
    SyntaxError { line, column, reason: reason.into() }
}

impl Template {
    /// Parses a template; the first syntax error stops it, with its line and column.
    pub fn parse(source: &str) -> Result<Template, SyntaxError> {
        // Stack of open conditions: their field and line, and the nodes gathered inside.
        let mut stack: Vec<(String, usize, Vec<Node>)> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Option<Open> = None;
        let mut last_line = 0;
        for (n, raw) in source.lines().enumerate() {
            let line = n + 1;
            last_line = line;
            let raw = raw.trim_end();
            let trimmed = raw.trim_start();
            let indent = raw.chars().count() - trimmed.chars().count();
            let target = |stack: &mut Vec<(String, usize, Vec<Node>)>, nodes: &mut Vec<Node>, node: Node| match stack
                .last_mut()
            {
                Some((_, _, body)) => body.push(node),
                None => nodes.push(node),
            };
            if trimmed.is_empty() {
                if let Some(b) = open.take() {
                    target(&mut stack, &mut nodes, close(b)?);
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("{{#") {
                if let Some(b) = open.take() {
                    target(&mut stack, &mut nodes, close(b)?);
                }
                let column = indent + 1;
                let inner = rest.strip_suffix("}}").ok_or_else(|| {
                    err(line, column, "a condition stands alone on its line, as {{#if offer.manager}}")
                })?;
                let name = inner.strip_prefix("if ").map(str::trim).ok_or_else(|| {
                    err(
                        line,
                        column,
                        format!("\"{{{{#{inner}}}}}\" is not known: the only condition is {{{{#if FIELD}}}}"),
                    )
                })?;
                if !is_field_name(name) {
                    return Err(err(line, column, format!("\"{name}\" is not a field name")));
                }
                stack.push((name.to_owned(), line, Vec::new()));
                continue;
            }
            if trimmed.starts_with("{{/") {
                if let Some(b) = open.take() {
                    target(&mut stack, &mut nodes, close(b)?);
                }
                if trimmed != "{{/if}}" {
                    return Err(err(line, indent + 1, "a condition closes with {{/if}} alone on its line"));
                }
                let Some((name, _, body)) = stack.pop() else {
                    return Err(err(line, indent + 1, "{{/if}} closes no {{#if …}}"));
                };
                target(&mut stack, &mut nodes, Node::If { name, body });
                continue;
            }
            let (kind, text, column) = if let Some(rest) = trimmed.strip_prefix("## ") {
                (Some(Kind::Heading(2)), rest, indent + 4)
            } else if let Some(rest) = trimmed.strip_prefix("# ") {
                (Some(Kind::Heading(1)), rest, indent + 3)
            } else if let Some(rest) = trimmed.strip_prefix("- ") {
                (Some(Kind::Item), rest, indent + 3)
            } else {
                (None, trimmed, indent + 1)
            };
            // A new block starts with a heading or an item; a plain line continues the open
            // paragraph or item (an item only when indented), else starts a paragraph.
            let continues = match (&open, kind) {
                (Some(o), None) => o.kind == Kind::Paragraph || (o.kind == Kind::Item && indent > 0),
                _ => false,
            };
            if !continues {
                if let Some(b) = open.take() {
                    target(&mut stack, &mut nodes, close(b)?);
                }
                open = Some(Open {
                    kind: kind.unwrap_or(Kind::Paragraph),
                    inlines: Vec::new(),
                    style: Style::default(),
                    bold_at: (0, 0),
                    italic_at: (0, 0),
                });
            } else if let Some(o) = open.as_mut() {
                push_text(&mut o.inlines, " ", o.style);
            }
            if let Some(o) = open.as_mut() {
                inline(o, text, line, column)?;
                if matches!(o.kind, Kind::Heading(_)) {
                    let b = open.take().ok_or_else(|| err(line, 1, "internal"))?;
                    target(&mut stack, &mut nodes, close(b)?);
                }
            }
        }
        if let Some(b) = open.take() {
            let node = close(b)?;
            match stack.last_mut() {
                Some((_, _, body)) => body.push(node),
                None => nodes.push(node),
            }
        }
        if let Some((name, line, _)) = stack.pop() {
            return Err(err(
                line,
                1,
                format!("{{{{#if {name}}}}} is not closed by {{{{/if}}}} (end of template at line {last_line})"),
            ));
        }
        Ok(Template { nodes })
    }

    /// Every field name the template uses, conditions included, in order.
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk_fields(&self.nodes, &mut out);
        out
    }

    /// Merges the fields: every unknown field anywhere, and every missing one in the kept
    /// parts, in one error; a list field outside a list item of its own is a syntax error.
    pub fn merge(&self, source: &dyn FieldSource) -> Result<Vec<Block>, LetterError> {
        let mut problems = MergeProblems::default();
        // Unknown fields are listed even in parts a condition leaves out.
        let all = self.fields();
        problems.unknown = super::merge::check(all.iter().map(String::as_str), source).unknown;
        let mut blocks = Vec::new();
        merge_nodes(&self.nodes, source, &mut problems, &mut blocks)?;
        if !problems.is_empty() {
            return Err(LetterError::Fields(problems));
        }
        Ok(blocks)
    }
}

fn walk_fields(nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        match node {
            Node::If { name, body } => {
                out.push(name.clone());
                walk_fields(body, out);
            }
            Node::Block { inlines, .. } => {
                for i in inlines {
                    if let Inline::Field { name, .. } = i {
                        out.push(name.clone());
                    }
                }
            }
        }
    }
}

fn merge_nodes(
    nodes: &[Node],
    source: &dyn FieldSource,
    problems: &mut MergeProblems,
    out: &mut Vec<Block>,
) -> Result<(), LetterError> {
    for node in nodes {
        match node {
            Node::If { name, body } => {
                if matches!(source.lookup(name), Lookup::Found(_)) {
                    merge_nodes(body, source, problems, out)?;
                }
            }
            Node::Block { kind, inlines } => {
                // A list field alone in an item: one item per element.
                if let ([Inline::Field { name, line, column, style }], Kind::Item) = (inlines.as_slice(), kind)
                    && let Lookup::Found(Value::List(items)) = source.lookup(name)
                {
                    let _ = (line, column);
                    for item in items {
                        out.push(Block::Item(vec![Span { text: item, style: *style }]));
                    }
                    continue;
                }
                let mut spans: Vec<Span> = Vec::new();
                for i in inlines {
                    match i {
                        Inline::Text(t, style) => push_span(&mut spans, t, *style),
                        Inline::Field { name, style, line, column } => match source.lookup(name) {
                            Lookup::Found(Value::Text(v)) => push_span(&mut spans, &v, *style),
                            Lookup::Found(Value::List(_)) => {
                                return Err(LetterError::Syntax(err(
                                    *line,
                                    *column,
                                    format!(
                                        "{{{{{name}}}}} is a list: it stands alone in a list item (\"- {{{{{name}}}}}\")"
                                    ),
                                )));
                            }
                            Lookup::Missing => {
                                if !problems.missing.contains(name) {
                                    problems.missing.push(name.clone());
                                }
                            }
                            Lookup::Unknown => {}
                        },
                    }
                }
                let block = match kind {
                    Kind::Heading(level) => Block::Heading { level: *level, spans },
                    Kind::Paragraph => Block::Paragraph(spans),
                    Kind::Item => Block::Item(spans),
                };
                out.push(block);
            }
        }
    }
    Ok(())
}

fn push_span(spans: &mut Vec<Span>, text: &str, style: Style) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.style == style => last.text.push_str(text),
        _ => spans.push(Span { text: text.to_owned(), style }),
    }
}

fn push_text(inlines: &mut Vec<Inline>, text: &str, style: Style) {
    match inlines.last_mut() {
        Some(Inline::Text(t, s)) if *s == style => t.push_str(text),
        _ => inlines.push(Inline::Text(text.to_owned(), style)),
    }
}

/// Ends a block: emphasis left open is an error where it was opened.
fn close(b: Open) -> Result<Node, SyntaxError> {
    if b.style.bold {
        return Err(err(b.bold_at.0, b.bold_at.1, "\"**\" (bold) is not closed in its paragraph"));
    }
    if b.style.italic {
        return Err(err(b.italic_at.0, b.italic_at.1, "\"*\" (italic) is not closed in its paragraph"));
    }
    Ok(Node::Block { kind: b.kind, inlines: b.inlines })
}

/// Reads a line's inline text into the open block; `column` is the column of its first
/// character.
fn inline(o: &mut Open, text: &str, line: usize, column: usize) -> Result<(), SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut buf = String::new();
    let flush = |o: &mut Open, buf: &mut String| {
        if !buf.is_empty() {
            push_text(&mut o.inlines, buf, o.style);
            buf.clear();
        }
    };
    while let Some(&c) = chars.get(i) {
        let col = column + i;
        let next = chars.get(i + 1).copied();
        match c {
            '\\' if matches!(next, Some('*' | '\\' | '{' | '}')) => {
                buf.extend(next);
                i += 2;
            }
            '*' if next == Some('*') => {
                flush(o, &mut buf);
                o.style.bold = !o.style.bold;
                o.bold_at = (line, col);
                i += 2;
            }
            '*' => {
                flush(o, &mut buf);
                o.style.italic = !o.style.italic;
                o.italic_at = (line, col);
                i += 1;
            }
            '{' if next == Some('{') => {
                flush(o, &mut buf);
                let rest: String = chars[i + 2..].iter().collect();
                let Some(end) = rest.find("}}") else {
                    return Err(err(line, col, "\"{{\" is not closed by \"}}\" on the same line"));
                };
                let inner = &rest[..end];
                let name = inner.trim();
                if name.starts_with('#') || name.starts_with('/') {
                    return Err(err(line, col, "a condition ({{#if …}}, {{/if}}) stands alone on its line"));
                }
                if !is_field_name(name) {
                    return Err(err(
                        line,
                        col,
                        format!(
                            "\"{{{{{inner}}}}}\" is not a field name: lower-case words joined by dots, as {{{{candidate.full_name}}}}"
                        ),
                    ));
                }
                o.inlines.push(Inline::Field { name: name.to_owned(), style: o.style, line, column: col });
                i += 2 + inner.chars().count() + 2;
            }
            '}' if next == Some('}') => return Err(err(line, col, "\"}}\" closes no field")),
            _ => {
                buf.push(c);
                i += 1;
            }
        }
    }
    flush(o, &mut buf);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::letters::merge::FieldMap;

    fn fields() -> FieldMap {
        let mut m = FieldMap::default();
        m.text("candidate.full_name", Some("Zoë O'Brien-Müller".into()));
        m.text("offer.manager", None);
        m.list("offer.clauses", vec!["One.".into(), "Two.".into()]);
        m
    }

    fn syntax(src: &str) -> SyntaxError {
        Template::parse(src).unwrap_err()
    }

    #[test]
    fn blocks_styles_and_fields_merge() {
        let t = Template::parse(
            "# Subject for {{candidate.full_name}}\n\nDear **{{ candidate.full_name }}**,\nwelcome *aboard*.\n\n- first\n  continued\n- {{offer.clauses}}\n",
        )
        .unwrap();
        let b = t.merge(&fields()).unwrap();
        assert_eq!(b[0].text(), "Subject for Zoë O'Brien-Müller");
        assert_eq!(b[1].text(), "Dear Zoë O'Brien-Müller, welcome aboard.");
        assert_eq!(
            b[1].spans()[1],
            Span { text: "Zoë O'Brien-Müller".into(), style: Style { bold: true, italic: false } }
        );
        assert_eq!(b[1].spans()[3].style, Style { bold: false, italic: true });
        assert_eq!(b[2], Block::Item(vec![Span { text: "first continued".into(), style: Style::default() }]));
        assert_eq!(b[3].text(), "One.");
        assert_eq!(b[4].text(), "Two.");
        assert_eq!(b.len(), 5);
    }

    #[test]
    fn conditions_keep_or_drop_their_part() {
        let t = Template::parse("{{#if offer.manager}}\nManager: {{offer.manager}}\n{{/if}}\nEnd.").unwrap();
        let b = t.merge(&fields()).unwrap();
        assert_eq!(b.len(), 1, "{b:?}");
        let mut f = fields();
        f.text("offer.manager", Some("Ana".into()));
        assert_eq!(t.merge(&f).unwrap()[0].text(), "Manager: Ana");
    }

    #[test]
    fn every_unknown_and_missing_field_is_in_one_error() {
        let t = Template::parse(
            "{{nope}} {{offer.manager}}\n\n{{#if also.unknown}}\nx {{inside.unknown}}\n{{/if}}\n{{nope}}",
        )
        .unwrap();
        let Err(LetterError::Fields(p)) = t.merge(&fields()) else { panic!("fields error expected") };
        assert_eq!(p.unknown, vec!["nope", "also.unknown", "inside.unknown"]);
        assert_eq!(p.missing, vec!["offer.manager"]);
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let e = syntax("# Title\n\nSome **bold text\nmore");
        assert_eq!((e.line, e.column), (3, 6), "{e}");
        let e = syntax("ok\n  {{candidate.full_name");
        assert_eq!((e.line, e.column), (2, 3), "{e}");
        let e = syntax("{{#if a.b}}\ntext");
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("not closed"));
        assert_eq!(syntax("x\n{{/if}}").line, 2);
        assert!(syntax("{{#each x}}").reason.contains("only condition"));
        assert_eq!(syntax("a *b").column, 3);
        assert!(syntax("a {{Bad Name}}").reason.contains("field name"));
    }

    #[test]
    fn a_list_field_inside_a_sentence_is_refused() {
        let t = Template::parse("See {{offer.clauses}}.").unwrap();
        assert!(matches!(t.merge(&fields()), Err(LetterError::Syntax(e)) if e.column == 5));
    }

    #[test]
    fn escaped_stars_are_stars() {
        let t = Template::parse(r"5 \* 3").unwrap();
        assert_eq!(t.merge(&FieldMap::default()).unwrap()[0].text(), "5 * 3");
    }
}
