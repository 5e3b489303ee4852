//! The recruitment pipeline's commands: jobs and their boards, candidates, applications and
//! stages, notes, documents and search. Each is an adapter: the app state in, one engine
//! call, the error mapped. Every rule (duplicates, stage moves, size limits, audit) is the
//! engine's. Reads go through the reader (`with_reader`, or `with_audited_read` when the
//! audit log records them), writes through the writer (`with_store`). Arguments are never
//! logged: they are candidate data.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::{InvokeBody, Request, Response};
use vivier::documents::Extraction;
use vivier::documents::{OriginalUse, Upload};
use vivier::error::Code;
use vivier::pipeline::search::{SearchFilter, SearchHit};
use vivier::pipeline::{
    Application, Board, Candidate, CandidateEdit, DocumentInfo, Job, JobStatus, Language, NewCandidate, NewJob,
    NewNote, Note, Profile, Source, Stage,
};

use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, extractor, stamp};

#[tauri::command]
pub async fn list_jobs(state: State<'_, AppState>, status: Option<JobStatus>) -> CommandResult<Vec<Job>> {
    state.with_reader(|store| Ok(store.jobs(status)?))
}

#[tauri::command]
pub async fn add_job(state: State<'_, AppState>, job: NewJob) -> CommandResult<Job> {
    state.with_store(|store| Ok(store.add_job(&stamp(), job)?))
}

#[tauri::command]
pub async fn set_job_status(state: State<'_, AppState>, job: String, status: JobStatus) -> CommandResult<Job> {
    state.with_store(|store| Ok(store.set_job_status(&stamp(), &job, status)?))
}

/// A window of a job's board: every column's count and `limit` cards from `offset` of
/// each column, or of `stage`'s only (to load more of one column).
#[tauri::command]
pub async fn job_board(
    state: State<'_, AppState>,
    job: String,
    stage: Option<Stage>,
    offset: usize,
    limit: usize,
) -> CommandResult<Board> {
    state.with_reader(|store| Ok(store.board(&job, stage, offset, limit)?))
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CandidatePage {
    candidates: Vec<Candidate>,
    total: i64,
}

#[tauri::command]
pub async fn list_candidates(state: State<'_, AppState>, limit: usize, offset: usize) -> CommandResult<CandidatePage> {
    state.with_reader(|store| {
        Ok(CandidatePage { candidates: store.candidates(limit, offset)?, total: store.count_candidates()? })
    })
}

/// A candidate as the add form sends it.
#[derive(Deserialize, ts_rs::TS)]
pub struct CandidateForm {
    full_name: String,
    emails: Vec<String>,
    phone: Option<String>,
    source_kind: String,
    source_detail: Option<String>,
    language: Language,
}

#[tauri::command]
pub async fn add_candidate(state: State<'_, AppState>, candidate: CandidateForm) -> CommandResult<Candidate> {
    let source = Source::from_parts(&candidate.source_kind, candidate.source_detail)?;
    let new = NewCandidate {
        full_name: candidate.full_name,
        emails: candidate.emails,
        phone: candidate.phone,
        source,
        language: candidate.language,
    };
    state.with_store(|store| Ok(store.add_candidate(&stamp(), new)?))
}

#[tauri::command]
pub async fn candidate_profile(state: State<'_, AppState>, candidate: String) -> CommandResult<Profile> {
    state.with_audited_read(|store| Ok(store.read_profile(&stamp(), &candidate)?))
}

/// Changes from the profile's edit form; absent fields stay as they are.
#[derive(Deserialize, Default, ts_rs::TS)]
#[serde(default)]
pub struct EditForm {
    full_name: Option<String>,
    add_emails: Vec<String>,
    remove_emails: Vec<String>,
    /// Present (possibly empty, which clears it) to change the phone.
    phone: Option<String>,
    source_kind: Option<String>,
    source_detail: Option<String>,
    language: Option<Language>,
}

#[tauri::command]
pub async fn edit_candidate(state: State<'_, AppState>, candidate: String, edit: EditForm) -> CommandResult<Candidate> {
    let source = edit.source_kind.as_deref().map(|kind| Source::from_parts(kind, edit.source_detail)).transpose()?;
    let edit = CandidateEdit {
        full_name: edit.full_name,
        add_emails: edit.add_emails,
        remove_emails: edit.remove_emails,
        phone: edit.phone.map(|p| Some(p).filter(|p| !p.trim().is_empty())),
        source,
        language: edit.language,
    };
    state.with_store(|store| Ok(store.edit_candidate(&stamp(), &candidate, edit)?))
}

#[tauri::command]
pub async fn merge_candidates(state: State<'_, AppState>, keep: String, absorb: String) -> CommandResult<Candidate> {
    state.with_store(|store| Ok(store.merge_candidates(&stamp(), &keep, &absorb)?))
}

#[tauri::command]
pub async fn apply_to_job(state: State<'_, AppState>, candidate: String, job: String) -> CommandResult<Application> {
    state.with_store(|store| Ok(store.apply(&stamp(), &candidate, &job)?))
}

#[tauri::command]
pub async fn move_stage(
    state: State<'_, AppState>,
    application: String,
    stage: Stage,
    reason: Option<String>,
) -> CommandResult<Application> {
    state.with_store(|store| Ok(store.move_stage(&stamp(), &application, stage, reason.as_deref())?))
}

#[derive(Deserialize, ts_rs::TS)]
pub struct RatingForm {
    criterion: String,
    score: u8,
}

/// A note or interview feedback as the profile's form sends it.
#[derive(Deserialize, ts_rs::TS)]
pub struct NoteForm {
    body: String,
    #[serde(default)]
    feedback: bool,
    application: Option<String>,
    #[serde(default)]
    ratings: Vec<RatingForm>,
}

#[tauri::command]
pub async fn add_note(state: State<'_, AppState>, candidate: String, note: NoteForm) -> CommandResult<Note> {
    let note = NewNote {
        body: note.body,
        feedback: note.feedback,
        application: note.application,
        ratings: note.ratings.into_iter().map(|r| (r.criterion, r.score)).collect(),
    };
    state.with_store(|store| Ok(store.add_note(&stamp(), &candidate, note)?))
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AddedDocument {
    document: DocumentInfo,
    /// Why no text could be read, when none could (the document is stored all the same).
    no_text_reason: Option<String>,
}

/// Stores a file for a candidate. The UI reads the dropped or picked file itself and sends
/// its bytes as the raw request body (not a JSON array of numbers: four times the size and
/// slow near the 20 MB limit), with the candidate, the kind and the percent-encoded file
/// name in headers. No path crosses the bridge and nothing is written outside the database.
#[tauri::command]
pub async fn add_document(state: State<'_, AppState>, request: Request<'_>) -> CommandResult<AddedDocument> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new(Code::InvalidInput, "the document must be sent as raw bytes"));
    };
    let header = |name: &str| -> CommandResult<String> {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(percent_decode)
            .ok_or_else(|| CommandError::new(Code::InvalidInput, format!("the upload lacks its {name} header")))
    };
    let (candidate, kind, file_name) =
        (header("x-vivier-candidate")?, header("x-vivier-kind")?, header("x-vivier-file-name")?);
    let extractor = extractor()?;
    let upload = Upload { kind: &kind, file_name: &file_name, bytes };
    let (document, extraction) =
        state.with_store(|store| Ok(store.add_document(&stamp(), &candidate, upload, &extractor)?))?;
    let no_text_reason = match extraction {
        Extraction::Text(_) => None,
        Extraction::NoText { reason } => Some(reason),
    };
    Ok(AddedDocument { document, no_text_reason })
}

/// Undoes JavaScript's `encodeURIComponent`: `%XX` bytes back, then UTF-8. None when the
/// text is not a valid encoding.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// A flagged passage of a document's extracted text: its category and byte span (the span
/// locates the passage in the revealed text; the masked text shows a mask there instead).
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct FlaggedPassage {
    category: String,
    start: usize,
    end: usize,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct DocumentText {
    document: DocumentInfo,
    text: Option<String>,
    /// Whether `text` is the original (a reveal, audited) rather than the masked preview.
    revealed: bool,
    flags: Vec<FlaggedPassage>,
}

/// A document's text, its flagged passages masked unless `reveal` (audited as a reveal).
#[tauri::command]
pub async fn document_text(state: State<'_, AppState>, document: String, reveal: bool) -> CommandResult<DocumentText> {
    state.with_audited_read(|store| {
        let ((document, text), owed) = store.read_document_text(&stamp(), &document, reveal)?;
        let flags = store
            .document_flags(&document.uuid)?
            .into_iter()
            .map(|(category, span)| FlaggedPassage { category, start: span.start, end: span.end })
            .collect();
        Ok((DocumentText { document, text, revealed: reveal, flags }, owed))
    })
}

/// A PDF's bytes for the page view, sent as a binary response (audited as a view). A
/// document with refused passages is refused (`reveal_required`) unless `reveal`, which is
/// audited as a reveal: the engine decides, not the screen.
#[tauri::command]
pub async fn document_pdf(state: State<'_, AppState>, document: String, reveal: bool) -> CommandResult<Response> {
    let (info, bytes) = state.with_audited_read(|store| {
        Ok(store.read_document_original(&stamp(), &document, OriginalUse::View, reveal)?)
    })?;
    if info.media_type != "application/pdf" {
        return Err(CommandError::new(Code::NotPdf, "This document is not a PDF; read its text instead."));
    }
    Ok(Response::new(bytes))
}

/// Saves a copy of a document at `path`, the file the user chose in the save dialog (which
/// has asked about replacing one). The engine refuses a document with hidden passages
/// unless `reveal`, writes the file whole or not at all, and audits the export.
#[tauri::command]
pub async fn save_document_copy(
    state: State<'_, AppState>,
    document: String,
    path: String,
    reveal: bool,
) -> CommandResult<DocumentInfo> {
    state.with_store(|store| Ok(store.save_document_copy(&stamp(), &document, Path::new(&path), reveal)?))
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    text: String,
    job: Option<String>,
    stage: Option<Stage>,
    source: Option<String>,
) -> CommandResult<Vec<SearchHit>> {
    let filter = SearchFilter { job, stage, source, limit: 30, ..SearchFilter::default() };
    state.with_audited_read(|store| Ok(store.read_search(&stamp(), &text, &filter)?))
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_undoes_encode_uri_component() {
        assert_eq!(percent_decode("CV%20L%C3%A9a%20M%C3%BCller.pdf").as_deref(), Some("CV Léa Müller.pdf"));
        assert_eq!(percent_decode("plain-name_1.txt").as_deref(), Some("plain-name_1.txt"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%C3"), None, "a cut UTF-8 sequence is refused");
    }
}
