//! The one error shape that crosses the bridge to the UI: `{code, message}`. The code is
//! the engine's stable code (`vivier::error::Code`), which the UI branches on; the message
//! is the engine's human sentence saying what is wrong (the UI adds its own hints by code).
//! Nothing secret ever goes in either. The UI's types of everything that crosses the
//! bridge are generated from the Rust types: see `bindings`.

#[cfg(test)]
mod bindings;

use serde::Serialize;
use vivier::data_dir::DataDirError;
use vivier::db::StoreError;
use vivier::error::Code;
use vivier::keys::KeyError;
use vivier::pipeline::PipelineError;

/// What a command returns when it fails.
#[derive(Debug, Clone, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{message} ({code})")]
pub struct CommandError {
    pub code: Code,
    pub message: String,
    /// Facts the UI needs to offer a way out, for some codes only (e.g. the existing
    /// candidate of a `duplicate_candidate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details: Option<serde_json::Value>,
}

impl CommandError {
    pub fn new(code: Code, message: impl Into<String>) -> CommandError {
        CommandError { code, message: message.into(), details: None }
    }

    /// The store is not open yet: the UI must run its startup flow first.
    pub fn store_closed() -> CommandError {
        CommandError::new(Code::StoreClosed, "The database is not open yet. Restart Vivier to unlock it.")
    }

    /// A lock was poisoned by a panic in another command.
    pub fn internal() -> CommandError {
        CommandError::new(Code::Internal, "Vivier hit an internal error. Restart the app and try again.")
    }
}

impl From<DataDirError> for CommandError {
    fn from(e: DataDirError) -> CommandError {
        CommandError::new(e.code(), e.to_string())
    }
}

impl From<KeyError> for CommandError {
    fn from(e: KeyError) -> CommandError {
        DataDirError::from(e).into()
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> CommandError {
        DataDirError::from(e).into()
    }
}

impl From<PipelineError> for CommandError {
    fn from(e: PipelineError) -> CommandError {
        let details = match &e {
            PipelineError::Duplicate { existing, existing_name, matched_on } => Some(serde_json::json!({
                "existing": existing, "existing_name": existing_name, "matched_on": matched_on,
            })),
            _ => None,
        };
        CommandError { details, ..CommandError::new(e.code(), e.to_string()) }
    }
}

impl From<vivier::mail::MailError> for CommandError {
    fn from(e: vivier::mail::MailError) -> CommandError {
        match e {
            vivier::mail::MailError::Pipeline(e) => e.into(),
            e => CommandError::new(e.code(), e.to_string()),
        }
    }
}

impl From<vivier::mail::compose::ComposeError> for CommandError {
    fn from(e: vivier::mail::compose::ComposeError) -> CommandError {
        match e {
            vivier::mail::compose::ComposeError::Pipeline(e) => e.into(),
            e => CommandError::new(e.code(), e.to_string()),
        }
    }
}

impl From<vivier::requests::RequestError> for CommandError {
    fn from(e: vivier::requests::RequestError) -> CommandError {
        match e {
            vivier::requests::RequestError::Pipeline(e) => e.into(),
            e => CommandError::new(e.code(), e.to_string()),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
