//! Files of mail, as HR hands them in (the command line, a drop on the app): an .eml
//! message or an .mbox mailbox (recognised by its first line, "From "), each message read
//! in turn, parsed within the limits and taken in by [`Store::intake`]. A rejected message
//! is reported with its reason and code; the others go on.

use std::io::{BufReader, Read};
use std::path::Path;

use serde::Serialize;

use super::error::MailError;
use super::intake::{Intake, Source};
use super::parse::{Rejected, parse};
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
}

impl Store {
    /// Takes in every message of the files at `paths`; `stamp` gives each its received time.
    /// A file that cannot be read stops the import there, with what was taken in so far
    /// kept (each message is its own transaction).
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
        mut reader: impl std::io::BufRead,
        extractor: &Extractor,
    ) -> Result<Vec<Imported>, MailError> {
        let limits = self.mail_limits()?;
        let mut out = Vec::new();
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
        let mut take = |index: usize, raw: &[u8]| -> Result<(), MailError> {
            let result = match parse(raw, &limits) {
                Ok(parsed) => ImportResult::Intake(self.intake(&stamp(), &parsed, &Source::File, extractor)?),
                Err(rejected) => ImportResult::Rejected {
                    outcome: "rejected".into(),
                    code: Code::MessageRejected,
                    message: rejected.to_string(),
                    rejected,
                },
            };
            out.push(Imported { file: name.to_owned(), index, result });
            Ok(())
        };
        if head.starts_with(b"From ") {
            for (i, message) in mail_parser::mailbox::mbox::MessageIterator::new(chained).enumerate() {
                let message = message.map_err(|_| MailError::Io {
                    file: name.to_owned(),
                    detail: format!("message {} cannot be read as part of an mbox mailbox", i + 1),
                })?;
                take(i + 1, message.contents())?;
            }
        } else {
            // Read one byte past the limit: enough to reject it, never more.
            let mut raw = Vec::new();
            chained.take(limits.max_size as u64 + 1).read_to_end(&mut raw).map_err(io)?;
            take(1, &raw)?;
        }
        Ok(out)
    }
}
