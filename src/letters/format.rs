//! Dates, amounts and contract names as a letter in French or English writes them. Pure.
//!
//! ```
//! use chrono::NaiveDate;
//! use vivier::letters::format::{Lang, date, amount};
//! let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! assert_eq!(date(Lang::Fr, d), "1er décembre 2026");
//! assert_eq!(date(Lang::En, d), "1 December 2026");
//! assert_eq!(amount(Lang::Fr, 4_500_000, "EUR"), "45\u{202f}000\u{a0}€");
//! assert_eq!(amount(Lang::En, 4_500_000, "EUR"), "€45,000");
//! ```

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::offer::Contract;

/// The language of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "LetterLang")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Lang> {
        match raw.trim().to_lowercase().as_str() {
            "fr" | "french" | "français" => Some(Lang::Fr),
            "en" | "english" | "anglais" => Some(Lang::En),
            _ => None,
        }
    }
}

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in full: "1er décembre 2026", "2 décembre 2026"; "1 December 2026".
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let month = d.month0() as usize;
    match lang {
        Lang::Fr => {
            let day = if d.day() == 1 { "1er".to_owned() } else { d.day().to_string() };
            format!("{day} {} {}", MOIS.get(month).copied().unwrap_or(""), d.year())
        }
        Lang::En => format!("{} {} {}", d.day(), MONTHS.get(month).copied().unwrap_or(""), d.year()),
    }
}

/// Digits grouped by three with `sep`.
fn grouped(mut n: i64, sep: &str) -> String {
    let mut groups = Vec::new();
    loop {
        groups.push(n % 1000);
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    let mut out = String::new();
    for (i, g) in groups.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&g.to_string());
        } else {
            out.push_str(sep);
            out.push_str(&format!("{g:03}"));
        }
    }
    out
}

/// An amount in minor units: French "45 000 €" (narrow no-break space between thousands,
/// no-break space before the symbol, decimals after a comma only when there are cents),
/// English "€45,000" ("CHF 45,000" where there is no symbol).
pub fn amount(lang: Lang, cents: i64, currency: &str) -> String {
    let whole = cents.abs() / 100;
    let frac = cents.abs() % 100;
    let sign = if cents < 0 { "-" } else { "" };
    let symbol = match currency {
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "USD" => Some("$"),
        _ => None,
    };
    match lang {
        Lang::Fr => {
            let mut n = format!("{sign}{}", grouped(whole, "\u{202f}"));
            if frac != 0 {
                n.push_str(&format!(",{frac:02}"));
            }
            format!("{n}\u{a0}{}", symbol.unwrap_or(currency))
        }
        Lang::En => {
            let mut n = grouped(whole, ",");
            if frac != 0 {
                n.push_str(&format!(".{frac:02}"));
            }
            match symbol {
                Some(s) => format!("{sign}{s}{n}"),
                None => format!("{sign}{currency}\u{a0}{n}"),
            }
        }
    }
}

/// The contract's name in a sentence.
pub fn contract(lang: Lang, c: Contract) -> &'static str {
    match (lang, c) {
        (Lang::Fr, Contract::Cdi) => "contrat à durée indéterminée (CDI)",
        (Lang::Fr, Contract::Cdd) => "contrat à durée déterminée (CDD)",
        (Lang::Fr, Contract::Internship) => "convention de stage",
        (Lang::Fr, Contract::Freelance) => "contrat de prestation (indépendant)",
        (Lang::En, Contract::Cdi) => "permanent contract (CDI)",
        (Lang::En, Contract::Cdd) => "fixed-term contract (CDD)",
        (Lang::En, Contract::Internship) => "internship agreement",
        (Lang::En, Contract::Freelance) => "freelance services agreement",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_english_dates() {
        let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
        assert_eq!(date(Lang::Fr, d(8, 15)), "15 août 2027");
        assert_eq!(date(Lang::Fr, d(2, 1)), "1er février 2027");
        assert_eq!(date(Lang::En, d(2, 1)), "1 February 2027");
    }

    #[test]
    fn amounts_in_both_conventions() {
        assert_eq!(amount(Lang::Fr, 123_456_750, "EUR"), "1\u{202f}234\u{202f}567,50\u{a0}€");
        assert_eq!(amount(Lang::En, 123_456_750, "GBP"), "£1,234,567.50");
        assert_eq!(amount(Lang::Fr, 5_000, "CHF"), "50\u{a0}CHF");
        assert_eq!(amount(Lang::En, 10_000_000, "CHF"), "CHF\u{a0}100,000");
        assert_eq!(amount(Lang::En, 99, "USD"), "$0.99");
    }
}
