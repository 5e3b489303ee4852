//! IMAP fetch: the messages of one mailbox that the intake has not committed yet, by UID,
//! honouring UIDVALIDITY. The network work happens outside the store's lock; each message
//! is handed to the [`Intake`], which stores it together with the sync state that follows
//! it (one short transaction). A message is flagged (a keyword or `\Seen`) or moved to a
//! processed folder only after it was committed; nothing is ever deleted from the server.
//!
//! Order of a fetch, and why nothing is lost or doubled:
//! 1. SELECT the mailbox; a UIDVALIDITY other than the stored one means the UIDs were
//!    renumbered: the state restarts at UID 0 and everything is fetched again (the intake
//!    dedups by Message-ID, so nothing is imported twice).
//! 2. Flags owed from an interrupted fetch (committed but not yet flagged) are set first.
//! 3. The UIDs above the last committed one are listed once, then fetched in batches with
//!    `BODY.PEEK[]` (which leaves `\Seen` alone). A message that arrives meanwhile waits
//!    for the next fetch.
//! 4. Each batch is committed through the intake, each message with the state that follows
//!    it (the store's intake groups a batch in one transaction, each message in its own
//!    savepoint); then its committed UIDs are flagged or moved, and the state records it.
//!
//! A failure at any point leaves the state at the last committed message.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::TcpStream;

use serde::{Deserialize, Serialize};

use super::sync::{Intake, SyncState};
use super::tls::{self, TlsStream};
use super::{Endpoint, MailPassword, MailTransportError, Security};

/// Messages fetched per round trip: a few, so that memory stays bounded by a few messages.
const BATCH: usize = 16;

/// What is done on the server to a message once it is committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Processed {
    /// Set a flag: `\Seen`, or a keyword such as `$Vivier`.
    Flag(String),
    /// Move the message to this folder (created if missing), with IMAP MOVE.
    Move(String),
}

impl Processed {
    /// Refuses a flag or folder name that cannot be sent safely in a command.
    pub fn check(&self) -> Result<(), MailTransportError> {
        match self {
            Processed::Flag(flag) => {
                let atom = flag.strip_prefix('\\').or_else(|| flag.strip_prefix('$')).unwrap_or(flag);
                let ok =
                    !atom.is_empty() && atom.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if !ok {
                    return Err(MailTransportError::Invalid(format!(
                        "\"{flag}\" is not a usable IMAP flag; use \\Seen or a keyword made of letters and digits"
                    )));
                }
            }
            Processed::Move(folder) => {
                if folder.trim().is_empty() || folder.chars().any(|c| c.is_control()) {
                    return Err(MailTransportError::Invalid(
                        "the processed folder's name is empty or unreadable".into(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One IMAP mailbox to fetch from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImapAccount {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The mailbox to read, e.g. `INBOX`.
    pub mailbox: String,
    /// What marks a committed message on the server.
    pub processed: Processed,
    /// How often `mail fetch` is meant to run, in seconds (for the timer and the app).
    #[serde(default = "default_poll")]
    pub poll_secs: u64,
    /// A message larger than this is not read whole: only its header is handed over
    /// (see [`FetchedMessage::header_only`]); it stays complete on the server.
    #[serde(default = "default_max_message")]
    pub max_message_bytes: u64,
}

fn default_poll() -> u64 {
    300
}

/// 50 MiB: above what mail servers commonly accept, so it only stops the absurd.
pub const DEFAULT_MAX_MESSAGE: u64 = 50 * 1024 * 1024;

fn default_max_message() -> u64 {
    DEFAULT_MAX_MESSAGE
}

impl ImapAccount {
    /// The name under which this mailbox's sync state is kept: the user on the server
    /// (the port and security are ways to reach the same mailbox).
    pub fn state_key(&self) -> String {
        format!("{}@{}", self.endpoint.user, self.endpoint.host.to_ascii_lowercase())
    }

    pub fn check(&self) -> Result<(), MailTransportError> {
        self.endpoint.check()?;
        if self.mailbox.trim().is_empty() {
            return Err(MailTransportError::Invalid("the mailbox name is empty".into()));
        }
        self.processed.check()?;
        if let Processed::Move(folder) = &self.processed
            && folder == &self.mailbox
        {
            return Err(MailTransportError::Invalid("the processed folder must differ from the mailbox read".into()));
        }
        Ok(())
    }
}

/// One message as the server holds it: its UID and its raw RFC 5322 bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedMessage {
    pub uid: u32,
    pub raw: Vec<u8>,
    /// The message was larger than the account's `max_message_bytes`: `raw` is its header
    /// only (the intake can record it and tell HR to read it in the mailbox).
    pub header_only: bool,
    /// Its size on the server (RFC822.SIZE), when the server said.
    pub size: Option<u32>,
}

impl std::fmt::Debug for FetchedMessage {
    /// A message's content is a candidate's: never in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchedMessage")
            .field("uid", &self.uid)
            .field("len", &self.raw.len())
            .field("header_only", &self.header_only)
            .finish()
    }
}

/// What one fetch did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    pub uidvalidity: u32,
    /// The stored UIDVALIDITY differed: the mailbox was read again from the start.
    pub rescanned: bool,
    /// Messages committed by the intake in this fetch.
    pub committed: u32,
    /// Messages flagged or moved on the server in this fetch (owed ones included).
    pub marked: u32,
    /// Messages listed but gone before they could be read (expunged meanwhile).
    pub vanished: u32,
    /// The last committed UID after this fetch.
    pub last_uid: u32,
}

/// A fetch failed: on the server's side, or in the intake (whose error is kept as is).
#[derive(Debug, thiserror::Error)]
pub enum FetchError<E: std::fmt::Display + std::fmt::Debug> {
    #[error(transparent)]
    Transport(#[from] MailTransportError),
    #[error("{0}")]
    Intake(E),
}

/// What the mailbox looks like, for "test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxInfo {
    pub mailbox: String,
    pub uidvalidity: u32,
    pub messages: u32,
}

/// A connection, encrypted or (loopback only) plain.
#[derive(Debug)]
pub enum ImapStream {
    Tls(Box<TlsStream>),
    Plain(TcpStream),
}

impl Read for ImapStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            ImapStream::Tls(s) => s.read(buf),
            ImapStream::Plain(s) => s.read(buf),
        }
    }
}

impl Write for ImapStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            ImapStream::Tls(s) => s.write(buf),
            ImapStream::Plain(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            ImapStream::Tls(s) => s.flush(),
            ImapStream::Plain(s) => s.flush(),
        }
    }
}

/// A logged-in IMAP session.
pub type Session = imap::Session<ImapStream>;

/// Connects, secures and logs in.
pub fn login(endpoint: &Endpoint, password: &MailPassword) -> Result<Session, MailTransportError> {
    endpoint.check()?;
    let tcp = tls::connect_tcp(endpoint)?;
    let (stream, greeted) = match endpoint.security {
        Security::Tls => (ImapStream::Tls(Box::new(tls::handshake(endpoint, tcp)?)), false),
        Security::StartTls => {
            let mut tcp = tcp;
            starttls(endpoint, &mut tcp)?;
            (ImapStream::Tls(Box::new(tls::handshake(endpoint, tcp)?)), true)
        }
        Security::Plain => (ImapStream::Plain(tcp), false),
    };
    let mut client = imap::Client::new(stream);
    if !greeted {
        client.read_greeting().map_err(|e| imap_error(endpoint, e))?;
    }
    client.login(&endpoint.user, password.expose_secret()).map_err(|(e, _)| match e {
        imap::Error::No(no) => {
            MailTransportError::AuthFailed { host: endpoint.host.clone(), detail: no.information.clone() }
        }
        imap::Error::Bad(bad) => {
            MailTransportError::AuthFailed { host: endpoint.host.clone(), detail: bad.information.clone() }
        }
        other => imap_error(endpoint, other),
    })
}

/// The STARTTLS exchange on the plain socket, read byte by byte so that nothing of the
/// TLS handshake that follows is swallowed by a buffer.
fn starttls(endpoint: &Endpoint, tcp: &mut TcpStream) -> Result<(), MailTransportError> {
    let greeting = read_line(endpoint, tcp)?;
    if !greeting.starts_with("* OK") && !greeting.starts_with("* PREAUTH") {
        return Err(protocol(endpoint, format!("unexpected greeting: {}", printable(&greeting))));
    }
    tcp.write_all(b"V0 STARTTLS\r\n").map_err(|e| tls::io_error(endpoint, e))?;
    loop {
        let line = read_line(endpoint, tcp)?;
        if let Some(rest) = line.strip_prefix("V0 ") {
            if rest.starts_with("OK") {
                return Ok(());
            }
            return Err(MailTransportError::CertificateRefused {
                host: endpoint.host.clone(),
                detail: format!("the server refused STARTTLS: {}", printable(rest)),
            });
        }
    }
}

fn read_line(endpoint: &Endpoint, tcp: &mut TcpStream) -> Result<String, MailTransportError> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 8192 {
        match tcp.read(&mut byte) {
            Ok(0) => return Err(lost(endpoint)),
            Ok(_) => {
                if byte[0] == b'\n' {
                    return Ok(String::from_utf8_lossy(&line).trim_end().to_owned());
                }
                line.push(byte[0]);
            }
            Err(e) => return Err(tls::io_error(endpoint, e)),
        }
    }
    Err(protocol(endpoint, "an overlong line".into()))
}

fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(200).collect()
}

fn protocol(endpoint: &Endpoint, detail: String) -> MailTransportError {
    MailTransportError::Protocol { host: endpoint.host.clone(), detail }
}

fn lost(endpoint: &Endpoint) -> MailTransportError {
    MailTransportError::Unreachable {
        host: endpoint.host.clone(),
        port: endpoint.port,
        detail: "the server closed the connection".into(),
    }
}

/// What an IMAP library failure means to the user.
pub fn imap_error(endpoint: &Endpoint, e: imap::Error) -> MailTransportError {
    match e {
        imap::Error::Io(io) => match io.kind() {
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => lost(endpoint),
            _ => tls::io_error(endpoint, io),
        },
        imap::Error::ConnectionLost | imap::Error::Bye(_) => lost(endpoint),
        imap::Error::No(no) => protocol(endpoint, format!("refused: {}", printable(&no.information))),
        imap::Error::Bad(bad) => protocol(endpoint, format!("refused: {}", printable(&bad.information))),
        other => protocol(endpoint, other.to_string()),
    }
}

/// Test connection: connect, secure, log in and look at the mailbox (read-only).
pub fn test_connection(account: &ImapAccount, password: &MailPassword) -> Result<MailboxInfo, MailTransportError> {
    account.check()?;
    let endpoint = &account.endpoint;
    let mut session = login(endpoint, password)?;
    let mailbox = session.examine(&account.mailbox).map_err(|e| imap_error(endpoint, e))?;
    let _ = session.logout();
    Ok(MailboxInfo {
        mailbox: account.mailbox.clone(),
        uidvalidity: mailbox.uid_validity.unwrap_or(0),
        messages: mailbox.exists,
    })
}

/// Fetches what the intake has not committed yet (see the module's documentation).
/// `state` is the stored one for this account and mailbox (None on the first fetch).
pub fn fetch<I: Intake>(
    account: &ImapAccount,
    password: &MailPassword,
    state: Option<SyncState>,
    intake: &mut I,
) -> Result<FetchReport, FetchError<I::Error>> {
    account.check()?;
    let endpoint = &account.endpoint;
    let ierr = |e| imap_error(endpoint, e);
    let mut session = login(endpoint, password)?;
    if let Processed::Move(folder) = &account.processed {
        // Made once; an existing folder answers NO, which is fine.
        let _ = session.create(folder);
    }
    let mailbox = session.select(&account.mailbox).map_err(ierr)?;
    let uidvalidity = mailbox
        .uid_validity
        .ok_or_else(|| protocol(endpoint, "the mailbox has no UIDVALIDITY (UIDs unsupported)".into()))?;

    let fresh = SyncState {
        account: account.state_key(),
        mailbox: account.mailbox.clone(),
        uidvalidity,
        last_uid: 0,
        flagged_uid: 0,
    };
    let (mut state, rescanned) = match state {
        Some(s) if s.uidvalidity == uidvalidity && s.account == fresh.account && s.mailbox == fresh.mailbox => {
            (s, false)
        }
        Some(_) => (fresh, true),
        None => (fresh, false),
    };
    if rescanned || state.last_uid == 0 {
        intake.record(&state).map_err(FetchError::Intake)?;
    }
    let mut report =
        FetchReport { uidvalidity, rescanned, committed: 0, marked: 0, vanished: 0, last_uid: state.last_uid };

    // Flags owed by an interrupted fetch: committed, not yet marked on the server.
    if state.flagged_uid < state.last_uid {
        let owed = format!("{}:{}", state.flagged_uid + 1, state.last_uid);
        mark(&mut session, &account.processed, &owed).map_err(ierr)?;
        report.marked += state.last_uid - state.flagged_uid;
        state.flagged_uid = state.last_uid;
        intake.record(&state).map_err(FetchError::Intake)?;
    }

    let listed = session.uid_search(format!("UID {}:*", state.last_uid.saturating_add(1))).map_err(ierr)?;
    let mut uids: Vec<u32> = listed.into_iter().filter(|&uid| uid > state.last_uid).collect();
    uids.sort_unstable();

    for batch in uids.chunks(BATCH) {
        // Sizes first: a message over the limit is read as its header only.
        let set = batch.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let sizes: HashMap<u32, u32> = {
            let fetches = session.uid_fetch(&set, "(UID RFC822.SIZE)").map_err(ierr)?;
            fetches.iter().filter_map(|f| Some((f.uid?, f.size?))).collect()
        };
        let (whole, big): (Vec<u32>, Vec<u32>) = batch
            .iter()
            .partition(|uid| sizes.get(uid).is_none_or(|&size| u64::from(size) <= account.max_message_bytes));
        let mut bodies: HashMap<u32, (Vec<u8>, bool)> = HashMap::with_capacity(batch.len());
        for (uids, query, header_only) in
            [(&whole, "(UID BODY.PEEK[])", false), (&big, "(UID BODY.PEEK[HEADER])", true)]
        {
            if uids.is_empty() {
                continue;
            }
            let set = uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let fetches = session.uid_fetch(&set, query).map_err(ierr)?;
            for f in fetches.iter() {
                let bytes = if header_only { f.header() } else { f.body() };
                if let (Some(uid), Some(bytes)) = (f.uid, bytes) {
                    bodies.insert(uid, (bytes.to_vec(), header_only));
                }
            }
        }
        // Each message with the state that follows it, in UID order. A UID listed but
        // not returned was expunged meanwhile: nothing to read, nothing lost; the state
        // steps over it (marking a UID that no longer exists does nothing).
        let mut items = Vec::with_capacity(batch.len());
        for &uid in batch {
            match bodies.remove(&uid) {
                Some((raw, header_only)) => {
                    let mut next = state.clone();
                    next.last_uid = uid;
                    items.push((FetchedMessage { uid, raw, header_only, size: sizes.get(&uid).copied() }, next));
                }
                None => report.vanished += 1,
            }
        }
        let (done, failure) = intake.commit_all(&items);
        report.committed += done as u32;
        if let Some((_, last)) = done.checked_sub(1).and_then(|i| items.get(i)) {
            state = last.clone();
        }
        if let Some(e) = failure {
            return Err(FetchError::Intake(e));
        }
        if let Some(&max) = batch.last() {
            state.last_uid = state.last_uid.max(max);
        }
        if done > 0 {
            let set = items.iter().map(|(m, _)| m.uid.to_string()).collect::<Vec<_>>().join(",");
            mark(&mut session, &account.processed, &set).map_err(ierr)?;
            report.marked += done as u32;
            state.flagged_uid = state.last_uid;
        }
        intake.record(&state).map_err(FetchError::Intake)?;
        report.last_uid = state.last_uid;
    }
    let _ = session.logout();
    Ok(report)
}

fn mark(session: &mut Session, processed: &Processed, set: &str) -> imap::error::Result<()> {
    match processed {
        Processed::Flag(flag) => session.uid_store(set, format!("+FLAGS.SILENT ({flag})")).map(|_| ()),
        Processed::Move(folder) => session.uid_mv(set, folder),
    }
}
