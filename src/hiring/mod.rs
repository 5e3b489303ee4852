//! Stage-gated data (promise P3): the hiring details of an application (postal address,
//! date and place of birth, nationality, French social-security number, IBAN, emergency
//! contact) and the custom fields HR declares, each with the stage from which it may be
//! collected. Pure logic only: checking and normalising values, and the gate itself
//! ([`may_collect`]) are in this file; their SQL is in `records`, which calls them on
//! every write, so the rule holds at every door (CLI, app, import). No error message ever
//! repeats a NIR or IBAN.
//!
//! ```
//! use vivier::pipeline::Stage;
//! use vivier::hiring::{HIRING_FROM, may_collect, normalize_iban};
//! assert!(!may_collect(Stage::Interview, HIRING_FROM));
//! assert!(may_collect(Stage::Offer, HIRING_FROM));
//! assert_eq!(normalize_iban("gb82 west 1234 5698 7654 32").unwrap(), "GB82WEST12345698765432");
//! ```

mod records;

pub use records::HiringRecord;
pub(crate) use records::erase_out_of_stage;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::pipeline::{PipelineError, Stage, contact};

/// Hiring details may be collected from this stage on (offer, then hired).
pub const HIRING_FROM: Stage = Stage::Offer;

/// The gate: may data collectable from stage `from` be collected (or kept) on an
/// application at `stage`? Open stages are ordered new < screening < interview < offer <
/// hired; a rejected or withdrawn application collects nothing, and nothing is declared
/// as collectable "from rejected".
pub fn may_collect(stage: Stage, from: Stage) -> bool {
    match (stage.progress(), from.progress()) {
        (Some(at), Some(from)) => at >= from,
        _ => false,
    }
}

/// The hiring details of one application. Every field is optional: HR fills them in as
/// the contract is prepared. `Debug` names the fields that are set, never their values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct HiringDetails {
    pub address: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_place: Option<String>,
    /// ISO 3166 alpha-2 code, upper case.
    pub nationality: Option<String>,
    /// French social-security number: 15 characters, no spaces (2A/2B kept as letters).
    pub nir: Option<String>,
    /// Upper case, no spaces.
    pub iban: Option<String>,
    pub emergency_name: Option<String>,
    /// Normalised as `+CC…`.
    pub emergency_phone: Option<String>,
}

impl fmt::Debug for HiringDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HiringDetails {{ set: {:?} }}", self.set_fields())
    }
}

impl HiringDetails {
    /// Names of the fields that hold a value, in a stable order (for the audit log).
    pub fn set_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut add = |name, set: bool| {
            if set {
                out.push(name);
            }
        };
        add("address", self.address.is_some());
        add("birth_date", self.birth_date.is_some());
        add("birth_place", self.birth_place.is_some());
        add("nationality", self.nationality.is_some());
        add("nir", self.nir.is_some());
        add("iban", self.iban.is_some());
        add("emergency_name", self.emergency_name.is_some());
        add("emergency_phone", self.emergency_phone.is_some());
        out
    }

    pub fn is_empty(&self) -> bool {
        self.set_fields().is_empty()
    }

    /// `self` updated with the fields `update` sets; the others keep their value.
    pub fn merged(self, update: HiringDetails) -> HiringDetails {
        HiringDetails {
            address: update.address.or(self.address),
            birth_date: update.birth_date.or(self.birth_date),
            birth_place: update.birth_place.or(self.birth_place),
            nationality: update.nationality.or(self.nationality),
            nir: update.nir.or(self.nir),
            iban: update.iban.or(self.iban),
            emergency_name: update.emergency_name.or(self.emergency_name),
            emergency_phone: update.emergency_phone.or(self.emergency_phone),
        }
    }

    /// Checks and normalises every field; `today` bounds the date of birth. Blank text
    /// counts as not given. The errors name the field and say what to do.
    pub fn validated(self, today: NaiveDate) -> Result<HiringDetails, PipelineError> {
        let address = text("address", self.address, 500)?;
        let birth_place = text("birth place", self.birth_place, 200)?;
        let nationality = self.nationality.map(|n| normalize_nationality(&n)).transpose()?.flatten();
        if let Some(born) = self.birth_date {
            check_birth_date(born, today)?;
        }
        let nir = blank_is_none(self.nir).map(|n| normalize_nir(&n)).transpose()?;
        if let (Some(nir), Some(born)) = (&nir, self.birth_date) {
            check_nir_matches_birth(nir, born)?;
        }
        let iban = blank_is_none(self.iban).map(|i| normalize_iban(&i)).transpose()?;
        let emergency_name = text("emergency contact name", self.emergency_name, 200)?;
        let emergency_phone = blank_is_none(self.emergency_phone)
            .map(|p| {
                contact::normalize_phone(&p).map_err(|_| PipelineError::Invalid {
                    field: "emergency contact phone",
                    reason: "is not a phone number: write it as +CC… or a 10-digit French number starting with 0"
                        .into(),
                })
            })
            .transpose()?;
        if emergency_name.is_some() != emergency_phone.is_some() {
            return Err(PipelineError::Invalid {
                field: "emergency contact",
                reason: "needs both a name and a phone number".into(),
            });
        }
        Ok(HiringDetails {
            address,
            birth_date: self.birth_date,
            birth_place,
            nationality,
            nir,
            iban,
            emergency_name,
            emergency_phone,
        })
    }
}

fn blank_is_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Trimmed free text, inner runs of whitespace (new lines included) folded to one space.
fn text(field: &'static str, value: Option<String>, max: usize) -> Result<Option<String>, PipelineError> {
    let Some(v) = blank_is_none(value) else { return Ok(None) };
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.chars().count() > max {
        return Err(PipelineError::Invalid { field, reason: format!("is too long (over {max} characters)") });
    }
    Ok(Some(v))
}

/// A date of birth typed as YYYY-MM-DD.
pub fn parse_birth_date(raw: &str) -> Result<NaiveDate, PipelineError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| PipelineError::Invalid {
        field: "birth date",
        reason: "is not a date: write it as YYYY-MM-DD".into(),
    })
}

/// A date of birth is in the past and less than 120 years ago (no minimum age is
/// checked here: that is the contract's business, and age is not a selection criterion).
fn check_birth_date(born: NaiveDate, today: NaiveDate) -> Result<(), PipelineError> {
    if born >= today {
        return Err(PipelineError::Invalid { field: "birth date", reason: "is not in the past".into() });
    }
    if today.year() - born.year() > 120 {
        return Err(PipelineError::Invalid {
            field: "birth date",
            reason: "is more than 120 years ago; check the year".into(),
        });
    }
    Ok(())
}

/// Nationality as a two-letter ISO 3166 code (FR, DE, …), upper-cased.
pub fn normalize_nationality(raw: &str) -> Result<Option<String>, PipelineError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    crate::pipeline::country_code("nationality", raw).map(Some)
}

fn nir_invalid(reason: &str) -> PipelineError {
    PipelineError::Invalid { field: "NIR", reason: reason.to_owned() }
}

/// Checks a French social-security number (NIR) and returns it as 15 characters.
///
/// Input: 13 characters and the 2-digit key, with spaces, dots or dashes allowed
/// between them. Layout: sex (1), year (2), month (2), department (2, or 2A/2B for
/// Corsica), commune (3), order (3), key (2). Rules and choices:
/// - sex digit 1 or 2; 3, 4, 7 and 8 are accepted too, as the provisional numbers
///   (NIA, temporary registration of people born abroad) a new hire may still have:
///   their key is computed the same way;
/// - month 01–12, or the pseudo-months INSEE uses when the month is unknown or for
///   provisional registrations (20–42, 50–99); 00, 13–19 and 43–49 are refused;
/// - department digits, or 2A/2B (Corsica), whose key is computed with 19/18 in their place;
/// - order number 001–999;
/// - key = 97 − (the 13-digit number mod 97), so 01–97.
///
/// Errors say what is wrong and never repeat the number.
pub fn normalize_nir(raw: &str) -> Result<String, PipelineError> {
    let nir: String =
        raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}')).map(|c| c.to_ascii_uppercase()).collect();
    if !nir.is_ascii() {
        return Err(nir_invalid("must be digits only (letters only as 2A or 2B, the Corsican departments)"));
    }
    if nir.len() != 15 {
        return Err(nir_invalid(
            "must have 15 characters: 13 for the number and 2 for the key (spaces allowed between groups)",
        ));
    }
    let b = nir.as_bytes();
    let department = &nir[5..7];
    let corsica = matches!(department, "2A" | "2B");
    let digits_ok = b.iter().enumerate().all(|(i, c)| c.is_ascii_digit() || (corsica && (i == 6)));
    if !digits_ok {
        return Err(nir_invalid("must be digits only (letters only as 2A or 2B, the Corsican departments)"));
    }
    if !matches!(b[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return Err(nir_invalid("starts with 1 or 2 (or 3, 4, 7, 8 for a provisional number)"));
    }
    let month: u32 = nir[3..5].parse().unwrap_or(0);
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return Err(nir_invalid("has an impossible month of birth (characters 4–5); check the number"));
    }
    if &nir[10..13] == "000" {
        return Err(nir_invalid("has an impossible order number (000); check the number"));
    }
    let body = match department {
        "2A" => format!("{}19{}", &nir[..5], &nir[7..13]),
        "2B" => format!("{}18{}", &nir[..5], &nir[7..13]),
        _ => nir[..13].to_owned(),
    };
    let number: u64 = body.parse().map_err(|_| nir_invalid("must be digits only"))?;
    let key: u64 = nir[13..].parse().map_err(|_| nir_invalid("has a key that is not two digits"))?;
    if key != 97 - number % 97 {
        return Err(nir_invalid("the key (last two digits) does not match the number; check for a typing error"));
    }
    Ok(nir)
}

/// For a definitive number (sex 1 or 2) with a real month, the NIR's year and month of
/// birth must agree with the date of birth.
fn check_nir_matches_birth(nir: &str, born: NaiveDate) -> Result<(), PipelineError> {
    let definitive = matches!(&nir[..1], "1" | "2");
    let (Ok(year), Ok(month)) = (nir[1..3].parse::<i32>(), nir[3..5].parse::<u32>()) else { return Ok(()) };
    if definitive && (1..=12).contains(&month) && (year != born.year() % 100 || month != born.month()) {
        return Err(PipelineError::Invalid {
            field: "NIR",
            reason: "its year and month of birth (characters 2–5) do not match the date of birth; check both".into(),
        });
    }
    Ok(())
}

/// IBAN lengths by country (SWIFT IBAN registry). Countries not listed are accepted
/// with the general bounds of ISO 13616 (15–34 characters) and the mod-97 check.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TN", 24),
    ("TR", 26),
    ("VA", 22),
];

fn iban_invalid(reason: String) -> PipelineError {
    PipelineError::Invalid { field: "IBAN", reason }
}

/// Checks an IBAN (ISO 13616) and returns it upper-cased without spaces: two letters of
/// country, two check digits, the national account number; length as the country
/// requires; the whole, rearranged, is 1 mod 97. Errors never repeat the IBAN.
pub fn normalize_iban(raw: &str) -> Result<String, PipelineError> {
    let iban: String =
        raw.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{a0}')).map(|c| c.to_ascii_uppercase()).collect();
    if !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(iban_invalid("may hold only letters, digits and spaces".into()));
    }
    let b = iban.as_bytes();
    if b.len() < 4 || !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
        return Err(iban_invalid("starts with the two-letter country code and two check digits, as FR76…".into()));
    }
    let country = &iban[..2];
    match IBAN_LENGTHS.iter().find(|(c, _)| *c == country) {
        Some((_, len)) if iban.len() != *len => {
            return Err(iban_invalid(format!(
                "an IBAN from {country} has {len} characters, this one has {}; check for a missing or extra character",
                iban.len()
            )));
        }
        None if !(15..=34).contains(&iban.len()) => {
            return Err(iban_invalid(format!("has {} characters; an IBAN has 15 to 34", iban.len())));
        }
        _ => {}
    }
    // Country and check digits move to the end; letters count as 10..35; mod 97 digit by digit.
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut rest: u32 = 0;
    for c in rearranged {
        let v = c.to_digit(36).unwrap_or(0);
        rest = if v < 10 { (rest * 10 + v) % 97 } else { (rest * 100 + v) % 97 };
    }
    if rest != 1 {
        return Err(iban_invalid("the check digits do not match the account number; check for a typing error".into()));
    }
    Ok(iban)
}

/// The IBAN in groups of four, for display.
pub fn format_iban(iban: &str) -> String {
    iban.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The NIR as it is printed on a carte Vitale: 1 85 05 78 006 084 91.
pub fn format_nir(nir: &str) -> String {
    if nir.len() != 15 {
        return nir.to_owned();
    }
    [&nir[0..1], &nir[1..3], &nir[3..5], &nir[5..7], &nir[7..10], &nir[10..13], &nir[13..15]].join(" ")
}

// ----- custom fields -----

/// What a custom field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Date,
    Number,
    YesNo,
}

impl FieldKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Date => "date",
            FieldKind::Number => "number",
            FieldKind::YesNo => "yes_no",
        }
    }

    pub fn parse(s: &str) -> Result<FieldKind, PipelineError> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "text" => Ok(FieldKind::Text),
            "date" => Ok(FieldKind::Date),
            "number" => Ok(FieldKind::Number),
            "yes_no" | "yesno" | "bool" | "boolean" => Ok(FieldKind::YesNo),
            _ => Err(PipelineError::Invalid {
                field: "field kind",
                reason: format!("\"{}\" is not one of text, date, number, yes_no", s.trim()),
            }),
        }
    }

    /// Checks and normalises a value of this kind: text trimmed (at most 2,000
    /// characters), dates as YYYY-MM-DD, numbers with a dot (a decimal comma is
    /// accepted), yes/no as `yes` or `no` (oui/non, true/false accepted).
    pub fn normalize(self, raw: &str) -> Result<String, PipelineError> {
        let v = raw.trim();
        let invalid = |reason: &str| PipelineError::Invalid { field: "field value", reason: reason.to_owned() };
        if v.is_empty() {
            return Err(invalid("must not be empty"));
        }
        match self {
            FieldKind::Text => {
                if v.chars().count() > 2000 {
                    return Err(invalid("is too long (over 2,000 characters)"));
                }
                Ok(v.to_owned())
            }
            FieldKind::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| invalid("is not a date: write it as YYYY-MM-DD")),
            FieldKind::Number => {
                let n: f64 = v
                    .replace(',', ".")
                    .replace([' ', '\u{a0}'], "")
                    .parse()
                    .map_err(|_| invalid("is not a number (digits, an optional sign and decimal point)"))?;
                if !n.is_finite() {
                    return Err(invalid("is not a finite number"));
                }
                Ok(n.to_string())
            }
            FieldKind::YesNo => match v.to_lowercase().as_str() {
                "yes" | "y" | "oui" | "o" | "true" | "1" => Ok("yes".into()),
                "no" | "n" | "non" | "false" | "0" => Ok("no".into()),
                _ => Err(invalid("is not yes or no")),
            },
        }
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A custom field as HR declares it.
#[derive(Debug, Clone)]
pub struct NewCustomField {
    pub name: String,
    pub kind: FieldKind,
    /// The first stage at which the field may be collected.
    pub collect_from: Stage,
}

impl NewCustomField {
    /// Trims the name (inner whitespace folded, 1–80 characters) and checks the stage:
    /// an open stage or hired, never rejected or withdrawn.
    pub fn validated(self) -> Result<NewCustomField, PipelineError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(PipelineError::Invalid { field: "field name", reason: "must not be empty".into() });
        }
        if name.chars().count() > 80 {
            return Err(PipelineError::Invalid {
                field: "field name",
                reason: "is too long (over 80 characters)".into(),
            });
        }
        if self.collect_from.progress().is_none() {
            return Err(PipelineError::Invalid {
                field: "collect from",
                reason:
                    "must be new, screening, interview, offer or hired: nothing is collected on a closed application"
                        .into(),
            });
        }
        Ok(NewCustomField { name, ..self })
    }
}

/// A declared custom field.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CustomField {
    pub name: String,
    pub kind: FieldKind,
    pub collect_from: Stage,
}

/// A custom field's value on one application.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CustomValue {
    pub field: String,
    pub kind: FieldKind,
    pub collect_from: Stage,
    pub value: String,
}

/// The message of a refused collection (see [`PipelineError::StageGate`]).
pub(crate) fn gate_message(field: &str, stage: Stage, from: Stage) -> String {
    if stage.progress().is_none() {
        format!(
            "{field} cannot be collected: the application is {stage}, and nothing new is collected on a closed application"
        )
    } else {
        format!(
            "{field} can be collected only from the {from} stage; this application is at {stage}. \
             Move it to {from} first if that decision is made"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn reason(e: PipelineError) -> String {
        e.to_string()
    }

    #[test]
    fn a_nir_with_its_key_is_accepted_and_stored_without_spaces() {
        // 1 85 05 78 006 084: key 97 - (1850578006084 mod 97) = 91.
        assert_eq!(normalize_nir("1 85 05 78 006 084 91").unwrap(), "185057800608491");
        assert_eq!(normalize_nir("2.85.05.78.006.084-41").unwrap(), "285057800608441");
        assert_eq!(format_nir("185057800608491"), "1 85 05 78 006 084 91");
    }

    #[test]
    fn a_nir_with_a_wrong_key_is_refused_without_repeating_it() {
        let err = reason(normalize_nir("1 85 05 78 006 084 92").unwrap_err());
        assert!(err.contains("key"), "{err}");
        assert!(!err.contains("1850578"), "the error repeats the number: {err}");
        // One digit of the number changed: the key no longer matches.
        assert!(normalize_nir("1 85 05 78 006 085 91").is_err());
    }

    #[test]
    fn corsican_nirs_use_19_and_18_for_the_key() {
        // 2A → 19: 97 - (1850519006084 mod 97) = 35; 2B → 18: 62.
        assert_eq!(normalize_nir("1 85 05 2a 006 084 35").unwrap(), "185052A00608435");
        assert_eq!(normalize_nir("1 85 05 2B 006 084 62").unwrap(), "185052B00608462");
        assert!(normalize_nir("1 85 05 2A 006 084 62").is_err());
        // Letters elsewhere are not a department.
        assert!(normalize_nir("1 85 05 7A 006 084 35").is_err());
        assert!(normalize_nir("1 85 0A 2A 006 084 35").is_err());
    }

    #[test]
    fn nirs_of_the_wrong_length_or_shape_are_refused() {
        assert!(normalize_nir("1 85 05 78 006 084").is_err(), "no key");
        assert!(normalize_nir("1 85 05 78 006 084 911").is_err());
        assert!(normalize_nir("").is_err());
        assert!(normalize_nir("5 85 05 78 006 084 91").is_err(), "sex digit 5");
        assert!(normalize_nir("1 85 13 78 006 084 91").is_err(), "month 13");
        assert!(normalize_nir("1 85 00 78 006 084 91").is_err(), "month 00");
    }

    #[test]
    fn provisional_numbers_and_unknown_months_are_accepted_when_their_key_matches() {
        // Sex digit 7 (provisional): 97 - (7850578006084 mod 97) = 82.
        assert_eq!(normalize_nir("7 85 05 78 006 084 82").unwrap(), "785057800608482");
        // Month 50 (unknown month), born abroad (99): key 48.
        assert_eq!(normalize_nir("1 85 50 99 123 456 48").unwrap(), "185509912345648");
    }

    #[test]
    fn the_nir_must_agree_with_the_date_of_birth() {
        let d = HiringDetails {
            nir: Some("1 85 05 78 006 084 91".into()),
            birth_date: Some(day(1985, 5, 17)),
            ..HiringDetails::default()
        };
        assert!(d.clone().validated(day(2026, 3, 1)).is_ok());
        let wrong = HiringDetails { birth_date: Some(day(1986, 5, 17)), ..d };
        let err = reason(wrong.validated(day(2026, 3, 1)).unwrap_err());
        assert!(err.contains("date of birth"), "{err}");
    }

    #[test]
    fn known_good_ibans_pass_and_are_stored_without_spaces() {
        assert_eq!(normalize_iban("GB82 WEST 1234 5698 7654 32").unwrap(), "GB82WEST12345698765432");
        assert_eq!(normalize_iban("FR76 3000 6000 0112 3456 7890 189").unwrap(), "FR7630006000011234567890189");
        for iban in [
            "DE89 3704 0044 0532 0130 00",
            "BE68 5390 0754 7034",
            "NL91 ABNA 0417 1643 00",
            "ES91 2100 0418 4502 0005 1332",
            "IT60 X054 2811 1010 0000 0123 456",
            "PT50 0002 0123 1234 5678 9015 4",
            "CH93 0076 2011 6238 5295 7",
            "LU28 0019 4006 4475 0000",
            "fr76 3000 6000 0112 3456 7890 189",
        ] {
            normalize_iban(iban).unwrap_or_else(|e| panic!("{iban}: {e}"));
        }
        assert_eq!(format_iban("GB82WEST12345698765432"), "GB82 WEST 1234 5698 7654 32");
    }

    #[test]
    fn a_flipped_digit_or_a_wrong_length_fails_the_iban() {
        let err = reason(normalize_iban("GB82 WEST 1234 5698 7654 33").unwrap_err());
        assert!(err.contains("check digits"), "{err}");
        assert!(!err.contains("WEST"), "the error repeats the IBAN: {err}");
        assert!(normalize_iban("FR76 3000 6000 0112 3456 7890 198").is_err(), "swapped digits");
        let err = reason(normalize_iban("FR76 3000 6000 0112 3456 7890 18").unwrap_err());
        assert!(err.contains("27 characters"), "{err}");
        assert!(normalize_iban("DE89 3704 0044 0532 0130 000").is_err());
        assert!(normalize_iban("7682 3000").is_err());
        assert!(normalize_iban("FR76-3000*6000").is_err());
    }

    #[test]
    fn the_gate_follows_the_stages_and_closes_with_the_application() {
        assert!(!may_collect(Stage::New, HIRING_FROM));
        assert!(!may_collect(Stage::Screening, HIRING_FROM));
        assert!(!may_collect(Stage::Interview, HIRING_FROM));
        assert!(may_collect(Stage::Offer, HIRING_FROM));
        assert!(may_collect(Stage::Hired, HIRING_FROM));
        assert!(may_collect(Stage::Screening, Stage::Screening));
        assert!(may_collect(Stage::Interview, Stage::New));
        assert!(!may_collect(Stage::New, Stage::Screening));
        for from in Stage::ALL {
            assert!(!may_collect(Stage::Rejected, from));
            assert!(!may_collect(Stage::Withdrawn, from));
            assert!(!may_collect(from, Stage::Rejected));
        }
    }

    #[test]
    fn hiring_details_are_normalised_and_checked_together() {
        let d = HiringDetails {
            address: Some("  12 rue des Lilas\n  75011 Paris ".into()),
            birth_place: Some(" Lyon ".into()),
            nationality: Some("fr".into()),
            iban: Some("fr76 3000 6000 0112 3456 7890 189".into()),
            emergency_name: Some(" Marc Lima ".into()),
            emergency_phone: Some("06 12 34 56 78".into()),
            ..HiringDetails::default()
        }
        .validated(day(2026, 3, 1))
        .unwrap();
        assert_eq!(d.address.as_deref(), Some("12 rue des Lilas 75011 Paris"));
        assert_eq!(d.nationality.as_deref(), Some("FR"));
        assert_eq!(d.iban.as_deref(), Some("FR7630006000011234567890189"));
        assert_eq!(d.emergency_phone.as_deref(), Some("+33612345678"));
        assert!(!format!("{d:?}").contains("FR76"), "Debug shows values");

        let half = HiringDetails { emergency_name: Some("Marc".into()), ..HiringDetails::default() };
        assert!(half.validated(day(2026, 3, 1)).is_err());
        let future = HiringDetails { birth_date: Some(day(2027, 1, 1)), ..HiringDetails::default() };
        assert!(future.validated(day(2026, 3, 1)).is_err());
        let french = HiringDetails { nationality: Some("French".into()), ..HiringDetails::default() };
        assert!(french.validated(day(2026, 3, 1)).is_err());
    }

    #[test]
    fn custom_values_are_normalised_by_kind() {
        assert_eq!(FieldKind::Number.normalize(" 12,50 ").unwrap(), "12.5");
        assert!(FieldKind::Number.normalize("douze").is_err());
        assert_eq!(FieldKind::YesNo.normalize("Oui").unwrap(), "yes");
        assert!(FieldKind::YesNo.normalize("maybe").is_err());
        assert_eq!(FieldKind::Date.normalize("2026-04-01").unwrap(), "2026-04-01");
        assert!(FieldKind::Date.normalize("01/04/2026").is_err());
        assert!(FieldKind::Text.normalize("  ").is_err());
        assert_eq!(FieldKind::parse("yes-no").unwrap(), FieldKind::YesNo);
        let rejected = NewCustomField { name: "x".into(), kind: FieldKind::Text, collect_from: Stage::Rejected };
        assert!(rejected.validated().is_err());
    }
}
