//! A copy of a stored document written where the user chose (the desktop app's save
//! dialog): the one place a document's bytes leave the store for a file, on purpose. The
//! rule of the reveal holds here too: a document with passages of a sensitive category is
//! copied only when they are revealed, and the reveal is audited. The copy is an export,
//! audited with the document's UUID only (never the path, nor the file's name, which may
//! carry a name). It is written whole or not at all: a temporary file in the chosen folder,
//! synced, then renamed over the chosen name (the dialog has already asked about replacing a
//! file); on any failure the temporary file is removed.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::audit::append;
use crate::db::Store;
use crate::db::ids::new_uuid;
use crate::documents::DocumentError;
use crate::documents::stored::{OriginalUse, original_of};
use crate::pipeline::index::refused_spans;
use crate::pipeline::{DocumentInfo, PipelineError, Stamp};

impl Store {
    /// Writes the bytes of document `id` to `dest` (a full path, as a save dialog gives),
    /// replacing a file there. Refused without `reveal` when the document has refused
    /// passages ([`PipelineError::RevealRequired`], nothing written). Audited as an export
    /// (and a reveal, when there was something to reveal). The audit entries are committed
    /// before the copy takes its name, so that a copy never exists unaudited.
    pub fn save_document_copy(
        &mut self,
        stamp: &Stamp,
        id: &str,
        dest: &Path,
        reveal: bool,
    ) -> Result<DocumentInfo, PipelineError> {
        let folder = match (dest.is_absolute(), dest.parent(), dest.file_name()) {
            (true, Some(folder), Some(_)) => folder,
            _ => {
                return Err(PipelineError::Invalid {
                    field: "path",
                    reason: "must be the full path of a file; choose where to save with the dialog".into(),
                });
            }
        };
        let (info, part) = self.write(|tx| -> Result<_, PipelineError> {
            // Refused (`reveal_required`) when it has refused passages and no reveal.
            let ((info, bytes), _) = original_of(tx, stamp, id, OriginalUse::Export, reveal)?;
            let detail = format!("document {}", info.uuid);
            if !refused_spans(tx, &info.uuid)?.is_empty() {
                append(tx, stamp, "reveal", Some(&info.candidate_uuid), Some(&detail))?;
            }
            append(tx, stamp, "export", Some(&info.candidate_uuid), Some(&format!("{detail} to a file")))?;
            let part = PartFile::write(folder, &bytes).map_err(copy_failed)?;
            Ok((info, part))
        })?;
        part.rename_to(dest).map_err(copy_failed)?;
        Ok(info)
    }
}

/// A system error as a [`DocumentError::CopyFailed`]: std's I/O messages name no path.
fn copy_failed(e: std::io::Error) -> PipelineError {
    let disk_full = e.kind() == std::io::ErrorKind::StorageFull;
    DocumentError::CopyFailed { reason: e.to_string(), disk_full }.into()
}

/// A file being written under a temporary name (a document's copy, an access archive), removed when dropped before it is renamed.
pub(crate) struct PartFile {
    path: Option<PathBuf>,
}

impl PartFile {
    /// Creates `.vivier-<uuid>.part` in `folder` (never an existing file), writes `bytes`
    /// and syncs them to disk.
    pub(crate) fn write(folder: &Path, bytes: &[u8]) -> std::io::Result<Self> {
        let path = folder.join(format!(".vivier-{}.part", new_uuid()));
        let mut file = OpenOptions::new().write(true).create_new(true).open(&path)?;
        let part = PartFile { path: Some(path) };
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(part)
    }

    /// Gives the copy its name, replacing a file there, and syncs the folder (best effort:
    /// not every file system syncs a folder).
    pub(crate) fn rename_to(mut self, dest: &Path) -> std::io::Result<()> {
        let Some(path) = self.path.take() else {
            return Ok(());
        };
        if let Err(e) = fs::rename(&path, dest) {
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        if let Some(folder) = dest.parent()
            && let Ok(dir) = File::open(folder)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_file(path);
        }
    }
}
