//! Offer-letter rendering times and sizes (issue 13), reported in docs/benchmarks.md: a
//! one-page letter (target ≤ 15 ms and ≤ 60 KB, fonts included) and a three-page one,
//! composed from the shipped French template and rendered by the lopdf writer, in process.
//! Figures are printed, never asserted.
//!
//! `cargo bench -p vivier --bench letters`

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use vivier::letters::format::Lang;
use vivier::letters::offer::OfferInput;
use vivier::letters::{Company, LetterData, SHIPPED, compose, pdf};

fn data(clauses: usize) -> LetterData {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let clause = "Le salarié s'engage à respecter la charte informatique, les règles de sécurité du site et la \
                  confidentialité des informations dont il aura connaissance dans l'exercice de ses fonctions.";
    let offer = OfferInput {
        position: Some("Ingénieur données".into()),
        contract: Some("cdi".into()),
        start_date: Some("2027-01-04".into()),
        salary: Some("45000".into()),
        working_time: Some("35 heures par semaine".into()),
        trial_period: Some("4 mois".into()),
        manager: Some("Zoë O'Brien-Müller".into()),
        answer_by: Some("2026-12-15".into()),
        clauses: Some((0..clauses).map(|i| format!("Clause {i}. {clause}")).collect()),
        ..OfferInput::default()
    };
    LetterData {
        lang: Lang::Fr,
        candidate_name: "Łukasz Żółć-Nguyễn".into(),
        candidate_address: Some("3 place Bellecour, 69002 Lyon".into()),
        job_title: "Data engineer".into(),
        job_location: None,
        offer: Some(offer.validated(today).expect("a valid offer")),
        company: Company {
            name: Some("Atelier Vivier SAS".into()),
            address: Some("12 rue des Lilas\n75011 Paris".into()),
            registration: Some("SIRET 123 456 789 00012".into()),
            signatory: Some("Claire Martin".into()),
            signatory_title: Some("Directrice des ressources humaines".into()),
            logo: None,
        },
        today,
        created: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap_or_default(),
    }
}

fn measure(label: &str, clauses: usize) {
    let d = data(clauses);
    let mut times = Vec::new();
    let mut last = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        let (letter, _) = compose(&d, SHIPPED[0].2).expect("composes");
        last = pdf::render(&letter).expect("renders");
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |t: Duration| t.as_secs_f64() * 1000.0;
    let pages = String::from_utf8_lossy(&last).matches("/Type/Page/").count();
    println!(
        "{label}: {pages} page(s), median {:.2} ms (min {:.2}, p90 {:.2}), {:.1} KB",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() * 9 / 10]),
        last.len() as f64 / 1024.0
    );
}

fn main() {
    measure("one-page letter", 2);
    measure("three-page letter", 26);
}
