//! The privacy footer under every message HR sends: the candidate may reply to the email
//! to see, correct or erase the data of their application, or object to its being kept,
//! and for how long it is kept without a hire. Its meaning follows the employer's privacy
//! policy (replying to the last email with HR is the simplest way to exercise a right;
//! without a hire, data is kept for the pool period to offer other positions, unless the
//! candidate objects); the wording is Vivier's.
//!
//! The footer is one source for two sides: the composer writes it, and the reply reader
//! ([`crate::mail::reply`]) stops at its opening when a candidate's reply quotes it back
//! without `>` marks — otherwise its own words (erase, object) would read as a request.
//! [`OPENINGS_FOLDED`] is what the reader matches, checked here against the text.

use crate::letters::format::Lang;

/// The footer's first words in French, as written.
pub const OPENING_FR: &str = "Confidentialité : ";
/// The footer's first words in English, as written.
pub const OPENING_EN: &str = "Privacy: ";
/// The openings folded as the reply reader folds a line (lower case, no accents).
pub const OPENINGS_FOLDED: [&str; 2] = ["confidentialite : ", "privacy: "];

/// The signature separator written above the footer.
pub const SEPARATOR: &str = "-- ";

const FR: &str = "Confidentialité : vous pouvez simplement répondre à ce message pour consulter les données de \
                  votre candidature, les faire corriger ou effacer, ou vous opposer à leur conservation. Si vous \
                  n'êtes pas embauché(e), nous les gardons au plus {{retention.period}} après notre dernier \
                  échange, pour pouvoir vous proposer d'autres postes, sauf si vous vous y opposez.";

const EN: &str = "Privacy: you can simply reply to this email to see the data of your application, have it \
                  corrected or erased, or object to our keeping it. If you are not hired, we keep it for at most \
                  {{retention.period}} after our last exchange, so that we can offer you other positions, unless \
                  you object.";

/// The footer's template in a language (one field: `retention.period`).
pub fn text(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    }
}

/// The pool period as the footer says it: "2 ans" / "2 years", "18 mois" / "18 months".
pub fn period(lang: Lang, months: u32) -> String {
    match (lang, months.is_multiple_of(12) && months > 0, months / 12) {
        (Lang::Fr, true, 1) => "1 an".into(),
        (Lang::Fr, true, y) => format!("{y} ans"),
        (Lang::En, true, 1) => "1 year".into(),
        (Lang::En, true, y) => format!("{y} years"),
        (Lang::Fr, false, _) => format!("{months} mois"),
        (Lang::En, false, _) if months == 1 => "1 month".into(),
        (Lang::En, false, _) => format!("{months} months"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::reply::{FOOTER_MARKERS, fold, reply_text};

    #[test]
    fn the_reader_matches_the_footer_as_written() {
        assert_eq!(fold(OPENING_FR), OPENINGS_FOLDED[0]);
        assert_eq!(fold(OPENING_EN), OPENINGS_FOLDED[1]);
        assert!(FR.starts_with(OPENING_FR) && EN.starts_with(OPENING_EN));
        for folded in OPENINGS_FOLDED {
            assert!(FOOTER_MARKERS.contains(&folded), "{folded}");
        }
    }

    #[test]
    fn periods_read_naturally() {
        assert_eq!(period(Lang::Fr, 24), "2 ans");
        assert_eq!(period(Lang::Fr, 12), "1 an");
        assert_eq!(period(Lang::Fr, 18), "18 mois");
        assert_eq!(period(Lang::En, 24), "2 years");
        assert_eq!(period(Lang::En, 1), "1 month");
        assert_eq!(period(Lang::En, 6), "6 months");
    }

    /// A reply quoting the footer back without `>` marks, without the separator: the
    /// reader stops at it, and the footer's words (erase, object) are not read as a right.
    #[test]
    fn a_reply_quoting_the_footer_back_is_not_a_rights_request() {
        let mut fields = crate::letters::merge::FieldMap::default();
        for name in super::super::FIELD_NAMES {
            fields.text(name, Some("x".into()));
        }
        fields.text("retention.period", Some("2 ans".into()));
        for lang in [Lang::Fr, Lang::En] {
            let sent = super::super::render(super::super::shipped(super::super::Kind::Rejection, lang), &fields, lang)
                .unwrap()
                .body;
            let footer = sent.split(&format!("\n{SEPARATOR}\n")).nth(1).expect("the footer under its separator");
            for reply in [
                format!("Merci pour votre réponse.\n\n{footer}"),
                format!("Thanks for letting me know.\n\n{sent}"),
                format!("Merci.\n\n{}", footer.replace(". ", ".\n")),
            ] {
                let own = reply_text(&reply, &[]);
                assert!(!own.contains("effacer") && !own.contains("erased") && !own.contains("Priva"), "{own}");
                assert_eq!(crate::mail::classify(&own, &reply).intent, crate::mail::Intent::None, "{reply}");
            }
        }
    }
}
