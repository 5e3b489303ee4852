//! What can go wrong while talking to a mail server or keeping the mail settings, each
//! with a code the doors branch on and a message that says what to do. Messages never
//! contain a password, and never a message's content.

use crate::db::StoreError;
use crate::error::Code;
use crate::keys::KeyError;
use crate::pipeline::PipelineError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailTransportError {
    #[error("no {what} settings are saved yet. Enter the server, port and user name in the mail settings first")]
    NotConfigured { what: &'static str },

    #[error(
        "no {what} password is kept in the OS keyring for this data directory. Enter it again in the \
         mail settings"
    )]
    PasswordMissing { what: &'static str },

    #[error("the mail server {host} refused the user name or password ({detail}). Check both and enter them again")]
    AuthFailed { host: String, detail: String },

    #[error(
        "the TLS certificate of {host} is not trusted ({detail}). Check the server name; if the server uses \
         its own certificate authority, give its certificate file in the mail settings"
    )]
    CertificateRefused { host: String, detail: String },

    #[error(
        "the mail server {host}:{port} cannot be reached ({detail}). Check the server name and port, and \
         the network connection"
    )]
    Unreachable { host: String, port: u16, detail: String },

    #[error(
        "the mail server {host}:{port} did not answer within {seconds} s. Check the port and the security \
         setting (TLS or STARTTLS), or try again later"
    )]
    Timeout { host: String, port: u16, seconds: u64 },

    #[error("the mail server {host} answered unexpectedly ({detail}). Check the server settings, or try again later")]
    Protocol { host: String, detail: String },

    #[error("the mail server {host} refused the message for good ({detail}). Check the addresses")]
    Rejected { host: String, detail: String },

    #[error("invalid mail setting: {0}")]
    Invalid(String),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Key(#[from] KeyError),

    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

impl MailTransportError {
    /// A stable code for scripts and for the desktop UI.
    pub fn code(&self) -> Code {
        match self {
            MailTransportError::NotConfigured { .. } | MailTransportError::PasswordMissing { .. } => {
                Code::MailNotConfigured
            }
            MailTransportError::AuthFailed { .. } => Code::MailAuthFailed,
            MailTransportError::CertificateRefused { .. } => Code::MailCertificateRefused,
            MailTransportError::Unreachable { .. } => Code::MailUnreachable,
            MailTransportError::Timeout { .. } => Code::MailTimeout,
            MailTransportError::Protocol { .. } => Code::MailProtocol,
            MailTransportError::Rejected { .. } => Code::MailRejected,
            MailTransportError::Invalid(_) => Code::InvalidInput,
            MailTransportError::Store(e) => e.code(),
            MailTransportError::Key(e) => e.code(),
            MailTransportError::Pipeline(e) => e.code(),
        }
    }

    /// Whether trying again later may succeed without the user changing anything (the
    /// server was away or slow), as opposed to settings to fix or a refused message.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            MailTransportError::Unreachable { .. }
                | MailTransportError::Timeout { .. }
                | MailTransportError::Protocol { .. }
        )
    }
}

impl From<rusqlite::Error> for MailTransportError {
    fn from(e: rusqlite::Error) -> Self {
        MailTransportError::Store(StoreError::sqlite(e))
    }
}
