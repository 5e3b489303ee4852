//! Hostile mail, generated here (never committed as big files): a 60 MB message, 10,000
//! parts, multipart nested 1,000 deep, broken encodings and charsets, missing headers, a
//! zip bomb posing as a CV, a 1 MB header line. Each is rejected or imported (perhaps to
//! triage) in bounded time and memory, through the real parse and the real store; nothing
//! panics.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use vivier::mail::{self, Intake, Limits, Rejected, Source};

/// Peak resident memory of this process so far, in MiB (Linux).
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn bounded<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    let took = started.elapsed();
    println!("{what}: {took:?}");
    assert!(took < limit, "{what} took {took:?}");
    out
}

fn zip_bomb() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for (i, c) in bytes.chunks(3).enumerate() {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
        if i % 19 == 18 {
            s.push_str("\r\n");
        }
    }
    s
}

#[test]
fn hostile_messages_are_rejected_or_imported_in_bounded_time_and_memory() {
    let limits = Limits::default();
    let before = peak_mib();

    // 60 MB: refused on its size, before any parsing.
    let mut huge = b"From: a@b.example\r\nSubject: big\r\n\r\n".to_vec();
    huge.resize(60 * 1024 * 1024, b'x');
    let r = bounded("60 MB", Duration::from_secs(2), || mail::parse(&huge, &limits));
    assert!(matches!(r, Err(Rejected::TooLarge { .. })));
    drop(huge);

    // 10,000 parts.
    let mut many = b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n".to_vec();
    for _ in 0..10_000 {
        many.extend(b"--m\r\nContent-Type: text/plain\r\n\r\nx\r\n");
    }
    many.extend(b"--m--\r\n");
    let r = bounded("10,000 parts", Duration::from_secs(2), || mail::parse(&many, &limits));
    assert!(matches!(r, Err(Rejected::TooManyParts { .. })), "{r:?}");

    // Nested 1,000 deep.
    let mut deep = b"From: a@b.example\r\n".to_vec();
    for i in 0..1000 {
        deep.extend(format!("Content-Type: multipart/mixed; boundary=\"d{i}\"\r\n\r\n--d{i}\r\n").bytes());
    }
    let r = bounded("1,000 deep", Duration::from_secs(2), || mail::parse(&deep, &limits));
    assert!(matches!(r, Err(Rejected::TooDeep { .. })), "{r:?}");

    // A 1 MB header line.
    let mut long = b"From: a@b.example\r\nX-Long: ".to_vec();
    long.extend(std::iter::repeat_n(b'y', 1024 * 1024));
    long.extend(b"\r\n\r\nbody\r\n");
    let r = bounded("1 MB header", Duration::from_secs(2), || mail::parse(&long, &limits));
    assert!(matches!(r, Err(Rejected::HeaderLineTooLong { .. })), "{r:?}");

    // Not a message at all.
    assert!(mail::parse(b"", &limits).is_err());
    assert!(mail::parse(b"\r\n\r\n\r\n", &limits).is_err());

    // Through the store: broken encodings and charsets, missing headers, a zip bomb as a CV.
    let dir = TempDataDir::with_passphrase();
    let mut store = dir.open().unwrap();
    let at = t(2026, 12, 1);
    person(&mut store, at, "Ana Lima", "ana@example.org");
    let bomb = zip_bomb();
    let broken: Vec<Vec<u8>> = vec![
        b"From: ana@example.org\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\n\xff\xfe caf\xe9\r\n".to_vec(),
        b"From: ana@example.org\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not*base64***\r\n".to_vec(),
        b"From: ana@example.org\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=E9=\r\n".to_vec(),
        b"From: =?utf-8?B?////?= <ana@example.org>\r\nSubject: =?bogus?Q?=FF?=\r\n\r\nhello\r\n".to_vec(),
        b"Subject: no sender\r\n\r\nWho am I?\r\n".to_vec(),
        b"From: <>\r\n\r\nempty sender\r\n".to_vec(),
        b"From: ana@example.org\r\nContent-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\n\r\nopen".to_vec(),
        format!(
            "From: ana@example.org\r\nSubject: my CV\r\nContent-Type: multipart/mixed; boundary=\"z\"\r\n\r\n--z\r\n\
Content-Type: text/plain\r\n\r\nHere it is.\r\n--z\r\nContent-Type: application/octet-stream; name=\"cv.docx\"\r\n\
Content-Disposition: attachment; filename=\"cv.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--z--\r\n",
            base64(&bomb)
        )
        .into_bytes(),
    ];
    for (i, raw) in broken.iter().enumerate() {
        let outcome = bounded(&format!("broken #{i}"), Duration::from_secs(30), || match mail::parse(raw, &limits) {
            Ok(parsed) => Some(store.intake(&hr(at), &parsed, &Source::File, &extractor()).unwrap()),
            Err(_) => None,
        });
        if i == 4 || i == 5 {
            assert!(matches!(outcome, Some(Intake::Triaged { .. })), "#{i}: {outcome:?}");
        }
    }
    let grew = peak_mib().saturating_sub(before);
    println!("peak memory grew by {grew} MiB");
    // The 60 MB message itself is held once; nothing holds several copies of anything.
    assert!(grew < 400, "peak memory grew by {grew} MiB");
}
