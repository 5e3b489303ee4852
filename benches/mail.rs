//! Mail intake benchmark (issue 12), reported in docs/benchmarks.md: importing a
//! 10,000-message mbox (replies of realistic size with quoted history, a third with a PDF CV
//! attached) into the encrypted store holding 100,000 candidates, beside mail-parser's own
//! parse rate over the same file in the same run; resident memory sampled through the
//! import. The import is `Store::import_mail_measured`, the code path of `vivier mail
//! import` (batches of `mail::file::IMPORT_BATCH` messages, one transaction each, the PDFs
//! of a batch through one extraction child), with its time by phase. Figures are printed,
//! never asserted.
//!
//! A seeded data directory is prepared once (VIVIER_BENCH_PREPARED, default
//! /tmp/vivier-bench-mail-seeded; `dev seed`-like, VIVIER_BENCH_CANDIDATES default
//! 100,000, ~70 s); each run imports into a fresh copy of it.
//! `cargo bench -p vivier --bench mail`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use vivier::data_dir::{DataDir, Protection, Unlock};
use vivier::documents::{CHILD_ARG, Extractor};
use vivier::keys::Passphrase;
use vivier::mail::{ImportResult, Intake};
use vivier::pipeline::Stamp;

fn rss(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(|l| l[field.len() + 1..].trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "prepared" && entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            std::fs::File::open(to.join(entry.file_name())).unwrap().sync_all().unwrap();
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len() * 4 / 3 + bytes.len() / 38);
    for (i, c) in bytes.chunks(3).enumerate() {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            s.push(if k <= c.len() { A[((n >> (18 - 6 * k)) & 63) as usize] as char } else { '=' });
        }
        if i % 19 == 18 {
            s.push_str("\r\n");
        }
    }
    s
}

const REPLIES: [&str; 8] = [
    "Bonjour,\r\n\r\nMerci pour votre message. Je vous confirme ma disponibilit\u{e9} pour un entretien jeudi apr\u{e8}s-midi.\r\n\r\nBien cordialement,",
    "Hello,\r\n\r\nThanks for getting back to me. I'm available on Tuesday or Wednesday morning.\r\n\r\nBest regards,",
    "Bonjour,\r\n\r\nOui, vous pouvez conserver mon CV pour de futures offres.\r\n\r\nCordialement,",
    "Hi,\r\n\r\nPlease delete my personal data from your records.\r\n\r\nThanks,",
    "Bonjour,\r\n\r\nJe ne souhaite pas que mon CV soit conserv\u{e9}, merci.\r\n",
    "Hello,\r\n\r\nMy phone number has changed, it's now 06 11 22 33 44.\r\n\r\nKind regards,",
    "Bonjour,\r\n\r\nJ'ai accept\u{e9} une autre proposition, je retire donc ma candidature.\r\n",
    "Hi, could you tell me more about the team and the next steps?\r\n",
];

const QUOTED: &str = "> Bonjour,\r\n> \r\n> Nous revenons vers vous au sujet de votre candidature. Notre \u{e9}quipe a \
    bien \u{e9}tudi\u{e9} votre profil et souhaiterait \u{e9}changer avec vous.\r\n> Pourriez-vous nous indiquer vos \
    disponibilit\u{e9}s pour la semaine prochaine ?\r\n> \r\n> Bien cordialement,\r\n> L'\u{e9}quipe RH\r\n> \r\n\
    > Vos donn\u{e9}es personnelles sont trait\u{e9}es par Acme pour votre candidature et conserv\u{e9}es deux ans.\r\n";

fn message(i: usize, from: &str, pdf: Option<&str>) -> String {
    let date = "Tue, 1 Dec 2026 10:00:00 +0100";
    let reply = REPLIES[i % REPLIES.len()];
    let mut body = format!(
        "{reply}\r\nPr\u{e9}nom Nom\r\n\r\nLe lun. 30 nov. 2026 \u{e0} 09:00, RH Acme <rh@acme.example> a \u{e9}crit :\r\n"
    );
    for _ in 0..6 {
        body.push_str(QUOTED);
    }
    let head = format!(
        "From: Candidate {i} <{from}>\r\nTo: rh@acme.example\r\nSubject: Re: votre candidature\r\n\
         Message-ID: <bench-{i}@mail.example>\r\nDate: {date}\r\nMIME-Version: 1.0\r\n"
    );
    match pdf {
        None => format!(
            "{head}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
        ),
        Some(pdf) => format!(
            "{head}Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
             {body}\r\n--b{i}\r\nContent-Type: application/pdf; name=\"CV-{i}.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"CV-{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n--b{i}--\r\n"
        ),
    }
}

fn main() {
    let n: usize = std::env::var("VIVIER_BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let candidates: u64 = std::env::var("VIVIER_BENCH_CANDIDATES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let pass = Passphrase::new("bench passphrase for mail".into());
    let unlock = Unlock { keyring: None, passphrase: Some(&pass) };
    let prepared = PathBuf::from(
        std::env::var_os("VIVIER_BENCH_PREPARED").unwrap_or_else(|| "/tmp/vivier-bench-mail-seeded".into()),
    );
    if !prepared.join("prepared").exists() {
        let _ = std::fs::remove_dir_all(&prepared);
        let dir = DataDir::new(&prepared);
        dir.init(Protection::Passphrase(&pass)).unwrap();
        let mut store = dir.open(unlock).unwrap();
        let started = Instant::now();
        store.seed_synthetic(candidates, 50, 2000, 3000, 42, Utc::now()).unwrap();
        println!("seeded {candidates} candidates in {:.1} s", started.elapsed().as_secs_f64());
        drop(store);
        std::fs::write(prepared.join("prepared"), b"").unwrap();
    }
    let run = PathBuf::from("/tmp/vivier-bench-mail-run");
    copy_dir(&prepared, &run);
    let mut store = DataDir::new(&run).open(unlock).unwrap();
    let emails: Vec<String> = {
        let conn = store.connection();
        let mut stmt = conn.prepare("SELECT email FROM candidate_emails ORDER BY candidate_id LIMIT ?1").unwrap();
        stmt.query_map([n as i64], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let pdf = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents/pdf/cv-moderncv-fr.pdf")).unwrap();
    let pdf = base64(&pdf);
    // The mbox: a third with a PDF CV from new applicants, a tenth from unknown senders
    // (triage), the rest replies from candidates in the store.
    let mbox_path = std::env::temp_dir().join("vivier-bench-mail.mbox");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&mbox_path).unwrap());
        for i in 0..n {
            let (from, with_pdf) = if i % 3 == 0 {
                (format!("applicant{i}@apply.example"), true)
            } else if i % 10 == 1 {
                (format!("someone{i}@elsewhere.example"), false)
            } else {
                (emails.get(i % emails.len().max(1)).cloned().unwrap_or_else(|| format!("x{i}@y.example")), false)
            };
            let msg = message(i, &from, with_pdf.then_some(pdf.as_str()));
            write!(f, "From {from} Tue Dec  1 10:00:00 2026\r\n{msg}\r\n").unwrap();
        }
    }
    let size = std::fs::metadata(&mbox_path).unwrap().len();
    println!("mbox: {n} messages, {:.1} MB", size as f64 / 1e6);

    // mail-parser alone over the same file.
    let started = Instant::now();
    let mut parts = 0usize;
    let parser = mail_parser::MessageParser::default();
    for m in mail_parser::mailbox::mbox::MessageIterator::new(std::io::BufReader::new(
        std::fs::File::open(&mbox_path).unwrap(),
    )) {
        let m = m.unwrap();
        parts += parser.parse(m.contents()).map_or(0, |p| p.parts.len());
    }
    let raw_parse = started.elapsed();
    println!("mail-parser parse: {:.0} messages/s ({parts} parts)", n as f64 / raw_parse.as_secs_f64());

    let extractor = Extractor::new(env!("CARGO_BIN_EXE_vivier").into(), vec![CHILD_ARG.into()]);
    println!("RSS before import: {}", rss("VmRSS"));
    // Resident memory sampled every 100 ms through the import, on its own thread.
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let mut samples: Vec<(f64, u64)> = Vec::new();
            let started = Instant::now();
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                let kb = rss("VmRSS").trim_end_matches(" kB").trim().parse::<u64>().unwrap_or(0);
                samples.push((started.elapsed().as_secs_f64(), kb));
                std::thread::sleep(Duration::from_millis(100));
            }
            samples
        })
    };
    let started = Instant::now();
    let stamp = || Stamp::new("bench", Utc::now());
    let (imported, phases) = store
        .import_mail_measured(
            &stamp,
            "bench.mbox",
            std::io::BufReader::new(std::fs::File::open(&mbox_path).unwrap()),
            &extractor,
        )
        .unwrap();
    let import = started.elapsed();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for i in &imported {
        *outcomes
            .entry(match &i.result {
                ImportResult::Intake(Intake::Matched { .. }) => "matched",
                ImportResult::Intake(Intake::Triaged { .. }) => "triaged",
                ImportResult::Intake(Intake::Duplicate { .. }) => "duplicate",
                ImportResult::Rejected { .. } => "rejected",
                ImportResult::Failed { .. } => "failed",
            })
            .or_default() += 1;
    }
    let rate = n as f64 / import.as_secs_f64();
    println!("import: {n} messages in {:.2} s = {rate:.0} messages/s; {outcomes:?}", import.as_secs_f64());
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let total = import.as_secs_f64() * 1000.0;
    println!("phases (ms over the import, % of wall time):");
    for (name, d) in [
        ("parse (mail-parser + limits)", phases.parse),
        ("settings + dedup lookups", phases.read),
        ("reply cut + classify", phases.reply),
        ("guard (bodies + documents' text)", phases.guard),
        ("extraction, waited for", phases.extract),
        ("extraction ahead (other thread)", phases.extract_ahead),
        ("transaction statements", phases.write),
        ("commit (WAL sync)", phases.commit),
    ] {
        println!("  {name:<34} {:>9.1} ms {:>5.1}%", ms(d), ms(d) * 100.0 / total);
    }
    println!(
        "  {} documents extracted: {:.2} ms each (wall, {} children); {} messages: {:.3} ms each in the transaction",
        phases.documents,
        ms(phases.extract_ahead + phases.extract) / phases.documents.max(1) as f64,
        vivier::documents::CHILDREN,
        phases.messages,
        ms(phases.write) / phases.messages.max(1) as f64
    );
    // Memory over the import: by tenths of its duration, the highest sample of each.
    let tenth = import.as_secs_f64() / 10.0;
    let mut line = String::new();
    for k in 0..10 {
        let top = samples
            .iter()
            .filter(|(t, _)| *t >= tenth * k as f64 && *t < tenth * (k + 1) as f64)
            .map(|(_, kb)| *kb)
            .max()
            .unwrap_or(0);
        line.push_str(&format!(" {}", top / 1024));
    }
    println!("RSS by tenth of the import (MB):{line}");
    println!(
        "mail-parser alone: {:.0} messages/s; the import: {rate:.0} messages/s; ratio {:.1}x; peak RSS over the import {} MB (process peak {})",
        n as f64 / raw_parse.as_secs_f64(),
        (n as f64 / raw_parse.as_secs_f64()) / rate,
        samples.iter().map(|(_, kb)| kb).max().copied().unwrap_or(0) / 1024,
        rss("VmHWM")
    );
    let _ = std::fs::remove_file(&mbox_path);
}
