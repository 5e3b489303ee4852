//! The offer-letter commands: `vivier offer set|show` for an application's offer details,
//! `vivier letter render` to make (and store) its letter, `vivier template list|show|edit|add`
//! for the templates, `vivier company set|show` for the letterhead. The rules are the
//! engine's; these parse arguments, make one engine call and print the answer.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use vivier::db::Store;
use vivier::error::Code;
use vivier::letters::format::{self, Lang};
use vivier::letters::offer::OfferInput;
use vivier::letters::{Company, OfferRecord};

use super::pipeline::{stamp, write_private};
use super::{Failure, out};

#[derive(Debug, Subcommand)]
pub enum OfferCommand {
    /// Set offer details on an application at the offer stage (refused before). Options not
    /// given keep their value; the whole offer is checked, every problem named at once.
    Set(Box<OfferArgs>),
    /// Show an application's offer details (audited as a view).
    Show { application: String },
}

#[derive(Debug, Args)]
pub struct OfferArgs {
    application: String,
    #[arg(long)]
    position: Option<String>,
    /// cdi, cdd, internship or freelance.
    #[arg(long)]
    contract: Option<String>,
    /// A CDD's (or an internship's) last day, YYYY-MM-DD.
    #[arg(long)]
    end_date: Option<String>,
    /// Why the contract is fixed-term (a CDD needs one).
    #[arg(long)]
    cdd_reason: Option<String>,
    /// YYYY-MM-DD, today or later.
    #[arg(long)]
    start_date: Option<String>,
    /// Gross annual salary: 45000, "45 000", 45000.50.
    #[arg(long)]
    salary: Option<String>,
    /// EUR (the default), GBP, USD or CHF.
    #[arg(long)]
    currency: Option<String>,
    #[arg(long)]
    working_time: Option<String>,
    #[arg(long)]
    trial_period: Option<String>,
    /// Place of work.
    #[arg(long)]
    place: Option<String>,
    #[arg(long)]
    manager: Option<String>,
    /// The date by which the candidate answers, YYYY-MM-DD.
    #[arg(long)]
    answer_by: Option<String>,
    /// An extra clause (repeat for several); replaces the clauses already set.
    #[arg(long = "clause")]
    clauses: Vec<String>,
    /// Remove every extra clause.
    #[arg(long, conflicts_with = "clauses")]
    no_clauses: bool,
}

#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// Render an application's offer letter to a PDF file and store it with the candidate
    /// (an earlier letter of the application is kept, marked superseded).
    Render {
        application: String,
        /// A template name (`vivier template list`); by default the shipped one of the language.
        #[arg(long)]
        template: Option<String>,
        /// fr or en; by default the template's, else the candidate's language.
        #[arg(long)]
        lang: Option<String>,
        /// Where to write the PDF.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// The templates: shipped (FR, EN) and added ones.
    List,
    /// Print a template's markup.
    Show { name: String },
    /// Replace a template's markup with a file's (a shipped one's edit is stored under its name).
    Edit {
        name: String,
        /// A UTF-8 markup file.
        file: PathBuf,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Add a template from a file.
    Add {
        name: String,
        file: PathBuf,
        /// fr or en.
        #[arg(long)]
        lang: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Set the company's details printed on letters (options not given keep their value).
    Set {
        #[arg(long)]
        name: Option<String>,
        /// Lines separated by "\n" or commas.
        #[arg(long)]
        address: Option<String>,
        /// SIRET, company number, …
        #[arg(long)]
        registration: Option<String>,
        #[arg(long)]
        signatory: Option<String>,
        #[arg(long)]
        signatory_title: Option<String>,
        /// A PNG or JPEG logo file.
        #[arg(long)]
        logo: Option<PathBuf>,
    },
    /// Show the company's details.
    Show,
}

fn lang(raw: Option<&str>) -> Result<Option<Lang>, Failure> {
    raw.map(|l| {
        Lang::parse(l).ok_or_else(|| Failure { code: Code::Usage, message: format!("--lang \"{l}\" is not fr or en") })
    })
    .transpose()
}

fn read_text(path: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure {
        code: Code::Usage,
        message: format!("cannot read {} as UTF-8 text: {e}", path.display()),
    })
}

fn print_offer(w: &mut dyn Write, r: &OfferRecord) {
    let _ = writeln!(w, "Application {} at {}", r.application_uuid, r.stage);
    let Some(o) = &r.offer else {
        let _ = writeln!(
            w,
            "  {}",
            if r.collectable {
                "No offer details yet (`vivier offer set APPLICATION --position … --contract cdi --start-date … --salary …`)."
            } else {
                "Offer details are entered only from the offer stage."
            }
        );
        return;
    };
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let lines = [
        ("position", Some(o.position.clone())),
        ("contract", Some(o.contract.as_str().to_owned())),
        ("end date", o.end_date.map(day)),
        ("CDD reason", o.cdd_reason.clone()),
        ("start date", Some(day(o.start_date))),
        ("salary", Some(format::amount(Lang::En, o.salary_cents, &o.currency))),
        ("working time", o.working_time.clone()),
        ("trial period", o.trial_period.clone()),
        ("place", o.place.clone()),
        ("manager", o.manager.clone()),
        ("answer by", o.answer_by.map(day)),
    ];
    for (label, value) in lines {
        if let Some(v) = value {
            let _ = writeln!(w, "  {label:<13} {v}");
        }
    }
    for (i, c) in o.clauses.iter().enumerate() {
        let _ = writeln!(w, "  clause {:<6} {c}", i + 1);
    }
}

pub fn offer(store: &mut Store, cmd: &OfferCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        OfferCommand::Set(a) => {
            let update = OfferInput {
                position: a.position.clone(),
                contract: a.contract.clone(),
                end_date: a.end_date.clone(),
                cdd_reason: a.cdd_reason.clone(),
                start_date: a.start_date.clone(),
                salary: a.salary.clone(),
                currency: a.currency.clone(),
                working_time: a.working_time.clone(),
                trial_period: a.trial_period.clone(),
                place: a.place.clone(),
                manager: a.manager.clone(),
                answer_by: a.answer_by.clone(),
                clauses: if a.no_clauses {
                    Some(Vec::new())
                } else if a.clauses.is_empty() {
                    None
                } else {
                    Some(a.clauses.clone())
                },
            };
            let r = store.set_offer(&stamp, &a.application, update)?;
            out(json, json!(r), |w| {
                let _ = writeln!(w, "Offer details saved.");
                print_offer(w, &r);
            });
        }
        OfferCommand::Show { application } => {
            let r = store.offer(&stamp, application)?;
            out(json, json!(r), |w| print_offer(w, &r));
        }
    }
    Ok(())
}

pub fn letter(store: &mut Store, cmd: &LetterCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    let LetterCommand::Render { application, template, lang: l, output, force } = cmd;
    if output.exists() && !force {
        return Err(Failure {
            code: Code::Usage,
            message: format!("{} exists; use --force to replace it", output.display()),
        });
    }
    let (record, bytes) = store.generate_offer_letter(&stamp, application, template.as_deref(), lang(l.as_deref())?)?;
    write_private(output, &bytes)
        .map_err(|e| Failure { code: Code::Io, message: format!("cannot write {}: {e}", output.display()) })?;
    out(json, json!({"letter": record, "written": output}), |w| {
        let _ = writeln!(
            w,
            "Wrote the offer letter ({} page{}, {} bytes) to {}; stored as document {}.",
            record.pages,
            if record.pages == 1 { "" } else { "s" },
            bytes.len(),
            output.display(),
            record.document.uuid
        );
        for s in &record.superseded {
            let _ = writeln!(w, "Earlier letter {s} is kept, marked superseded.");
        }
    });
    Ok(())
}

pub fn template(store: &mut Store, cmd: &TemplateCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    match cmd {
        TemplateCommand::List => {
            let list = store.letter_templates()?;
            let brief: Vec<_> = list
                .iter()
                .map(|t| json!({"name": t.name, "language": t.language, "shipped": t.shipped, "edited": t.edited}))
                .collect();
            out(json, json!(brief), |w| {
                for t in &list {
                    let how = match (t.shipped, t.edited) {
                        (true, false) => "shipped",
                        (true, true) => "shipped, edited",
                        _ => "added",
                    };
                    let _ = writeln!(w, "{:<24} {}  ({how})", t.name, t.language.as_str());
                }
            });
        }
        TemplateCommand::Show { name } => {
            let t = store.letter_template(name)?;
            out(json, json!(t), |w| {
                let _ = write!(w, "{}", t.body);
            });
        }
        TemplateCommand::Edit { name, file, lang: l } => {
            let body = read_text(file)?;
            let t = store.save_letter_template(&stamp, name, lang(l.as_deref())?, &body, false)?;
            out(json, json!(t), |w| {
                let _ = writeln!(w, "Template {} saved.", t.name);
            });
        }
        TemplateCommand::Add { name, file, lang: l } => {
            let body = read_text(file)?;
            let t = store.save_letter_template(&stamp, name, lang(Some(l))?, &body, true)?;
            out(json, json!(t), |w| {
                let _ = writeln!(w, "Template {} added.", t.name);
            });
        }
    }
    Ok(())
}

fn print_company(w: &mut dyn Write, c: &Company) {
    for (label, v) in [
        ("name", &c.name),
        ("address", &c.address),
        ("registration", &c.registration),
        ("signatory", &c.signatory),
        ("title", &c.signatory_title),
    ] {
        let _ = writeln!(w, "{label:<13} {}", v.as_deref().unwrap_or("(not set)").replace('\n', ", "));
    }
    let _ = writeln!(
        w,
        "{:<13} {}",
        "logo",
        c.logo.as_ref().map(|l| format!("{} bytes", l.len())).unwrap_or("(none)".into())
    );
}

pub fn company(store: &mut Store, cmd: &CompanyCommand, json: bool) -> Result<(), Failure> {
    let stamp = stamp();
    let shown = |c: &Company| {
        json!({"name": c.name, "address": c.address, "registration": c.registration, "signatory": c.signatory,
               "signatory_title": c.signatory_title, "logo_bytes": c.logo.as_ref().map(Vec::len)})
    };
    match cmd {
        CompanyCommand::Set { name, address, registration, signatory, signatory_title, logo } => {
            let logo = logo
                .as_ref()
                .map(|p| {
                    std::fs::read(p).map_err(|e| Failure {
                        code: Code::Usage,
                        message: format!("cannot read the logo {}: {e}", p.display()),
                    })
                })
                .transpose()?;
            let update = Company {
                name: name.clone(),
                address: address.as_ref().map(|a| a.replace("\\n", "\n")),
                registration: registration.clone(),
                signatory: signatory.clone(),
                signatory_title: signatory_title.clone(),
                logo,
            };
            let c = store.set_company(&stamp, update)?;
            out(json, shown(&c), |w| print_company(w, &c));
        }
        CompanyCommand::Show => {
            let c = store.company()?;
            out(json, shown(&c), |w| print_company(w, &c));
        }
    }
    Ok(())
}
