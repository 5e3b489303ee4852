//! Normalised contact details, the keys of duplicate detection: two candidates with the
//! same normalised email or phone are one person until HR says otherwise.

use super::PipelineError;

/// Lower-cases and trims an address and checks its shape (one `@`, a dotted domain, no
/// spaces). Mailbox tags and dots are kept: `a.b+x@` and `ab@` may be different people.
pub fn normalize_email(raw: &str) -> Result<String, PipelineError> {
    let email = raw.trim().trim_start_matches("mailto:").to_lowercase();
    let invalid = || PipelineError::Invalid {
        field: "email",
        reason: format!("\"{}\" is not an email address such as name@example.org", raw.trim()),
    };
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || email.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        || email.len() > 254
    {
        return Err(invalid());
    }
    Ok(email)
}

/// Turns a phone number into E.164-like digits with a leading `+`. National French
/// numbers (10 digits starting with 0) get +33; `00` becomes `+`. Separators (spaces,
/// dots, dashes, parentheses) are dropped.
pub fn normalize_phone(raw: &str) -> Result<String, PipelineError> {
    let invalid = |why: &str| PipelineError::Invalid { field: "phone", reason: format!("\"{}\" {why}", raw.trim()) };
    let trimmed = raw.trim();
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(invalid("is not a phone number (digits, spaces, dots, dashes, an optional leading +)")),
        }
    }
    // "+33 (0)6 …": the trunk zero in parentheses is not dialled from abroad.
    if plus
        && trimmed.contains("(0)")
        && let Some(pos) = digits.find('0').filter(|p| (2..=3).contains(p))
    {
        digits.remove(pos);
    }
    let e164 = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("33{}", &digits[1..])
    } else {
        return Err(invalid("has no country code: write it as +CC… (or a 10-digit French number starting with 0)"));
    };
    if !(8..=15).contains(&e164.len()) {
        return Err(invalid("does not have the 8 to 15 digits of an international number"));
    }
    Ok(format!("+{e164}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_fold_case_and_space() {
        assert_eq!(normalize_email("  Jeanne.Dupont@Example.FR ").unwrap(), "jeanne.dupont@example.fr");
        assert_eq!(normalize_email("mailto:a@b.io").unwrap(), "a@b.io");
        for bad in ["", "jeanne", "a@b", "a@@b.fr", "a b@c.fr", "@c.fr", "a@.fr", "a@fr."] {
            assert!(normalize_email(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn french_numbers_in_every_usual_writing_are_one_number() {
        for raw in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "0033612345678",
            "+33-6-12-34-56-78",
        ] {
            assert_eq!(normalize_phone(raw).unwrap(), "+33612345678", "{raw}");
        }
    }

    #[test]
    fn other_countries_keep_their_code() {
        assert_eq!(normalize_phone("+49 30 1234567").unwrap(), "+49301234567");
        assert_eq!(normalize_phone("+44 (0)20 7946 0958").unwrap(), "+442079460958");
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for bad in ["call me", "12345", "612345678", "+33 6 12 34 56 78 ext 5", "+1 2"] {
            assert!(normalize_phone(bad).is_err(), "{bad} accepted");
        }
    }
}
