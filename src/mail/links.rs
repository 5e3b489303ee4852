//! Links in what a candidate wrote, as the app shows a message: plain text cut into
//! segments, the only live ones being `http://`, `https://` and `mailto:` addresses written
//! out in full. Everything else (`javascript:`, `data:`, `file:`, a bare `www.`, HTML) stays
//! inert text. The desktop app opens a live segment outside itself (the system browser or
//! mail client); a click never navigates the app's own window. Pure: text in, segments out.

use serde::Serialize;

/// A run of a message's text: plain, or a link the app may open outside itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TextSegment {
    /// The text as written.
    pub text: String,
    /// The address to open (its scheme in lower case), for a live link only.
    pub href: Option<String>,
}

/// The schemes a link may have, lower case.
const SCHEMES: [&str; 3] = ["https://", "http://", "mailto:"];

/// Whether `url` may be opened outside the app: an http(s) address with a host, or a
/// mailto address with an `@`; nothing with spaces, control characters or quotes.
pub fn allowed(url: &str) -> bool {
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>')) {
        return false;
    }
    let Some((scheme, rest)) = split_scheme(url) else { return false };
    if scheme == "mailto:" {
        let address = rest.split('?').next().unwrap_or("");
        return address.split_once('@').is_some_and(|(user, host)| !user.is_empty() && !host.is_empty());
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    !host.is_empty() && !host.starts_with(':') && !host.starts_with('.')
}

/// The scheme `url` starts with (among [`SCHEMES`], any case), in lower case, and the rest.
fn split_scheme(url: &str) -> Option<(&'static str, &str)> {
    SCHEMES.iter().find_map(|scheme| {
        let head = url.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme).then(|| (*scheme, url.get(scheme.len()..).unwrap_or("")))
    })
}

/// Cuts `text` into plain and linked segments; their texts joined give `text` back.
pub fn segments(text: &str) -> Vec<TextSegment> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(rest) = text.get(at..) {
        let Some(c) = rest.chars().next() else { break };
        if let Some(len) = link_at(text, at) {
            if plain_from < at {
                out.push(plain(text.get(plain_from..at).unwrap_or("")));
            }
            let link = text.get(at..at + len).unwrap_or("");
            let href = split_scheme(link).map(|(scheme, rest)| format!("{scheme}{rest}"));
            out.push(TextSegment { text: link.to_owned(), href });
            at += len;
            plain_from = at;
            continue;
        }
        at += c.len_utf8();
    }
    if plain_from < text.len() {
        out.push(plain(text.get(plain_from..).unwrap_or("")));
    }
    out
}

fn plain(text: &str) -> TextSegment {
    TextSegment { text: text.to_owned(), href: None }
}

/// The length in bytes of the link starting at byte `at` of `text`, if one does: a scheme
/// at the start of a word, up to the first space, quote or angle bracket, without the
/// sentence's punctuation after it nor a closing bracket it did not open.
fn link_at(text: &str, at: usize) -> Option<usize> {
    let before = text.get(..at)?.chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '@' | ':')) {
        return None;
    }
    let rest = text.get(at..)?;
    split_scheme(rest)?;
    let end = rest
        .char_indices()
        .find(|&(_, c)| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
        .map_or(rest.len(), |(i, _)| i);
    let mut link = rest.get(..end)?;
    loop {
        let trimmed = link.trim_end_matches(['.', ',', ';', ':', '!', '?', '*']);
        let trimmed = unbalanced(trimmed, '(', ')').unwrap_or(trimmed);
        let trimmed = unbalanced(trimmed, '[', ']').unwrap_or(trimmed);
        if trimmed.len() == link.len() {
            break;
        }
        link = trimmed;
    }
    allowed(link).then_some(link.len())
}

/// `s` without its last character when that is a `close` with no `open` to match it.
fn unbalanced(s: &str, open: char, close: char) -> Option<&str> {
    let stripped = s.strip_suffix(close)?;
    let opens = s.matches(open).count();
    let closes = s.matches(close).count();
    (closes > opens).then_some(stripped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(String, Option<String>)> {
        let parts = segments(text);
        let joined: String = parts.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text, "the segments give the text back");
        parts.into_iter().map(|s| (s.text, s.href)).collect()
    }

    fn live(text: &str) -> Vec<String> {
        segments(text).into_iter().filter_map(|s| s.href).collect()
    }

    #[test]
    fn plain_text_is_one_plain_segment() {
        assert_eq!(links("Bonjour, merci."), vec![("Bonjour, merci.".into(), None)]);
        assert!(segments("").is_empty());
    }

    #[test]
    fn http_https_and_mailto_are_live_and_the_sentence_stays_around_them() {
        assert_eq!(
            links("See https://example.org/cv.pdf. Thanks"),
            vec![
                ("See ".into(), None),
                ("https://example.org/cv.pdf".into(), Some("https://example.org/cv.pdf".into())),
                (". Thanks".into(), None),
            ]
        );
        assert_eq!(live("(voir http://example.org/a_(b))"), vec!["http://example.org/a_(b)"]);
        assert_eq!(live("portfolio: <https://ex.org/p?q=1#top>"), vec!["https://ex.org/p?q=1#top"]);
        assert_eq!(live("écrivez à mailto:rh@acme.example, merci"), vec!["mailto:rh@acme.example"]);
        assert_eq!(live("HTTPS://Example.org/X"), vec!["https://Example.org/X"], "the scheme in lower case");
        assert_eq!(
            live("deux liens : https://a.example et https://b.example !"),
            vec!["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn other_schemes_and_half_links_stay_inert() {
        for text in [
            "javascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "www.example.org",
            "ftp://example.org/x",
            "http://",
            "https:// spaced",
            "mailto:",
            "mailto:nobody",
            "xhttps://example.org",
            "vbscript:msgbox",
        ] {
            assert_eq!(live(text), Vec::<String>::new(), "{text}");
        }
        // Markup is text: only the address itself is live, the quote ends it.
        assert_eq!(live("<a href=\"https://example.org\">x</a>"), vec!["https://example.org"]);
        assert_eq!(live("javascript:void(fetch('https://evil.example'))"), vec!["https://evil.example"]);
    }

    #[test]
    fn allowed_is_the_policy_for_opening() {
        assert!(allowed("https://example.org"));
        assert!(allowed("http://127.0.0.1:8080/x"));
        assert!(allowed("mailto:rh@acme.example?subject=Hi"));
        assert!(!allowed("javascript:alert(1)"));
        assert!(!allowed("https://"));
        assert!(!allowed("https://exa mple.org"));
        assert!(!allowed("file:///etc/passwd"));
        assert!(!allowed("mailto:@example.org"));
        assert!(!allowed("https://\u{7}x"));
        assert!(!allowed(""));
    }

    #[test]
    fn any_text_cuts_without_panicking_and_gives_itself_back() {
        for text in
            ["é https://é.example/ü", "https://a.example)))", "((https://a.example", "🙂mailto:a@b🙂", "\u{0}http://x"]
        {
            links(text);
        }
    }
}
