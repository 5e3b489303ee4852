//! Offer letters through the engine, checked by the tools a reader would use: `qpdf
//! --check` finds the file sound, `pdffonts` lists only embedded subset fonts, `pdftotext`
//! gives back the letter's text (four names in four scripts), `pdftoppm` draws every page
//! (one PNG is kept under target/ to look at). Bad input gets a clear error and stores
//! nothing; a regenerated letter supersedes the earlier one; a purge takes them all.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use sha2::{Digest, Sha256};
use vivier::db::Store;
use vivier::error::Code;
use vivier::letters::format::Lang;
use vivier::letters::offer::OfferInput;
use vivier::letters::{Company, LetterData, SHIPPED, compose, pdf};
use vivier::pipeline::{PipelineError, Stage};

const NAMES: [&str; 4] = ["Łukasz Żółć-Nguyễn", "Zoë O'Brien-Müller", "Ярослава Ковальчук", "Σοφία Παπαδοπούλου"];

/// A small PNG logo with transparency, made here.
fn logo_png() -> Vec<u8> {
    let (w, h) = (60u32, 24u32);
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let on = (x / 6 + y / 6) % 2 == 0;
            data.extend_from_slice(&[20, 80, 160, if on { 255 } else { 0 }]);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

fn company() -> Company {
    Company {
        name: Some("Atelier Vivier SAS".into()),
        address: Some("12 rue des Lilas\n75011 Paris".into()),
        registration: Some("SIRET 123 456 789 00012".into()),
        signatory: Some("Claire Martin".into()),
        signatory_title: Some("Directrice des ressources humaines".into()),
        logo: Some(logo_png()),
    }
}

/// A store with one application of Łukasz at the offer stage; (store dir, application).
fn at_offer(s: &mut Store) -> String {
    let job = job(s, t(2026, 10, 1), "FR");
    let c = person(s, t(2026, 10, 1), NAMES[0], "lukasz@example.org");
    let app = s.apply(&hr(t(2026, 10, 1)), &c, &job).unwrap().uuid;
    for st in [Stage::Screening, Stage::Interview, Stage::Offer] {
        s.move_stage(&hr(t(2026, 11, 2)), &app, st, None).unwrap();
    }
    s.set_company(&hr(t(2026, 11, 2)), company()).unwrap();
    app
}

fn good_offer() -> OfferInput {
    OfferInput {
        position: Some("Ingénieur données".into()),
        contract: Some("cdi".into()),
        start_date: Some("2027-01-04".into()),
        salary: Some("45 000".into()),
        working_time: Some("35 heures par semaine".into()),
        trial_period: Some("4 mois, renouvelable une fois".into()),
        place: Some("Paris 11e".into()),
        manager: Some(NAMES[1].into()),
        answer_by: Some("2026-12-15".into()),
        clauses: Some(vec![
            format!("Vous travaillerez avec {} et {}.", NAMES[2], NAMES[3]),
            "Télétravail possible deux jours par semaine.".into(),
        ]),
        ..OfferInput::default()
    }
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("letters");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (Makefile TEST_PACKAGES: qpdf, poppler-utils): {e}"))
}

/// qpdf, pdffonts, pdftotext and pdftoppm on a letter; returns its text and page count.
fn check_with_tools(pdf: &Path, keep_png: Option<&str>) -> (String, usize) {
    let p = pdf.to_str().unwrap();
    let q = tool("qpdf", &["--check", p]);
    let q_out = String::from_utf8_lossy(&q.stdout).into_owned() + &String::from_utf8_lossy(&q.stderr);
    assert!(q.status.success(), "qpdf --check: {q_out}");
    assert!(!q_out.contains("WARNING"), "qpdf warns: {q_out}");

    let fonts = tool("pdffonts", &[p]);
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        assert!(cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+', "not a subset: {row}");
        assert_eq!(&cols[cols.len() - 5..cols.len() - 2], ["yes", "yes", "yes"], "emb sub uni: {row}");
        assert!(row.contains("CID TrueType") && row.contains("Identity-H"), "{row}");
    }

    let text = tool("pdftotext", &["-enc", "UTF-8", p, "-"]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();

    let info = tool("pdfinfo", &[p]);
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap_or_else(|| panic!("{info}"));

    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let r = tool("pdftoppm", &["-png", "-r", "50", p, prefix.to_str().unwrap()]);
    assert!(r.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&r.stderr));
    let pngs = files_under(dir.path());
    assert_eq!(pngs.len(), pages, "every page is drawn");
    for png in &pngs {
        assert!(std::fs::metadata(png).unwrap().len() > 1000, "{png:?} is blank");
    }
    if let Some(name) = keep_png {
        let mut pngs = pngs;
        pngs.sort();
        std::fs::copy(&pngs[0], artifacts().join(name)).unwrap();
    }
    (text, pages)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_letter_prints_every_name_and_passes_qpdf_and_poppler() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let app = at_offer(&mut s);
    s.set_offer(&hr(t(2026, 12, 1)), &app, good_offer()).unwrap();
    let (letter, bytes) = s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, None).unwrap();
    assert_eq!(letter.document.kind, "offer_letter");
    assert_eq!(letter.pages, 1);
    let path = artifacts().join("offer-fr.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (text, pages) = check_with_tools(&path, Some("offer-fr-page1.png"));
    assert_eq!(pages, 1);
    let text = flat(&text);
    for name in NAMES {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    assert!(text.contains("Le 1er décembre 2026"), "{text}");
    assert!(text.contains("45\u{202f}000\u{a0}€") || text.contains("45 000 €"), "{text}");
    assert!(text.contains("page 1 / 1"), "{text}");
    assert!(text.contains("Atelier Vivier SAS") && text.contains("Claire Martin"), "{text}");

    // English, from the same offer.
    let (_, bytes) = s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, Some(Lang::En)).unwrap();
    let path = artifacts().join("offer-en.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (text, _) = check_with_tools(&path, Some("offer-en-page1.png"));
    let text = flat(&text);
    assert!(text.contains("€45,000") && text.contains("1 December 2026"), "{text}");
    assert!(text.contains("4 January 2027"), "{text}");

    let info = tool("pdfinfo", &[path.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.contains("Offer of employment") && info.contains("Atelier Vivier SAS"), "{info}");
}

fn fixed_data() -> LetterData {
    LetterData {
        lang: Lang::Fr,
        candidate_name: NAMES[0].into(),
        candidate_address: Some("3 place Bellecour, 69002 Lyon".into()),
        job_title: "Data engineer".into(),
        job_location: None,
        offer: Some(good_offer().validated(day(2026, 12, 1)).unwrap()),
        company: company(),
        today: day(2026, 12, 1),
        created: t(2026, 12, 1),
    }
}

#[test]
fn the_same_letter_and_date_give_the_same_bytes() {
    let (letter, _) = compose(&fixed_data(), SHIPPED[0].2).unwrap();
    let a = pdf::render(&letter).unwrap();
    let b = pdf::render(&letter).unwrap();
    assert_eq!(a, b);
    let hash = hex::encode(Sha256::digest(&a));
    // The golden hash: a change to the writer, the fonts or the template changes it; look at
    // the PNG of the first test, then update it here.
    assert_eq!(hash, GOLDEN, "the letter's bytes changed ({} bytes)", a.len());
    let mut later = fixed_data();
    later.created = t(2026, 12, 2);
    later.today = day(2026, 12, 2);
    let (letter, _) = compose(&later, SHIPPED[0].2).unwrap();
    assert_ne!(pdf::render(&letter).unwrap(), a, "another date, other bytes");
}

const GOLDEN: &str = "96a9c56b0350e0488b3d0d93058cee4630cef199e7017163f6984bd83eb98a77";

fn code(e: PipelineError) -> (Code, String) {
    (e.code(), e.to_string())
}

#[test]
fn bad_offers_are_refused_with_what_to_do_and_nothing_stored() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let app = at_offer(&mut s);
    let (c, m) = code(
        s.set_offer(&hr(t(2026, 12, 1)), &app, OfferInput { salary: Some("abc".into()), ..good_offer() }).unwrap_err(),
    );
    assert_eq!(c, Code::InvalidInput);
    assert!(m.contains("salary \"abc\" is not an amount"), "{m}");
    let (_, m) = code(
        s.set_offer(&hr(t(2026, 12, 1)), &app, OfferInput { start_date: Some("2026-11-02".into()), ..good_offer() })
            .unwrap_err(),
    );
    assert!(m.contains("in the past"), "{m}");
    let (_, m) = code(
        s.set_offer(&hr(t(2026, 12, 1)), &app, OfferInput { contract: Some("cdd".into()), ..good_offer() })
            .unwrap_err(),
    );
    assert!(m.contains("a CDD needs an end date") && m.contains("reason"), "{m}");
    assert!(s.offer(&hr(t(2026, 12, 1)), &app).unwrap().offer.is_none(), "nothing stored");

    // No letter without offer details: every missing field named at once.
    let (c, m) = code(s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, None).unwrap_err());
    assert_eq!(c, Code::MergeFields);
    assert!(m.contains("offer.position") && m.contains("offer.salary") && m.contains("offer.start_date"), "{m}");

    // An application still at interview takes no offer.
    let job = job(&mut s, t(2026, 10, 1), "FR");
    let c2 = person(&mut s, t(2026, 10, 1), NAMES[3], "sofia@example.org");
    let app2 = s.apply(&hr(t(2026, 10, 1)), &c2, &job).unwrap().uuid;
    s.move_stage(&hr(t(2026, 11, 1)), &app2, Stage::Interview, None).unwrap();
    let (c, m) = code(s.set_offer(&hr(t(2026, 12, 1)), &app2, good_offer()).unwrap_err());
    assert_eq!(c, Code::StageGate, "{m}");
    assert!(m.contains("offer stage"), "{m}");
    let (c, _) = code(s.generate_offer_letter(&hr(t(2026, 12, 1)), &app2, None, None).unwrap_err());
    assert_eq!(c, Code::StageGate);
    let docs: i64 = s.connection().query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
    assert_eq!(docs, 0, "no letter stored");
}

#[test]
fn templates_are_checked_before_they_are_stored() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let app = at_offer(&mut s);
    s.set_offer(&hr(t(2026, 12, 1)), &app, good_offer()).unwrap();
    let stamp = hr(t(2026, 12, 1));

    let (c, m) = code(
        s.save_letter_template(
            &stamp,
            "short",
            Some(Lang::En),
            "# Offer\n\nDear **{{candidate.full_name}},\n\nBye",
            true,
        )
        .unwrap_err(),
    );
    assert_eq!(c, Code::TemplateSyntax);
    assert!(m.contains("line 3, column 6"), "{m}");

    let (c, m) = code(
        s.save_letter_template(&stamp, "short", Some(Lang::En), "Dear {{candidate.fullname}}, {{offer.salry}}", true)
            .unwrap_err(),
    );
    assert_eq!(c, Code::MergeFields);
    assert!(m.contains("candidate.fullname") && m.contains("offer.salry"), "{m}");

    let (c, _) = code(
        s.save_letter_template(
            &stamp,
            "short",
            Some(Lang::En),
            "{{candidate.full_name}}, syndiqué à la CGT depuis 2015 ?",
            true,
        )
        .unwrap_err(),
    );
    assert_eq!(c, Code::SensitiveData);
    assert_eq!(s.letter_templates().unwrap().len(), 2, "only the shipped ones");

    // A known field without a value: named before any rendering.
    s.save_letter_template(
        &stamp,
        "short",
        Some(Lang::En),
        "Dear {{candidate.full_name}},\n\nYour address: {{candidate.address}}.",
        true,
    )
    .unwrap();
    let (c, m) = code(s.generate_offer_letter(&stamp, &app, Some("short"), None).unwrap_err());
    assert_eq!(c, Code::MergeFields);
    assert!(m.contains("candidate.address"), "{m}");
    // Edited shipped template: stored under its name, used from then on.
    let body = SHIPPED[1].2.replace("We look forward to welcoming you.", "Welcome aboard, truly.");
    let t2 = s.save_letter_template(&stamp, "offer-en", None, &body, false).unwrap();
    assert!(t2.shipped && t2.edited);
    let (_, bytes) = s.generate_offer_letter(&stamp, &app, Some("offer-en"), None).unwrap();
    let path = artifacts().join("edited.pdf");
    std::fs::write(&path, bytes).unwrap();
    let (text, _) = check_with_tools(&path, None);
    assert!(flat(&text).contains("Welcome aboard, truly."));
}

#[test]
fn ten_pages_of_clauses_and_a_ten_thousand_character_word_print_whole() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let app = at_offer(&mut s);
    let clause = "Le salarié s'engage à respecter la charte informatique, les règles de sécurité du site et \
                  la confidentialité des informations dont il aura connaissance dans l'exercice de ses fonctions, \
                  pendant toute la durée du contrat et après son terme.";
    let mut clauses: Vec<String> = (1..=120).map(|i| format!("Clause {i}. {clause}")).collect();
    clauses.push(format!("Mot : {}", "x".repeat(10_000)));
    clauses.push("Dernière clause.".into());
    s.set_offer(&hr(t(2026, 12, 1)), &app, OfferInput { clauses: Some(clauses), ..good_offer() }).unwrap();
    let (letter, bytes) = s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, None).unwrap();
    assert!(letter.pages >= 10, "{} pages", letter.pages);
    let path = artifacts().join("long.pdf");
    std::fs::write(&path, bytes).unwrap();
    let (text, pages) = check_with_tools(&path, Some("long-last-check-page1.png"));
    assert_eq!(pages, letter.pages);
    let flat_text = flat(&text);
    assert!(flat_text.contains("Clause 120."), "the last numbered clause");
    assert!(flat_text.contains("Dernière clause."));
    assert!(flat_text.contains(&format!("page {pages} / {pages}")));
    let xs = text.chars().filter(|c| *c == 'x').count();
    assert!(xs >= 10_000, "the long word is printed whole, broken over lines ({xs})");
}

#[test]
fn a_regenerated_letter_supersedes_the_earlier_and_a_purge_takes_them_all() {
    let d = TempDataDir::with_passphrase();
    let mut s = d.open().unwrap();
    let app = at_offer(&mut s);
    s.set_offer(&hr(t(2026, 12, 1)), &app, good_offer()).unwrap();
    let (first, _) = s.generate_offer_letter(&hr(t(2026, 12, 1)), &app, None, None).unwrap();
    s.set_offer(&hr(t(2026, 12, 2)), &app, OfferInput { salary: Some("48000".into()), ..OfferInput::default() })
        .unwrap();
    let (second, bytes) = s.generate_offer_letter(&hr(t(2026, 12, 2)), &app, None, None).unwrap();
    assert_eq!(second.superseded, vec![first.document.uuid.clone()]);
    let letters = s.offer_letters(&app).unwrap();
    assert_eq!(letters.len(), 2);
    assert_eq!(letters[0].0.uuid, second.document.uuid);
    assert!(letters[0].1.is_none() && letters[1].1.is_some(), "the earlier is marked superseded, and kept");

    let candidate = second.document.candidate_uuid.clone();
    let profile = s.profile(&hr(t(2026, 12, 2)), &candidate).unwrap();
    let kinds: Vec<_> = profile.documents.iter().map(|d| (d.kind.as_str(), d.superseded_at.is_some())).collect();
    assert_eq!(kinds, vec![("offer_letter", true), ("offer_letter", false)]);
    let (_, text) = s.document_text(&hr(t(2026, 12, 2)), &second.document.uuid, false).unwrap();
    assert!(text.unwrap().contains("48\u{202f}000"), "the stored text is the new offer's");
    assert!(contains(&bytes, b"%PDF-1.7"));

    // Moving the application back erases the offer details (promise P3).
    s.move_stage(&hr(t(2026, 12, 3)), &app, Stage::Interview, None).unwrap();
    s.move_stage(&hr(t(2026, 12, 3)), &app, Stage::Offer, None).unwrap();
    assert!(s.offer(&hr(t(2026, 12, 3)), &app).unwrap().offer.is_none());
    s.set_offer(&hr(t(2026, 12, 3)), &app, good_offer()).unwrap();

    // An erasure: the letters, the offer and everything else go.
    s.move_stage(&hr(t(2026, 12, 4)), &app, Stage::Withdrawn, None).unwrap();
    let outcome = s.confirm_erasure(&hr(t(2026, 12, 5)), &candidate).unwrap();
    let purged = outcome.purged.expect("purged at once");
    assert_eq!(purged.counts.letters, 2, "{:?}", purged.counts);
    for table in ["documents", "offers"] {
        let n: i64 = s.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{table} keeps rows after the purge");
    }
}

fn s(v: &serde_json::Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn the_command_line_sets_an_offer_renders_and_stores_the_letter() {
    let c = CliDir::new();
    let a = c.ok(&["candidate", "add", "--name", NAMES[2], "--email", "yaroslava@example.org"]);
    let job = c.ok(&["job", "add", "--title", "Data engineer"]);
    let app = c.ok(&["apply", s(&a["uuid"]), s(&job["uuid"])]);
    let app = s(&app["uuid"]).to_owned();
    let offer = ["offer", "set", &app, "--position", "Data engineer", "--contract", "cdi"];
    let more =
        ["--start-date", "2030-01-07", "--salary", "52 000", "--clause", "Clause one.", "--clause", "Clause two."];
    let args: Vec<&str> = offer.iter().chain(more.iter()).copied().collect();
    // At new: refused by the stage gate (exit 22).
    let v = c.fails(&args, 22, "stage_gate");
    assert!(s(&v["error"]["message"]).contains("offer stage"), "{v}");
    for st in ["screening", "interview", "offer"] {
        c.ok(&["stage", &app, st]);
    }
    let v = c.fails(&["offer", "set", &app, "--salary", "abc"], 22, "invalid_input");
    assert!(s(&v["error"]["message"]).contains("\"abc\""), "{v}");
    let v = c.ok(&args);
    assert_eq!(v["offer"]["salary_cents"], 5_200_000);
    assert_eq!(v["offer"]["clauses"].as_array().unwrap().len(), 2);
    let shown = c.ok(&["offer", "show", &app]);
    assert_eq!(shown["offer"]["position"], "Data engineer");

    // No company yet: the missing fields are named, nothing written.
    let out = c.data.tmp.path().join("offer.pdf");
    let o = out.to_str().unwrap();
    let v = c.fails(&["letter", "render", &app, "--lang", "en", "-o", o], 22, "merge_fields");
    assert!(s(&v["error"]["message"]).contains("company.name"), "{v}");
    assert!(!out.exists());
    c.ok(&["company", "set", "--name", "Atelier Vivier", "--signatory", "Claire Martin", "--address", "Paris"]);
    let v = c.ok(&["letter", "render", &app, "--lang", "en", "-o", o]);
    assert_eq!(v["letter"]["document"]["kind"], "offer_letter");
    let (text, pages) = check_with_tools(&out, None);
    assert_eq!(pages, 1);
    assert!(flat(&text).contains(NAMES[2]) && flat(&text).contains("€52,000"), "{text}");

    // Templates: list, a syntax error with its place, an added one used.
    let list = c.ok(&["template", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    let bad = c.data.tmp.path().join("bad.txt");
    std::fs::write(&bad, "# Title\n\n{{#if offer.manager}}\nHello").unwrap();
    let v = c.fails(&["template", "add", "mine", bad.to_str().unwrap(), "--lang", "en"], 22, "template_syntax");
    assert!(s(&v["error"]["message"]).contains("line 3"), "{v}");
    let good = c.data.tmp.path().join("good.txt");
    std::fs::write(&good, "# Offer\n\nDear {{candidate.full_name}}, you start on {{offer.start_date}}.").unwrap();
    c.ok(&["template", "add", "short-en", good.to_str().unwrap(), "--lang", "en"]);
    let v = c.ok(&["letter", "render", &app, "--template", "short-en", "-o", o, "--force"]);
    assert_eq!(v["letter"]["superseded"].as_array().unwrap().len(), 1, "{v}");
    let (text, _) = check_with_tools(&out, None);
    assert!(flat(&text).contains("you start on 7 January 2030"), "{text}");
    let profile = c.ok(&["candidate", "show", s(&a["uuid"])]);
    let docs = profile["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2, "{profile}");
    assert!(docs.iter().all(|d| d["kind"] == "offer_letter"));
}

#[test]
fn no_heading_is_left_alone_at_the_foot_of_a_page() {
    let mut body = String::from("# Sections\n\n");
    for i in 1..=60 {
        body.push_str(&format!(
            "## Section {i}\n\nParagraph {i} of {{{{candidate.full_name}}}}: {}\n\n",
            "des mots qui remplissent une ligne puis une autre ".repeat(1 + i % 4)
        ));
    }
    let (letter, _) = compose(&fixed_data(), &body).unwrap();
    let bytes = pdf::render(&letter).unwrap();
    let path = artifacts().join("headings.pdf");
    std::fs::write(&path, bytes).unwrap();
    let (_, pages) = check_with_tools(&path, None);
    assert!(pages >= 4, "{pages}");
    for n in 1..=pages {
        let page = n.to_string();
        let out = tool("pdftotext", &["-enc", "UTF-8", "-f", &page, "-l", &page, path.to_str().unwrap(), "-"]);
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> =
            text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("page ")).collect();
        let last = lines.last().copied().unwrap_or_default();
        assert!(!last.starts_with("Section "), "page {n} ends with the heading \"{last}\"");
    }
}

/// `pdfimages -list` rows: (type, encoding) of each image.
fn images(path: &Path) -> Vec<(String, String)> {
    let out = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[2].to_owned(), c[8].to_owned())
        })
        .collect()
}

#[test]
fn a_jpeg_logo_goes_in_as_it_is_and_a_png_logo_with_its_transparency() {
    // A JPEG made by poppler from a page of a letter.
    let (letter, _) = compose(&fixed_data(), SHIPPED[0].2).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.pdf");
    std::fs::write(&source, pdf::render(&letter).unwrap()).unwrap();
    let prefix = dir.path().join("logo");
    let r = tool("pdftoppm", &["-jpeg", "-r", "12", "-singlefile", source.to_str().unwrap(), prefix.to_str().unwrap()]);
    assert!(r.status.success());
    let jpeg = std::fs::read(dir.path().join("logo.jpg")).unwrap();

    let mut data = fixed_data();
    data.company.logo = Some(jpeg.clone());
    let (letter, _) = compose(&data, SHIPPED[0].2).unwrap();
    let bytes = pdf::render(&letter).unwrap();
    assert!(contains(&bytes, &jpeg), "the JPEG is embedded byte for byte");
    let path = artifacts().join("jpeg-logo.pdf");
    std::fs::write(&path, &bytes).unwrap();
    check_with_tools(&path, Some("jpeg-logo-page1.png"));
    assert_eq!(images(&path), vec![("image".to_owned(), "jpeg".to_owned())]);

    let (letter, _) = compose(&fixed_data(), SHIPPED[0].2).unwrap();
    let path = artifacts().join("png-logo.pdf");
    std::fs::write(&path, pdf::render(&letter).unwrap()).unwrap();
    let found = images(&path);
    assert!(found.contains(&("image".to_owned(), "image".to_owned())), "{found:?}");
    assert!(found.contains(&("smask".to_owned(), "image".to_owned())), "the alpha as a soft mask: {found:?}");

    // Anything else is refused by name.
    let mut bad = fixed_data();
    bad.company.logo = Some(b"GIF89a....".to_vec());
    let (letter, _) = compose(&bad, SHIPPED[0].2).unwrap();
    let e = pdf::render(&letter).unwrap_err();
    assert!(e.to_string().contains("logo") && e.to_string().contains("PNG"), "{e}");
}
