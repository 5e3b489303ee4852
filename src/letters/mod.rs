//! Offer letters (issue 13, DESIGN.md §9): the offer details of an application at the
//! offer stage ([`offer`]), letter templates in a small markup ([`markup`]) with merge
//! fields ([`merge`], shared with other templates), dates and amounts as each language
//! writes them ([`format`]), the company's details, and the PDF writer ([`pdf`]). This
//! file composes a letter from plain values (pure: today is injected); the SQL (offers,
//! templates, company details, letters stored as documents) is in `records`.
//!
//! Never a blank in a letter: every unknown or missing field is named in one error before
//! anything is rendered. Templates are HR text, checked by the guard (refused categories
//! are refused), like the offer's free text.

pub mod format;
pub mod markup;
pub mod merge;
pub mod offer;
pub mod pdf;
mod records;

pub use records::{COMPANY_SETTING, LetterRecord, OfferRecord, TemplateInfo};
pub(crate) use records::{company_of, erase_offer_out_of_stage};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Code;
use format::Lang;
use markup::{Block, Template};
use merge::{FieldMap, MergeProblems, SyntaxError};
use offer::Offer;

/// What can go wrong with offers, templates and letters.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the template does not read at {0}")]
    Syntax(SyntaxError),

    #[error("the letter cannot be made: {0}")]
    Fields(MergeProblems),

    #[error("the offer is not complete or not right: {}", .0.join("; "))]
    Offer(Vec<String>),

    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error(
        "the letter's font has no glyph for {chars}; write the text with other characters, or ask for a font that covers them"
    )]
    NoGlyph { chars: String },

    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

impl LetterError {
    pub fn code(&self) -> Code {
        match self {
            LetterError::Syntax(_) => Code::TemplateSyntax,
            LetterError::Fields(_) => Code::MergeFields,
            LetterError::Offer(_) | LetterError::Invalid { .. } | LetterError::NoGlyph { .. } => Code::InvalidInput,
            LetterError::Pdf(_) => Code::LetterFailed,
        }
    }
}

/// The shipped templates: name, language, markup.
pub const SHIPPED: [(&str, Lang, &str); 2] = [
    ("offer-fr", Lang::Fr, include_str!("templates/offer-fr.txt")),
    ("offer-en", Lang::En, include_str!("templates/offer-en.txt")),
];

/// The shipped template of a language.
pub fn shipped_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "offer-fr",
        Lang::En => "offer-en",
    }
}

/// The company's details, as settings (`letters.company`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Company {
    pub name: Option<String>,
    /// One or more lines.
    pub address: Option<String>,
    /// SIRET, company number, …
    pub registration: Option<String>,
    pub signatory: Option<String>,
    pub signatory_title: Option<String>,
    /// PNG or JPEG bytes, hex-encoded in the setting.
    #[serde(default, with = "logo_hex")]
    #[ts(type = "string | null")]
    pub logo: Option<Vec<u8>>,
}

mod logo_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&hex::encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        v.map(|h| hex::decode(h).map_err(serde::de::Error::custom)).transpose()
    }
}

impl Company {
    /// Checks lengths and the logo (it must read as a PNG or a JPEG).
    pub fn validated(self) -> Result<Company, LetterError> {
        let clean = |field: &'static str, v: Option<String>, max: usize| -> Result<Option<String>, LetterError> {
            let Some(v) = v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else { return Ok(None) };
            if v.chars().count() > max {
                return Err(LetterError::Invalid { field, reason: format!("is too long (over {max} characters)") });
            }
            Ok(Some(v))
        };
        if let Some(logo) = &self.logo {
            if logo.len() > 2 << 20 {
                return Err(LetterError::Invalid { field: "logo", reason: "is larger than 2 MB".into() });
            }
            pdf::check_logo(logo)?;
        }
        Ok(Company {
            name: clean("company name", self.name, 200)?,
            address: clean("company address", self.address, 500)?,
            registration: clean("registration number", self.registration, 200)?,
            signatory: clean("signatory", self.signatory, 200)?,
            signatory_title: clean("signatory's title", self.signatory_title, 200)?,
            logo: self.logo,
        })
    }

    /// `self` updated with what `update` gives (an empty text clears a field).
    pub fn merged(self, update: Company) -> Company {
        Company {
            name: update.name.or(self.name),
            address: update.address.or(self.address),
            registration: update.registration.or(self.registration),
            signatory: update.signatory.or(self.signatory),
            signatory_title: update.signatory_title.or(self.signatory_title),
            logo: update.logo.or(self.logo),
        }
    }
}

/// Everything a letter is made of, as plain values.
#[derive(Debug, Clone)]
pub struct LetterData {
    pub lang: Lang,
    pub candidate_name: String,
    /// From the hiring details, when entered.
    pub candidate_address: Option<String>,
    pub job_title: String,
    pub job_location: Option<String>,
    pub offer: Option<Offer>,
    pub company: Company,
    pub today: NaiveDate,
    pub created: DateTime<Utc>,
}

/// The merge fields of a letter, each known (a missing one is `None`).
pub fn fields(data: &LetterData) -> FieldMap {
    let lang = data.lang;
    let day = |d: Option<NaiveDate>| d.map(|d| format::date(lang, d));
    let mut m = FieldMap::default();
    m.text("candidate.full_name", Some(data.candidate_name.clone()));
    m.text("candidate.address", data.candidate_address.clone());
    m.text("job.title", Some(data.job_title.clone()));
    m.text("job.location", data.job_location.clone());
    let o = data.offer.as_ref();
    m.text("offer.position", o.map(|o| o.position.clone()));
    m.text("offer.contract", o.map(|o| format::contract(lang, o.contract).to_owned()));
    m.text("offer.start_date", day(o.map(|o| o.start_date)));
    m.text("offer.end_date", day(o.and_then(|o| o.end_date)));
    m.text("offer.cdd_reason", o.and_then(|o| o.cdd_reason.clone()));
    m.text("offer.salary", o.map(|o| format::amount(lang, o.salary_cents, &o.currency)));
    m.text("offer.working_time", o.and_then(|o| o.working_time.clone()));
    m.text("offer.trial_period", o.and_then(|o| o.trial_period.clone()));
    m.text("offer.place", o.and_then(|o| o.place.clone()));
    m.text("offer.manager", o.and_then(|o| o.manager.clone()));
    m.text("offer.answer_by", day(o.and_then(|o| o.answer_by)));
    m.list("offer.clauses", o.map(|o| o.clauses.clone()).unwrap_or_default());
    let c = &data.company;
    m.text("company.name", c.name.clone());
    m.text("company.address", c.address.clone());
    m.text("company.registration", c.registration.clone());
    m.text("company.signatory", c.signatory.clone());
    m.text("company.signatory_title", c.signatory_title.clone());
    m.text("today", Some(format::date(lang, data.today)));
    m
}

/// The names of every merge field a letter template may use.
pub fn field_names() -> Vec<String> {
    let data = LetterData {
        lang: Lang::En,
        candidate_name: String::new(),
        candidate_address: None,
        job_title: String::new(),
        job_location: None,
        offer: None,
        company: Company::default(),
        today: NaiveDate::MIN,
        created: DateTime::<Utc>::MIN_UTC,
    };
    fields(&data).names()
}

/// Checks a template's markup and its field names (not their values): what saving a
/// template checks, with the guard.
pub fn check_template(body: &str) -> Result<Template, LetterError> {
    let template = Template::parse(body).map_err(LetterError::Syntax)?;
    let names = field_names();
    let unknown: Vec<String> =
        template.fields().into_iter().filter(|f| !names.contains(f)).fold(Vec::new(), |mut v, f| {
            if !v.contains(&f) {
                v.push(f);
            }
            v
        });
    if !unknown.is_empty() {
        return Err(LetterError::Fields(MergeProblems { unknown, missing: Vec::new() }));
    }
    if template.fields().is_empty() && body.trim().is_empty() {
        return Err(LetterError::Invalid { field: "template", reason: "is empty".into() });
    }
    Ok(template)
}

/// Composes a letter: the template merged (every problem in one error, the letterhead's
/// and signature's needs included), and the page furniture around it. Returns the letter
/// ready for [`pdf::render`] and its plain text (stored with the document).
pub fn compose(data: &LetterData, body: &str) -> Result<(pdf::Letter, String), LetterError> {
    let template = Template::parse(body).map_err(LetterError::Syntax)?;
    let source = fields(data);
    let blocks = match template.merge(&source) {
        Ok(b) => Some(b),
        Err(LetterError::Fields(p)) => {
            let mut p = p;
            // The letterhead and the signature need these whatever the template says.
            for needed in ["company.name", "company.signatory"] {
                if merge::check([needed], &source).missing.len() == 1 && !p.missing.iter().any(|m| m == needed) {
                    p.missing.push(needed.into());
                }
            }
            return Err(LetterError::Fields(p));
        }
        Err(e) => return Err(e),
    };
    let mut problems = merge::check(["company.name", "company.signatory"], &source);
    if data.offer.is_none() {
        problems.missing.insert(0, "offer".into());
    }
    if !problems.is_empty() {
        return Err(LetterError::Fields(problems));
    }
    let blocks: Vec<Block> = blocks.unwrap_or_default();
    let c = &data.company;
    let company = c.name.clone().unwrap_or_default();
    let mut company_lines: Vec<String> =
        c.address.iter().flat_map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)).collect();
    company_lines.extend(c.registration.clone());
    let mut recipient = vec![data.candidate_name.clone()];
    recipient.extend(
        data.candidate_address
            .iter()
            .flat_map(|a| a.split([',', '\n']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)),
    );
    let date_line = match data.lang {
        Lang::Fr => format!("Le {}", format::date(Lang::Fr, data.today)),
        Lang::En => format::date(Lang::En, data.today),
    };
    let mut signature: Vec<String> = c.signatory.iter().cloned().collect();
    signature.extend(c.signatory_title.clone());
    signature.push(company.clone());
    let title = match data.lang {
        Lang::Fr => format!("Proposition d'embauche — {}", data.candidate_name),
        Lang::En => format!("Offer of employment — {}", data.candidate_name),
    };
    let mut text = vec![company.clone()];
    text.extend(company_lines.iter().cloned());
    text.extend(recipient.iter().cloned());
    text.push(date_line.clone());
    text.extend(blocks.iter().map(Block::text));
    text.extend(signature.iter().cloned());
    let letter = pdf::Letter {
        title,
        author: company.clone(),
        created: data.created,
        company,
        company_lines,
        logo: c.logo.clone(),
        recipient,
        date_line,
        blocks,
        signature,
    };
    Ok((letter, text.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> LetterData {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        LetterData {
            lang: Lang::Fr,
            candidate_name: "Zoë O'Brien-Müller".into(),
            candidate_address: None,
            job_title: "Data engineer".into(),
            job_location: None,
            offer: Some(
                offer::OfferInput {
                    position: Some("Ingénieure données".into()),
                    contract: Some("cdi".into()),
                    start_date: Some("2027-01-04".into()),
                    salary: Some("45000".into()),
                    ..Default::default()
                }
                .validated(today)
                .unwrap(),
            ),
            company: Company {
                name: Some("Vivier SAS".into()),
                signatory: Some("Claire Martin".into()),
                ..Default::default()
            },
            today,
            created: DateTime::<Utc>::from_timestamp(1_796_083_200, 0).unwrap(),
        }
    }

    #[test]
    fn the_shipped_templates_read_and_use_known_fields() {
        for (name, _, body) in SHIPPED {
            check_template(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            crate::guard::policy::HrText::new("template", body).check().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn a_letter_composes_with_dates_and_amounts_in_its_language() {
        let (_, text) = compose(&data(), SHIPPED[0].2).unwrap();
        assert!(text.contains("Le 1er décembre 2026"), "{text}");
        assert!(text.contains("45\u{202f}000\u{a0}€"), "{text}");
        assert!(text.contains("4 janvier 2027"), "{text}");
        let mut en = data();
        en.lang = Lang::En;
        let (_, text) = compose(&en, SHIPPED[1].2).unwrap();
        assert!(text.contains("€45,000") && text.contains("1 December 2026"), "{text}");
    }

    #[test]
    fn a_letter_without_company_or_offer_names_all_that_is_missing() {
        let mut d = data();
        d.company = Company::default();
        d.offer = None;
        let Err(LetterError::Fields(p)) = compose(&d, SHIPPED[0].2) else { panic!() };
        for f in ["offer.position", "offer.salary", "company.name", "company.signatory"] {
            assert!(p.missing.iter().any(|m| m == f), "{f} in {p}");
        }
    }
}
