//! The UI's types, generated from the Rust types that cross the bridge: the payloads of
//! every command (the engine's types and the shell's own), the error codes and the stage
//! order, in one file, `ui/src/lib/generated.ts`, which `ui/src/lib/backend.ts` re-exports.
//! The test fails when the checked-in file differs from what the types give (so `cargo
//! test`, and CI, catch a type changed on one side only); with `VIVIER_WRITE_BINDINGS=1`
//! it rewrites the file instead:
//!
//! ```sh
//! VIVIER_WRITE_BINDINGS=1 cargo test -p vivier-app bindings
//! ```
//!
//! Types come from `ts-rs` derives, which follow the serde attributes (renames, tags).
//! 64-bit integers are written as `number`, as the UI uses them (counts and sizes, far
//! below 2^53); dates (`DateTime<Utc>`, `NaiveDate`) are strings.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{Config, TS, TypeVisitor};
use vivier::error::Code;
use vivier::pipeline::Stage;

use crate::commands::{backup, hiring, mail_settings, pipeline, store};
use crate::error::CommandError;

/// The generated file, from this crate's folder.
const GENERATED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/generated.ts");

const HEADER: &str = "\
// Generated from the Rust types by src-tauri/src/error/bindings.rs: do not edit by hand.
// Change the Rust types, then: VIVIER_WRITE_BINDINGS=1 cargo test -p vivier-app bindings
";

/// Every type a command takes or returns, and what they are made of, declared once each
/// in name order.
struct Declarations {
    cfg: Config,
    seen: HashSet<TypeId>,
    by_name: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only declared types (structs, enums) have a file of their own; primitives and
        // containers (`Vec<Job>`) are written inline, their contents visited by their user.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(&self.cfg);
        let declaration = format!("{}export {}", T::docs().unwrap_or_default(), T::decl(&self.cfg));
        // Two Rust types may stand for one TypeScript type (serde_json's `Value` and ts-rs's
        // `JsonValue`); two different declarations under one name would shadow each other.
        if let Some(other) = self.by_name.insert(name.clone(), declaration.clone())
            && other != declaration
        {
            panic!("two Rust types are both called {name} in TypeScript; rename one with #[ts(rename)]");
        }
        T::visit_dependencies(self);
    }
}

/// What `ui/src/lib/generated.ts` must hold.
fn generated() -> String {
    let mut d =
        Declarations { cfg: Config::new().with_large_int("number"), seen: HashSet::new(), by_name: BTreeMap::new() };
    // The error shape and the codes.
    d.visit::<CommandError>();
    d.visit::<Code>();
    // The store: status, opening, description.
    d.visit::<store::StoreStatus>();
    d.visit::<store::StoreInfo>();
    // The pipeline.
    d.visit::<vivier::pipeline::Job>();
    d.visit::<vivier::pipeline::NewJob>();
    d.visit::<vivier::pipeline::Board>();
    d.visit::<pipeline::CandidatePage>();
    d.visit::<pipeline::CandidateForm>();
    d.visit::<pipeline::EditForm>();
    d.visit::<vivier::pipeline::Candidate>();
    d.visit::<vivier::pipeline::Profile>();
    d.visit::<vivier::pipeline::Application>();
    d.visit::<pipeline::NoteForm>();
    d.visit::<vivier::pipeline::Note>();
    d.visit::<pipeline::AddedDocument>();
    d.visit::<pipeline::DocumentText>();
    d.visit::<vivier::pipeline::search::SearchHit>();
    // The guard, hiring data and custom fields.
    d.visit::<vivier::guard::Finding>();
    d.visit::<vivier::hiring::HiringRecord>();
    d.visit::<vivier::hiring::HiringDetails>();
    d.visit::<vivier::hiring::CustomField>();
    d.visit::<vivier::hiring::CustomValue>();
    d.visit::<hiring::FieldForm>();
    // Offer letters.
    d.visit::<vivier::letters::OfferRecord>();
    d.visit::<vivier::letters::offer::OfferInput>();
    d.visit::<vivier::letters::TemplateInfo>();
    d.visit::<vivier::letters::LetterRecord>();
    d.visit::<vivier::letters::Company>();
    // Retention and requests.
    d.visit::<vivier::retention::RetentionStatus>();
    d.visit::<vivier::retention::Upcoming>();
    d.visit::<vivier::retention::HoldInfo>();
    d.visit::<vivier::retention::PurgeLogEntry>();
    d.visit::<vivier::retention::PurgeReport>();
    d.visit::<vivier::retention::Withheld>();
    d.visit::<vivier::retention::StaleOpen>();
    d.visit::<vivier::retention::RetentionSettings>();
    d.visit::<vivier::requests::RequestOutcome>();
    // Mail intake.
    d.visit::<vivier::mail::Imported>();
    d.visit::<vivier::mail::intake::TriageItem>();
    d.visit::<vivier::mail::intake::Linked>();
    d.visit::<vivier::requests::register::Request>();
    d.visit::<vivier::requests::register::Confirmed>();
    // Backups.
    d.visit::<backup::BackupList>();
    d.visit::<vivier::backup::BackupInfo>();
    d.visit::<vivier::backup::RestorePlan>();
    d.visit::<vivier::backup::RestoreReport>();
    // Mail settings, the app's mail check, links in messages.
    d.visit::<mail_settings::MailSettings>();
    d.visit::<mail_settings::ImapForm>();
    d.visit::<mail_settings::SmtpForm>();
    d.visit::<mail_settings::ImapTested>();
    d.visit::<crate::tasks::mail_poll::MailCheck>();
    d.visit::<vivier::mail::links::TextSegment>();
    // The access export.
    d.visit::<vivier::access::AccessArchive>();
    d.visit::<vivier::mail::compose::MailTemplateInfo>();
    d.visit::<vivier::mail::compose::ComposeRequest>();
    d.visit::<vivier::mail::compose::Preview>();
    d.visit::<vivier::mail::compose::Queued>();
    d.visit::<vivier::mail::compose::RenewalReport>();
    // The requests register.
    d.visit::<vivier::requests::register::Dashboard>();
    d.visit::<vivier::requests::register::Detail>();
    d.visit::<vivier::requests::register::Filter>();
    d.visit::<vivier::requests::NewRequest>();

    let mut out = String::from(HEADER);
    for declaration in d.by_name.values() {
        out.push('\n');
        out.push_str(declaration);
        out.push('\n');
    }
    out.push_str(&format!(
        "\n/** Every error code the engine and the app send (`vivier::error::Code::ALL`). */\n\
         export const ERROR_CODES: ErrorCode[] = {};\n",
        list(Code::ALL.iter().map(|c| c.as_str()))
    ));
    out.push_str(&format!(
        "\n/** The stages in board order (`vivier::pipeline::Stage::ALL`). */\n\
         export const STAGES: Stage[] = {};\n",
        list(Stage::ALL.iter().map(|s| s.as_str()))
    ));
    let progress: Vec<String> =
        Stage::ALL.iter().filter_map(|s| s.progress().map(|p| format!("  {}: {p},\n", s.as_str()))).collect();
    out.push_str(&format!(
        "\n/** Position on the way to a hire (`Stage::progress`); closed stages have none. */\n\
         export const STAGE_PROGRESS: Partial<Record<Stage, number>> = {{\n{}}};\n",
        progress.concat()
    ));
    out.push_str(&format!(
        "\n/** Hiring details may be collected from this stage on (`vivier::hiring::HIRING_FROM`). */\n\
         export const HIRING_FROM: Stage = '{}';\n",
        vivier::hiring::HIRING_FROM.as_str()
    ));
    out
}

/// A TypeScript array of strings, one per line.
fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(|s| format!("  '{s}',\n")).collect();
    format!("[\n{}]", items.concat())
}

#[test]
fn the_ui_types_are_generated_from_the_rust_types() {
    let expected = generated();
    let found = std::fs::read_to_string(GENERATED).unwrap_or_default();
    if found == expected {
        return;
    }
    if std::env::var("VIVIER_WRITE_BINDINGS").as_deref() == Ok("1") {
        std::fs::write(GENERATED, &expected).unwrap();
        return;
    }
    let first = found.lines().zip(expected.lines()).position(|(a, b)| a != b);
    let first = first.unwrap_or(found.lines().count().min(expected.lines().count()));
    panic!(
        "ui/src/lib/generated.ts differs from the Rust types (first at line {}: {:?}, expected {:?}). \
         Regenerate it: VIVIER_WRITE_BINDINGS=1 cargo test -p vivier-app bindings",
        first + 1,
        found.lines().nth(first).unwrap_or(""),
        expected.lines().nth(first).unwrap_or("")
    );
}
