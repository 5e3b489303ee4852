//! The readable summary of an access export (`summary.pdf`), in the candidate's language:
//! who holds the data and why, what is held (computed from what is actually held), where it
//! came from, who receives it, until when it is kept and by which rule, and the candidate's
//! rights, the complaint to the CNIL included. Pure: plain facts in, a letter for the
//! letters feature's PDF writer out.

use chrono::{DateTime, NaiveDate, Utc};

use crate::letters::format::{Lang, date};
use crate::letters::markup::{Block, Span, Style};
use crate::letters::{Company, pdf};
use crate::retention::policy::Rule;

/// What the summary says, as plain values.
#[derive(Debug, Clone)]
pub struct SummaryFacts {
    pub lang: Lang,
    pub company: Company,
    pub candidate_name: String,
    pub emails: Vec<String>,
    /// `direct`, `agency`, `referral`, `email` or `job_board`, and its detail (the
    /// agency's or referrer's name, the job board).
    pub source: (String, Option<String>),
    /// Categories of data held, each with how many records.
    pub categories: Vec<(Category, usize)>,
    pub retention: Retention,
    pub generated: DateTime<Utc>,
}

/// When the data goes and why, as the retention engine decides today.
#[derive(Debug, Clone)]
pub struct Retention {
    pub due: Option<NaiveDate>,
    pub rule: Rule,
    /// A legal hold in force suspends the deletion.
    pub held: bool,
    pub pool_months: u32,
    /// Years kept after a contract ends, for a hire (the country of hire's period).
    pub hired_years: Option<u32>,
    pub objected: bool,
}

/// A category of personal data, as the summary names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Identity,
    Applications,
    Documents,
    Messages,
    Notes,
    HiringDetails,
    Offer,
    CustomFields,
    Requests,
    Holds,
    AccessLog,
}

impl Category {
    /// The category of a registry table's rows; None for rows that add no category
    /// (internal bookkeeping).
    pub fn of_table(table: &str) -> Option<Category> {
        Some(match table {
            "candidates" | "candidate_emails" => Category::Identity,
            "applications" | "stage_events" => Category::Applications,
            "documents" => Category::Documents,
            "messages" | "outbox" => Category::Messages,
            "notes" | "note_ratings" => Category::Notes,
            "hiring_details" => Category::HiringDetails,
            "offers" => Category::Offer,
            "custom_values" => Category::CustomFields,
            "requests" => Category::Requests,
            "legal_holds" => Category::Holds,
            "audit" | "purge_log" | "erasure_ledger" => Category::AccessLog,
            _ => return None,
        })
    }

    fn describe(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Category::Identity, Lang::Fr) => {
                "identité et coordonnées (nom, adresses e-mail, téléphone, langue, source)"
            }
            (Category::Identity, Lang::En) => {
                "identity and contact details (name, email addresses, phone, language, source)"
            }
            (Category::Applications, Lang::Fr) => "candidatures et leurs étapes (postes, dates, décisions)",
            (Category::Applications, Lang::En) => "applications and their stages (positions, dates, decisions)",
            (Category::Documents, Lang::Fr) => "documents (CV, lettres de motivation, autres pièces, lettres générées)",
            (Category::Documents, Lang::En) => "documents (CVs, cover letters, other files, generated letters)",
            (Category::Messages, Lang::Fr) => "messages échangés par e-mail",
            (Category::Messages, Lang::En) => "email messages exchanged",
            (Category::Notes, Lang::Fr) => "notes et avis d'entretien des recruteurs",
            (Category::Notes, Lang::En) => "recruiters' notes and interview feedback",
            (Category::HiringDetails, Lang::Fr) => {
                "informations d'embauche (adresse, naissance, nationalité, sécurité sociale, coordonnées bancaires, contact d'urgence)"
            }
            (Category::HiringDetails, Lang::En) => {
                "hiring details (address, birth, nationality, social security, bank details, emergency contact)"
            }
            (Category::Offer, Lang::Fr) => "proposition d'embauche (poste, contrat, rémunération)",
            (Category::Offer, Lang::En) => "offer of employment (position, contract, pay)",
            (Category::CustomFields, Lang::Fr) => "autres informations de recrutement (champs propres à l'employeur)",
            (Category::CustomFields, Lang::En) => "other recruitment information (the employer's own fields)",
            (Category::Requests, Lang::Fr) => "vos demandes (accès, rectification, effacement, opposition…)",
            (Category::Requests, Lang::En) => "your requests (access, correction, erasure, objection…)",
            (Category::Holds, Lang::Fr) => "conservation imposée par une obligation légale (litige)",
            (Category::Holds, Lang::En) => "retention required by a legal obligation (litigation)",
            (Category::AccessLog, Lang::Fr) => "journal des consultations et modifications de votre dossier",
            (Category::AccessLog, Lang::En) => "log of who viewed or changed your file, and when",
        }
    }
}

fn text(s: impl Into<String>) -> Vec<Span> {
    vec![Span { text: s.into(), style: Style::default() }]
}

fn heading(s: &str) -> Block {
    Block::Heading { level: 2, spans: text(s) }
}

/// The summary as a letter for [`pdf::render`].
pub fn letter(f: &SummaryFacts) -> pdf::Letter {
    let fr = f.lang == Lang::Fr;
    let l = |fr_text: &str, en_text: &str| if fr { fr_text.to_owned() } else { en_text.to_owned() };
    let employer = f.company.name.clone().unwrap_or_default();
    let today = f.generated.date_naive();
    let mut b: Vec<Block> = Vec::new();
    b.push(Block::Heading {
        level: 1,
        spans: text(l(
            "Vos données personnelles : réponse à votre demande d'accès",
            "Your personal data: answer to your access request",
        )),
    });
    b.push(Block::Paragraph(text(if fr {
        format!(
            "{employer} est responsable du traitement des données de votre candidature. Ce document résume ce que nous \
             détenons sur vous au {}. L'archive qui l'accompagne contient toutes ces données : data.json (lisible par \
             un programme, décrit par schema.json), vos documents d'origine (dossier documents) et vos messages (dossier messages).",
            date(Lang::Fr, today)
        )
    } else {
        format!(
            "{employer} is responsible for the data of your application. This document sums up what we hold about you \
             on {}. The archive that comes with it holds all of it: data.json (machine-readable, described by \
             schema.json), your original documents (documents folder) and your messages (messages folder).",
            date(Lang::En, today)
        )
    })));

    b.push(heading(&l("Pourquoi nous traitons vos données", "Why we process your data")));
    b.push(Block::Item(text(l(
        "Le recrutement : évaluer et suivre votre candidature, et préparer votre contrat si nous vous faisons une proposition d'embauche.",
        "Recruitment: to evaluate and follow your application, and to prepare your contract if we make you an offer.",
    ))));
    let hired = matches!(f.retention.rule, Rule::ContractRunning | Rule::HiredRetention);
    if hired {
        b.push(Block::Item(text(l(
            "La gestion de votre contrat de travail et nos obligations légales d'employeur.",
            "Managing your employment contract and our legal obligations as an employer.",
        ))));
    } else if !f.retention.objected {
        b.push(Block::Item(text(if fr {
            format!(
                "Vous recontacter pour de futures offres d'emploi : nous gardons votre candidature au plus {} mois après \
                 votre dernier contact, sauf si vous vous y opposez.",
                f.retention.pool_months
            )
        } else {
            format!(
                "Contacting you about future job offers: we keep your application at most {} months after your last \
                 contact, unless you object.",
                f.retention.pool_months
            )
        })));
    } else {
        b.push(Block::Item(text(l(
            "Vous vous êtes opposé(e) à la conservation de votre candidature pour de futures offres : nous ne la gardons pas à cette fin.",
            "You objected to our keeping your application for future offers: we do not keep it for that purpose.",
        ))));
    }

    b.push(heading(&l("Les données que nous détenons", "The data we hold")));
    for (category, n) in &f.categories {
        let count = if fr {
            format!(" ({n} élément{})", if *n > 1 { "s" } else { "" })
        } else {
            format!(" ({n} record{})", if *n > 1 { "s" } else { "" })
        };
        b.push(Block::Item(text(format!("{}{count}", category.describe(f.lang)))));
    }
    b.push(Block::Paragraph(text(l(
        "Nous ne collectons jamais de données sur vos origines, vos opinions politiques, vos convictions religieuses, \
         votre appartenance syndicale ou votre vie sexuelle.",
        "We never collect data on your origins, political opinions, religious beliefs, trade-union membership or sex life.",
    ))));

    b.push(heading(&l("D'où viennent ces données", "Where the data comes from")));
    let (kind, detail) = &f.source;
    let detail = detail.clone().unwrap_or_default();
    b.push(Block::Paragraph(text(match (kind.as_str(), fr) {
        ("agency", true) => format!(
            "Votre candidature nous a été transmise par l'agence de recrutement {detail}. Le reste vient de vous \
             (documents, messages) et de nos recruteurs (notes, décisions)."
        ),
        ("agency", false) => format!(
            "Your application was sent to us by the recruitment agency {detail}. The rest comes from you (documents, \
             messages) and from our recruiters (notes, decisions)."
        ),
        ("referral", true) => format!(
            "Votre candidature nous a été recommandée par {detail}. Le reste vient de vous et de nos recruteurs."
        ),
        ("referral", false) => {
            format!("Your application was referred to us by {detail}. The rest comes from you and our recruiters.")
        }
        ("job_board", true) if !detail.is_empty() => format!(
            "Vous avez postulé via le site d'offres d'emploi {detail}. Le reste vient de vous et de nos recruteurs."
        ),
        ("job_board", false) if !detail.is_empty() => {
            format!("You applied through the job board {detail}. The rest comes from you and our recruiters.")
        }
        ("job_board", true) => {
            "Vous avez postulé via un site d'offres d'emploi. Le reste vient de vous et de nos recruteurs.".into()
        }
        ("job_board", false) => "You applied through a job board. The rest comes from you and our recruiters.".into(),
        (_, true) => {
            "Vous nous avez transmis ces données directement (candidature, documents, messages) ; les notes et \
                      décisions sont celles de nos recruteurs."
                .into()
        }
        (_, false) => "You gave us this data directly (application, documents, messages); the notes and decisions are \
                       our recruiters'."
            .into(),
    })));

    b.push(heading(&l("Qui reçoit vos données", "Who receives your data")));
    b.push(Block::Paragraph(text(if fr {
        format!(
            "Seule l'équipe des ressources humaines de {employer} et les personnes qui participent au recrutement y ont \
             accès. Nous ne vendons pas, n'échangeons pas et ne transférons pas vos données à des tiers."
        )
    } else {
        format!(
            "Only {employer}'s human-resources staff and the people taking part in the recruitment have access to it. \
             We do not sell, exchange or transfer your data to third parties."
        )
    })));

    b.push(heading(&l("Combien de temps nous les gardons", "How long we keep it")));
    let r = &f.retention;
    let due = r.due.map(|d| date(f.lang, d));
    let years = r.hired_years.unwrap_or(5);
    let rule = match (r.rule, fr) {
        (Rule::Pool, true) => format!(
            "Vous n'avez pas été embauché(e) : nous gardons vos données au plus {} mois après votre dernier contact \
             ou la clôture de votre dernière candidature.",
            r.pool_months
        ),
        (Rule::Pool, false) => format!(
            "You were not hired: we keep your data at most {} months after your last contact or the close of your \
             last application.",
            r.pool_months
        ),
        (Rule::Objection, true) => "Vous vous êtes opposé(e) à leur conservation : elles sont effacées dès qu'aucune candidature n'est en cours.".into(),
        (Rule::Objection, false) => "You objected to our keeping it: it is erased as soon as no application is open.".into(),
        (Rule::Erasure, true) => "Vous avez demandé leur effacement : il est en cours.".into(),
        (Rule::Erasure, false) => "You asked for its erasure: it is under way.".into(),
        (Rule::HiredRetention, true) => format!(
            "Vous avez été embauché(e) : nous gardons votre dossier pendant la période légale de {years} ans après la fin du contrat."
        ),
        (Rule::HiredRetention, false) => {
            format!("You were hired: we keep your file for the legal period of {years} years after the contract ended.")
        }
        (Rule::ContractRunning, true) => format!(
            "Vous avez été embauché(e) : nous gardons votre dossier pendant votre contrat, puis pendant la période \
             légale de {years} ans après sa fin."
        ),
        (Rule::ContractRunning, false) => format!(
            "You were hired: we keep your file while your contract runs, then for the legal period of {years} years after it ends."
        ),
        (Rule::ApplicationOpen, true) => format!(
            "Une candidature est en cours : nous gardons vos données pendant le recrutement, puis au plus {} mois \
             après votre dernier contact ou sa clôture.",
            r.pool_months
        ),
        (Rule::ApplicationOpen, false) => format!(
            "An application is open: we keep your data during the recruitment, then at most {} months after your last \
             contact or its close.",
            r.pool_months
        ),
    };
    b.push(Block::Paragraph(text(rule)));
    b.push(Block::Paragraph(text(match (due, fr) {
        (Some(d), true) => format!("À ce jour, vos données seront effacées au plus tard le {d}."),
        (Some(d), false) => format!("As of today, your data will be erased no later than {d}."),
        (None, true) => "La date d'effacement sera fixée à la fin de votre contrat ou de votre candidature.".into(),
        (None, false) => "The erasure date will be set when your contract or your application ends.".into(),
    })));
    if r.held {
        b.push(Block::Paragraph(text(l(
            "Une obligation légale (par exemple un litige) nous impose pour l'instant de suspendre cet effacement.",
            "A legal obligation (a litigation, for example) requires us to suspend this erasure for now.",
        ))));
    }
    b.push(Block::Paragraph(text(l(
        "Les copies de sauvegarde sont chiffrées et détruites au plus tard 12 mois après leur création.",
        "Backup copies are encrypted and destroyed at most 12 months after they were made.",
    ))));

    b.push(heading(&l("Vos droits", "Your rights")));
    for (fr_text, en_text) in [
        (
            "Rectification : faire corriger des données inexactes ou incomplètes.",
            "Correction: to have inaccurate or incomplete data corrected.",
        ),
        ("Effacement : faire effacer vos données.", "Erasure: to have your data erased."),
        (
            "Opposition : vous opposer à ce que nous gardions votre candidature pour de futures offres.",
            "Objection: to object to our keeping your application for future offers.",
        ),
        (
            "Limitation : demander que l'usage de vos données soit limité.",
            "Restriction: to ask that the use of your data be restricted.",
        ),
        (
            "Réclamation : vous pouvez adresser une réclamation à la CNIL (Commission nationale de l'informatique et des \
             libertés), l'autorité de contrôle, sur www.cnil.fr.",
            "Complaint: you may lodge a complaint with the CNIL (Commission nationale de l'informatique et des \
             libertés), the supervisory authority, at www.cnil.fr.",
        ),
    ] {
        b.push(Block::Item(text(l(fr_text, en_text))));
    }
    b.push(Block::Paragraph(text(l(
        "Pour exercer ces droits, le plus simple est de répondre au dernier message échangé avec notre équipe des \
         ressources humaines. Nous répondons dans un délai d'un mois.",
        "To exercise these rights, the simplest way is to reply to the last message exchanged with our \
         human-resources team. We answer within one month.",
    ))));

    let c = &f.company;
    let mut company_lines: Vec<String> =
        c.address.iter().flat_map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)).collect();
    company_lines.extend(c.registration.clone());
    let mut recipient = vec![f.candidate_name.clone()];
    recipient.extend(f.emails.iter().cloned());
    let mut signature: Vec<String> = c.signatory.iter().cloned().collect();
    signature.extend(c.signatory_title.clone());
    signature.push(employer.clone());
    pdf::Letter {
        title: l("Vos données personnelles", "Your personal data") + " — " + &f.candidate_name,
        author: employer.clone(),
        created: f.generated,
        company: employer,
        company_lines,
        logo: c.logo.clone(),
        recipient,
        date_line: if fr { format!("Le {}", date(Lang::Fr, today)) } else { date(Lang::En, today) },
        blocks: b,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts(lang: Lang, rule: Rule, source: (&str, Option<&str>)) -> SummaryFacts {
        SummaryFacts {
            lang,
            company: Company { name: Some("Atelier Vivier SAS".into()), ..Company::default() },
            candidate_name: "Zoë Durand".into(),
            emails: vec!["zoe@example.org".into()],
            source: (source.0.into(), source.1.map(str::to_owned)),
            categories: vec![(Category::Identity, 2), (Category::Documents, 1)],
            retention: Retention {
                due: NaiveDate::from_ymd_opt(2028, 3, 1),
                rule,
                held: false,
                pool_months: 24,
                hired_years: None,
                objected: false,
            },
            generated: Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap(),
        }
    }

    fn all_text(l: &pdf::Letter) -> String {
        l.blocks.iter().map(Block::text).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn the_summary_says_the_date_the_rule_the_agency_and_the_cnil_in_each_language() {
        let fr = all_text(&letter(&facts(Lang::Fr, Rule::Pool, ("agency", Some("Talents & Co")))));
        assert!(fr.contains("1er mars 2028"), "{fr}");
        assert!(fr.contains("24 mois"), "{fr}");
        assert!(fr.contains("l'agence de recrutement Talents & Co"), "{fr}");
        assert!(fr.contains("CNIL") && fr.contains("www.cnil.fr"), "{fr}");
        assert!(fr.contains("Atelier Vivier SAS"), "{fr}");
        let en = all_text(&letter(&facts(Lang::En, Rule::Pool, ("direct", None))));
        assert!(en.contains("1 March 2028") || en.contains("March 1, 2028"), "{en}");
        assert!(en.contains("directly") && en.contains("CNIL") && en.contains("supervisory authority"), "{en}");
        assert!(!en.contains("agency"), "{en}");
    }

    #[test]
    fn categories_are_only_those_held() {
        let en = all_text(&letter(&facts(Lang::En, Rule::Pool, ("direct", None))));
        assert!(en.contains("documents (CVs"), "{en}");
        assert!(!en.contains("hiring details"), "{en}");
    }

    #[test]
    fn an_objection_drops_the_future_offers_purpose() {
        let mut f = facts(Lang::En, Rule::Objection, ("direct", None));
        f.retention.objected = true;
        let en = all_text(&letter(&f));
        assert!(!en.contains("Contacting you about future job offers"), "{en}");
        assert!(en.contains("You objected"), "{en}");
    }
}
