//! Mail settings: the IMAP mailbox to fetch from and the SMTP server to send through,
//! kept in the settings table (`mail.imap`, `mail.smtp`, as JSON); their passwords in the
//! OS keyring beside the database key (`mail-imap/<store id>`, `mail-smtp/<store id>`),
//! never in a file or in the database.

use serde::{Deserialize, Serialize};

use super::imap::ImapAccount;
use super::{Endpoint, MailPassword, MailTransportError};
use crate::db::Store;
use crate::keys::{KeyError, Keyring};

const IMAP_KEY: &str = "mail.imap";
const SMTP_KEY: &str = "mail.smtp";

/// The SMTP server and the sender's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The From address of sent messages, e.g. `Jobs <jobs@example.org>`.
    pub from: String,
}

impl SmtpSettings {
    pub fn check(&self) -> Result<(), MailTransportError> {
        self.endpoint.check()?;
        super::smtp::envelope(&self.from, std::slice::from_ref(&self.from)).map(|_| ())
    }
}

/// Which server a password belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Imap,
    Smtp,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::Imap => "IMAP",
            Server::Smtp => "SMTP",
        }
    }

    /// The keyring account of this server's password for the data directory `store_id`.
    pub fn keyring_account(self, store_id: &str) -> String {
        match self {
            Server::Imap => format!("mail-imap/{store_id}"),
            Server::Smtp => format!("mail-smtp/{store_id}"),
        }
    }
}

pub fn load_imap(store: &Store) -> Result<ImapAccount, MailTransportError> {
    load(store, IMAP_KEY, "IMAP")
}

pub fn save_imap(store: &mut Store, account: &ImapAccount) -> Result<(), MailTransportError> {
    account.check()?;
    save(store, IMAP_KEY, account)
}

pub fn load_smtp(store: &Store) -> Result<SmtpSettings, MailTransportError> {
    load(store, SMTP_KEY, "SMTP")
}

pub fn save_smtp(store: &mut Store, settings: &SmtpSettings) -> Result<(), MailTransportError> {
    settings.check()?;
    save(store, SMTP_KEY, settings)
}

/// The SMTP settings as stored, read in a transaction; None when not set up or unreadable.
pub(crate) fn stored_smtp_in(conn: &rusqlite::Connection) -> Option<SmtpSettings> {
    let text: String = conn.query_row("SELECT value FROM settings WHERE key = ?1", [SMTP_KEY], |r| r.get(0)).ok()?;
    serde_json::from_str(&text).ok()
}

fn load<T: for<'de> Deserialize<'de>>(store: &Store, key: &str, what: &'static str) -> Result<T, MailTransportError> {
    let Some(text) = store.setting(key)? else {
        return Err(MailTransportError::NotConfigured { what });
    };
    serde_json::from_str(&text).map_err(|e| {
        MailTransportError::Invalid(format!("the stored {what} settings do not read ({e}); save them again"))
    })
}

fn save<T: Serialize>(store: &mut Store, key: &str, value: &T) -> Result<(), MailTransportError> {
    let text = serde_json::to_string(value).map_err(|e| MailTransportError::Invalid(e.to_string()))?;
    Ok(store.set_setting(key, &text)?)
}

/// Keeps a server's password in the keyring.
pub fn save_password(
    keyring: &Keyring,
    store_id: &str,
    server: Server,
    password: &MailPassword,
) -> Result<(), MailTransportError> {
    Ok(keyring.save_secret(&server.keyring_account(store_id), password.expose_secret().as_bytes())?)
}

/// Reads a server's password from the keyring.
pub fn load_password(keyring: &Keyring, store_id: &str, server: Server) -> Result<MailPassword, MailTransportError> {
    match keyring.load_secret(&server.keyring_account(store_id)) {
        Ok(bytes) => {
            let text =
                std::str::from_utf8(&bytes).map_err(|_| MailTransportError::PasswordMissing { what: server.name() })?;
            Ok(MailPassword::new(text.to_owned()))
        }
        Err(KeyError::KeyringEntryMissing { .. }) => Err(MailTransportError::PasswordMissing { what: server.name() }),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_through_the_keyring_each_under_its_own_entry() {
        let keyring = Keyring::with_store(keyring_core::mock::Store::new().unwrap());
        let missing = load_password(&keyring, "store-1", Server::Imap).unwrap_err();
        assert_eq!(missing.code(), "mail_not_configured", "{missing}");
        save_password(&keyring, "store-1", Server::Imap, &MailPassword::new("imap secret".into())).unwrap();
        save_password(&keyring, "store-1", Server::Smtp, &MailPassword::new("smtp secret".into())).unwrap();
        assert_eq!(load_password(&keyring, "store-1", Server::Imap).unwrap().expose_secret(), "imap secret");
        assert_eq!(load_password(&keyring, "store-1", Server::Smtp).unwrap().expose_secret(), "smtp secret");
        assert!(load_password(&keyring, "store-2", Server::Imap).is_err(), "another data directory's entry");
        assert_eq!(Server::Imap.keyring_account("abc"), "mail-imap/abc");
    }
}
