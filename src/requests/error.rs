//! The requests register's errors: a decision on a request already answered, an
//! extension the law no longer allows, an act on a request whose sender's identity is not
//! checked yet, and what the pipeline and the retention engine refuse on the way.

use super::deadline::ExtensionRefusal;
use crate::error::Code;
use crate::pipeline::PipelineError;

#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("request {request} is already {status}; it cannot be decided again")]
    Decided { request: String, status: String },

    #[error("request {request} cannot be extended: {refusal}")]
    Extension { request: String, refusal: ExtensionRefusal },

    #[error(
        "request {request} came from an address the candidate is not known by: note how their identity was \
         checked first (`vivier request identity {request} --note \"...\"`), or refuse the request with its reason"
    )]
    IdentityUnchecked { request: String },

    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl RequestError {
    pub fn code(&self) -> Code {
        match self {
            RequestError::Decided { .. } => Code::RequestDecided,
            RequestError::Extension { refusal: ExtensionRefusal::Months { .. }, .. } => Code::InvalidInput,
            RequestError::Extension { .. } => Code::ExtensionRefused,
            RequestError::IdentityUnchecked { .. } => Code::IdentityCheckNeeded,
            RequestError::Pipeline(e) => e.code(),
        }
    }
}

impl From<crate::db::StoreError> for RequestError {
    fn from(e: crate::db::StoreError) -> RequestError {
        RequestError::Pipeline(e.into())
    }
}

impl From<rusqlite::Error> for RequestError {
    fn from(e: rusqlite::Error) -> RequestError {
        RequestError::Pipeline(e.into())
    }
}

impl From<crate::guard::policy::Refusal> for RequestError {
    fn from(e: crate::guard::policy::Refusal) -> RequestError {
        RequestError::Pipeline(e.into())
    }
}

impl From<crate::retention::policy::RetentionError> for RequestError {
    fn from(e: crate::retention::policy::RetentionError) -> RequestError {
        RequestError::Pipeline(e.into())
    }
}
