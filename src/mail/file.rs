//! Files of mail, as HR hands them in (the command line, a drop on the app): an .eml
//! message or an .mbox mailbox (recognised by its first line, "From "), each message read
//! in turn, parsed within the limits and taken in by [`Store::intake`]. A rejected message
//! is reported with its reason and code; the others go on.

use std::io::{BufReader, Read};
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::error::MailError;
use super::intake::{Extracted, Incoming, Intake, Phases, Source};
use super::parse::{Parsed, Rejected, parse};
use crate::db::Store;
use crate::documents::Extractor;
use crate::error::Code;
use crate::pipeline::Stamp;

/// One message of a file, as taken in.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Imported {
    /// The file's name (its last component).
    pub file: String,
    /// The message's place in its file, from 1.
    pub index: usize,
    #[serde(flatten)]
    pub result: ImportResult,
}

/// What became of one message of a file.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(untagged)]
pub enum ImportResult {
    Intake(Intake),
    Rejected {
        /// Always "rejected".
        outcome: String,
        code: Code,
        rejected: Rejected,
        message: String,
    },
    /// Its intake failed on its own: nothing of it was kept, the other messages were.
    Failed {
        /// Always "failed".
        outcome: String,
        code: Code,
        message: String,
    },
}

impl ImportResult {
    /// The outcome of a message that failed on its own in its batch.
    pub fn failed(e: &MailError) -> ImportResult {
        ImportResult::Failed { outcome: "failed".into(), code: e.code(), message: e.to_string() }
    }

    fn rejected(rejected: Rejected) -> ImportResult {
        ImportResult::Rejected {
            outcome: "rejected".into(),
            code: Code::MessageRejected,
            message: rejected.to_string(),
            rejected,
        }
    }
}

/// A batch parsed, its documents' text being extracted on another thread.
struct Pending {
    batch: Vec<(usize, Result<Parsed, Rejected>)>,
    extraction: std::thread::JoinHandle<(Extracted, std::time::Duration)>,
}

/// How many messages of a file are taken in per transaction: one disk sync per batch,
/// and what a batch holds in memory (its messages and their attachments) stays bounded.
pub const IMPORT_BATCH: usize = 200;

impl Store {
    /// Takes in every message of the files at `paths`; `stamp` gives each its received time.
    /// A file that cannot be read stops the import there, with what was taken in so far
    /// kept (messages are committed by batches of [`IMPORT_BATCH`]; a message that fails
    /// on its own is reported as failed and the others are kept).
    pub fn import_mail_files(
        &mut self,
        stamp: impl Fn() -> Stamp,
        paths: &[&Path],
        extractor: &Extractor,
    ) -> Result<Vec<Imported>, MailError> {
        let mut out = Vec::new();
        for path in paths {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let file =
                std::fs::File::open(path).map_err(|e| MailError::Io { file: name.clone(), detail: e.to_string() })?;
            out.extend(self.import_mail(&stamp, &name, BufReader::new(file), extractor)?);
        }
        Ok(out)
    }

    /// Takes in the messages of one .eml or .mbox file read from `reader` (a file, or the
    /// bytes of a file dropped on the app); `name` is how reports name it.
    pub fn import_mail(
        &mut self,
        stamp: &impl Fn() -> Stamp,
        name: &str,
        reader: impl std::io::BufRead,
        extractor: &Extractor,
    ) -> Result<Vec<Imported>, MailError> {
        Ok(self.import_mail_measured(stamp, name, reader, extractor)?.0)
    }

    /// [`Store::import_mail`], with where the time went (the benchmark's phases).
    pub fn import_mail_measured(
        &mut self,
        stamp: &impl Fn() -> Stamp,
        name: &str,
        mut reader: impl std::io::BufRead,
        extractor: &Extractor,
    ) -> Result<(Vec<Imported>, Phases), MailError> {
        let limits = self.mail_limits()?;
        let mut out = Vec::new();
        let mut phases = Phases::default();
        let io = |e: std::io::Error| MailError::Io { file: name.to_owned(), detail: e.to_string() };
        let mut head = [0u8; 5];
        let mut n = 0;
        while n < head.len() {
            match reader.read(&mut head[n..]).map_err(io)? {
                0 => break,
                k => n += k,
            }
        }
        let head = head.get(..n).unwrap_or_default().to_vec();
        let chained = std::io::Cursor::new(head.clone()).chain(reader);
        // Messages parsed and waiting for their batch, by their place in the file. A full
        // batch has its documents' text extracted on another thread (and in the children it
        // starts) while the batch before it is written; then it is written in turn.
        let mut batch: Vec<(usize, Result<Parsed, Rejected>)> = Vec::with_capacity(IMPORT_BATCH);
        let mut pending: Option<Pending> = None;
        let take = |index: usize, raw: &[u8], batch: &mut Vec<_>, phases: &mut Phases| {
            let t = Instant::now();
            batch.push((index, parse(raw, &limits)));
            phases.parse += t.elapsed();
        };
        if head.starts_with(b"From ") {
            for (i, message) in mail_parser::mailbox::mbox::MessageIterator::new(chained).enumerate() {
                let Ok(message) = message else {
                    // What was read before the broken part is kept.
                    self.import_ahead(stamp, name, &mut batch, &mut pending, extractor, &mut out, &mut phases)?;
                    self.import_ahead(stamp, name, &mut batch, &mut pending, extractor, &mut out, &mut phases)?;
                    return Err(MailError::Io {
                        file: name.to_owned(),
                        detail: format!("message {} cannot be read as part of an mbox mailbox", i + 1),
                    });
                };
                take(i + 1, message.contents(), &mut batch, &mut phases);
                if batch.len() >= IMPORT_BATCH {
                    self.import_ahead(stamp, name, &mut batch, &mut pending, extractor, &mut out, &mut phases)?;
                }
            }
        } else {
            // Read one byte past the limit: enough to reject it, never more.
            let mut raw = Vec::new();
            chained.take(limits.max_size as u64 + 1).read_to_end(&mut raw).map_err(io)?;
            take(1, &raw, &mut batch, &mut phases);
        }
        // The last batch, then nothing: the one pending is written.
        self.import_ahead(stamp, name, &mut batch, &mut pending, extractor, &mut out, &mut phases)?;
        self.import_ahead(stamp, name, &mut batch, &mut pending, extractor, &mut out, &mut phases)?;
        Ok((out, phases))
    }

    /// Starts the extraction of `batch`'s documents on another thread and makes it the
    /// pending batch (emptying `batch`), after writing the batch pending before it, if any.
    #[allow(clippy::too_many_arguments)]
    fn import_ahead(
        &mut self,
        stamp: &impl Fn() -> Stamp,
        name: &str,
        batch: &mut Vec<(usize, Result<Parsed, Rejected>)>,
        pending: &mut Option<Pending>,
        extractor: &Extractor,
        out: &mut Vec<Imported>,
        phases: &mut Phases,
    ) -> Result<(), MailError> {
        let next = if batch.is_empty() {
            None
        } else {
            let parsed: Vec<&Parsed> = batch.iter().filter_map(|(_, p)| p.as_ref().ok()).collect();
            let documents = self.documents_to_extract(&parsed)?;
            let extractor = extractor.clone();
            let extraction = std::thread::spawn(move || {
                let started = Instant::now();
                let wanted: Vec<_> = documents.iter().map(|(_, format, bytes)| (*format, bytes.as_slice())).collect();
                let texts = extractor.extract_many(&wanted);
                let extracted: Extracted = documents.iter().map(|(key, _, _)| *key).zip(texts).collect();
                (extracted, started.elapsed())
            });
            Some(Pending { batch: std::mem::take(batch), extraction })
        };
        if let Some(Pending { batch: mut previous, extraction }) = std::mem::replace(pending, next) {
            let waited = Instant::now();
            let (extracted, took) = extraction.join().unwrap_or_default();
            phases.extract += waited.elapsed();
            phases.extract_ahead += took;
            phases.documents += extracted.len();
            self.import_batch(stamp, name, &mut previous, extractor, extracted, out, phases)?;
        }
        Ok(())
    }

    /// Takes in the parsed messages of `batch` (emptied) as one batch, their outcomes
    /// pushed to `out` in file order (a rejected message as such).
    #[allow(clippy::too_many_arguments)]
    fn import_batch(
        &mut self,
        stamp: &impl Fn() -> Stamp,
        name: &str,
        batch: &mut Vec<(usize, Result<Parsed, Rejected>)>,
        extractor: &Extractor,
        extracted: Extracted,
        out: &mut Vec<Imported>,
        phases: &mut Phases,
    ) -> Result<(), MailError> {
        let items: Vec<Incoming<'_>> = batch
            .iter()
            .filter_map(|(_, p)| p.as_ref().ok())
            .map(|parsed| Incoming { stamp: stamp(), parsed, source: Source::File })
            .collect();
        let done =
            if items.is_empty() { None } else { Some(self.intake_batch_extracted(&items, extractor, extracted)?) };
        drop(items);
        let mut outcomes = match done {
            Some(done) => {
                phases.add(&done.phases);
                done.outcomes.into_iter()
            }
            None => Vec::new().into_iter(),
        };
        for (index, parsed) in batch.drain(..) {
            let result = match parsed {
                Err(rejected) => ImportResult::rejected(rejected),
                Ok(_) => match outcomes.next() {
                    Some(Ok(intake)) => ImportResult::Intake(intake),
                    Some(Err(e)) => ImportResult::failed(&e),
                    None => continue,
                },
            };
            out.push(Imported { file: name.to_owned(), index, result });
        }
        Ok(())
    }
}
