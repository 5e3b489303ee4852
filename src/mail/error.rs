//! The mail area's errors: a message over the limits, a triage or request decision that
//! was already taken, and what the pipeline refuses on the way (an unknown candidate, a
//! duplicate person, the store).

use super::parse::Rejected;
use crate::error::Code;
use crate::pipeline::PipelineError;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("{0}")]
    Rejected(Rejected),

    #[error("message {message} no longer waits in triage (it was linked or dismissed)")]
    NotInTriage { message: String },

    #[error("request {request} is already {status}")]
    RequestDecided { request: String, status: String },

    #[error("cannot read {file}: {detail}")]
    Io { file: String, detail: String },

    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl MailError {
    pub fn code(&self) -> Code {
        match self {
            MailError::Rejected(_) => Code::MessageRejected,
            MailError::NotInTriage { .. } => Code::NotInTriage,
            MailError::RequestDecided { .. } => Code::RequestDecided,
            MailError::Io { .. } => Code::Io,
            MailError::Pipeline(e) => e.code(),
        }
    }
}

impl From<crate::db::StoreError> for MailError {
    fn from(e: crate::db::StoreError) -> MailError {
        MailError::Pipeline(e.into())
    }
}

impl From<rusqlite::Error> for MailError {
    fn from(e: rusqlite::Error) -> MailError {
        MailError::Pipeline(e.into())
    }
}
