//! The mail transport: fetching candidates' mail from an IMAP mailbox and sending HR's
//! over SMTP, with the settings, passwords and bookkeeping that make both safe to
//! repeat. It owns the network and nothing of a message's meaning: the intake (parsing,
//! dedup, matching) receives each fetched message through [`sync::Intake`]
//! ([`crate::mail::FetchIntake`] in the doors) and stores it.
//!
//! - [`imap`]: incremental fetch by UID, honouring UIDVALIDITY; a message is flagged or
//!   moved on the server only after the sink committed it; nothing is ever deleted.
//! - [`sync`]: the persisted sync state (account, mailbox, UIDVALIDITY, last committed
//!   UID) and [`sync::StoreIntake`], which writes a message and the state in one transaction.
//! - [`smtp`]: sending one built message (lettre over rustls).
//! - [`outbox`]: what is queued to send, sent or failed, with retries and backoff; a sent
//!   message lands in the candidate's timeline (`messages`).
//! - [`settings`]: IMAP and SMTP settings (settings table) and passwords (OS keyring).
//! - [`tls`]: rustls client configuration: the Mozilla roots compiled in, plus an optional
//!   extra CA certificate file; nothing is downloaded at run time.

mod error;
pub mod imap;
pub mod outbox;
pub mod settings;
pub mod smtp;
pub mod sync;
pub mod tls;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

pub use error::MailTransportError;

/// How a connection to a mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (IMAP 993, SMTP 465).
    Tls,
    /// A plain connection upgraded with STARTTLS before anything else is said (IMAP 143,
    /// SMTP 587). A server that does not offer STARTTLS is refused.
    StartTls,
    /// No encryption at all: accepted only for a loopback address (tests, a local relay).
    Plain,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::Plain => "plain",
        }
    }

    pub fn parse(s: &str) -> Result<Security, MailTransportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tls" | "ssl" => Ok(Security::Tls),
            "starttls" => Ok(Security::StartTls),
            "plain" | "none" => Ok(Security::Plain),
            other => {
                Err(MailTransportError::Invalid(format!("security \"{other}\" is not one of tls, starttls, plain")))
            }
        }
    }
}

/// Where a mail server is and how to reach it (IMAP or SMTP alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// A PEM file of extra certificate authorities to trust beside the built-in roots (a
    /// company CA, the tests' self-signed server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_ca: Option<PathBuf>,
    /// How long to wait for the connection and for each answer, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

fn default_timeout() -> u64 {
    30
}

impl Endpoint {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// Refuses what cannot work or would be unsafe: an empty host or user, port 0, plain
    /// text to anything but a loopback address.
    pub fn check(&self) -> Result<(), MailTransportError> {
        if self.host.trim().is_empty() {
            return Err(MailTransportError::Invalid("the server name is empty".into()));
        }
        if self.port == 0 {
            return Err(MailTransportError::Invalid("the port must be between 1 and 65535".into()));
        }
        if self.user.trim().is_empty() {
            return Err(MailTransportError::Invalid("the user name is empty".into()));
        }
        if self.security == Security::Plain && !is_loopback(&self.host) {
            return Err(MailTransportError::Invalid(format!(
                "an unencrypted connection is allowed only to this computer (localhost), not to {}; \
                 choose TLS or STARTTLS",
                self.host
            )));
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A mail server password: zeroed on drop, redacted in Debug, never serialised.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MailPassword(String);

impl MailPassword {
    pub fn new(text: String) -> MailPassword {
        MailPassword(text)
    }

    /// The password's text. Named so that every use stands out in review.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MailPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MailPassword([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(host: &str, security: Security) -> Endpoint {
        Endpoint { host: host.into(), port: 993, security, user: "hr".into(), extra_ca: None, timeout_secs: 30 }
    }

    #[test]
    fn plain_text_only_to_loopback() {
        assert!(endpoint("127.0.0.1", Security::Plain).check().is_ok());
        assert!(endpoint("localhost", Security::Plain).check().is_ok());
        assert!(endpoint("::1", Security::Plain).check().is_ok());
        let refused = endpoint("imap.example.org", Security::Plain).check().unwrap_err();
        assert_eq!(refused.code(), "invalid_input");
        assert!(endpoint("imap.example.org", Security::Tls).check().is_ok());
        assert!(endpoint("", Security::Tls).check().is_err());
    }

    #[test]
    fn password_debug_is_redacted() {
        assert_eq!(format!("{:?}", MailPassword::new("hunter22".into())), "MailPassword([redacted])");
    }

    #[test]
    fn security_parses() {
        assert_eq!(Security::parse("STARTTLS").unwrap(), Security::StartTls);
        assert_eq!(Security::parse("tls").unwrap(), Security::Tls);
        assert!(Security::parse("maybe").is_err());
    }
}
