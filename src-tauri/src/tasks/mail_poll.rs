//! The app's mail check: while the app is open and an IMAP mailbox is configured, its new
//! messages are fetched every few minutes (the account's interval, 5 by default) and when
//! HR asks ("check mail now"), one check at a time: a check asked while another runs
//! waits for it to end. The network is never reached under the store's lock: the settings
//! and the mailbox's sync state are read, the lock let go, the server read; each batch the
//! server gave is then taken in under the lock by the engine's intake
//! (`vivier::mail::FetchIntake`), and the lock let go again before the next round trip.
//! After each check the open screens are told (the Inbox and the Requests refresh); a
//! failure is kept as the status's last error (its code and sentence), shown quietly, and
//! the next check runs as planned. Nothing about a message is logged. Each check also sends
//! what the outbox holds due when SMTP is set up (the same short writes, the SMTP exchange
//! between them), and runs every five minutes for sending alone when only SMTP is set up;
//! a message HR queues is sent at once ([`send_soon`]).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use vivier::documents::Extractor;
use vivier::mail::FetchIntake;
use vivier::mail::transport::MailTransportError;
use vivier::mail::transport::imap::{self, FetchError, FetchedMessage};
use vivier::mail::transport::outbox::{self, OutboxWrites, StoreWrites, Tx};
use vivier::mail::transport::settings::{self, Server};
use vivier::mail::transport::sync::{self, Intake, SyncState};

use crate::clock;
use crate::commands::mail_settings::{password, transport};
use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, extractor, stamp};

/// The event the UI listens to after each check (payload: the [`MailCheck`]).
pub const MAIL_CHECKED_EVENT: &str = "vivier://mail-checked";

/// Where the app's mail check stands.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct MailCheck {
    /// An IMAP mailbox is configured.
    pub configured: bool,
    /// How often the app checks, in minutes (when configured).
    pub every_minutes: Option<u32>,
    /// When the last check ended, successful or not.
    pub last_check: Option<DateTime<Utc>>,
    /// The last check's failure, if it failed.
    pub last_error: Option<CommandError>,
    /// What the last successful check took in.
    pub taken: Taken,
    /// Messages of the outbox the last check sent.
    pub sent: u32,
}

/// How many fetched messages ended each way.
#[derive(Debug, Clone, Copy, Default, Serialize, ts_rs::TS)]
pub struct Taken {
    pub matched: u32,
    pub triaged: u32,
    pub duplicate: u32,
    pub rejected: u32,
}

impl Taken {
    fn add(&mut self, (matched, triaged, duplicate, rejected): (usize, usize, usize, usize)) {
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        self.matched = self.matched.saturating_add(n(matched));
        self.triaged = self.triaged.saturating_add(n(triaged));
        self.duplicate = self.duplicate.saturating_add(n(duplicate));
        self.rejected = self.rejected.saturating_add(n(rejected));
    }
}

/// The check's state, managed by the app: one check at a time, and its last outcome.
#[derive(Default)]
pub struct MailPoll {
    /// Held for the duration of a check.
    turn: Mutex<()>,
    status: Mutex<MailCheck>,
    /// When the last check started, for the timer.
    last_run: Mutex<Option<Instant>>,
}

/// A lock whose data stays whole whatever panicked while it was held (a status, a time).
fn hold<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The status of the mail check, with the settings as saved now.
pub fn status(app: &AppHandle) -> MailCheck {
    let mut status = hold(&app.state::<MailPoll>().status).clone();
    describe(&mut status, interval(app));
    status
}

fn describe(status: &mut MailCheck, every: Option<Duration>) {
    status.configured = every.is_some();
    status.every_minutes = every.map(|d| u32::try_from(d.as_secs() / 60).unwrap_or(u32::MAX));
}

/// The engine's intake over the app's store: each batch the transport read is taken in
/// under the writer's lock, which is let go before the next round trip to the server.
struct LockedIntake<'a> {
    state: &'a AppState,
    extractor: &'a Extractor,
    actor: String,
    taken: Taken,
}

impl Intake for LockedIntake<'_> {
    type Error = CommandError;

    fn commit(&mut self, message: &FetchedMessage, after: &SyncState) -> Result<(), CommandError> {
        match self.commit_all(&[(message.clone(), after.clone())]) {
            (_, Some(e)) => Err(e),
            (_, None) => Ok(()),
        }
    }

    fn record(&mut self, state: &SyncState) -> Result<(), CommandError> {
        self.state.with_store(|store| Ok(sync::record::<vivier::mail::MailError>(store, state, clock::now())?))
    }

    fn commit_all(&mut self, batch: &[(FetchedMessage, SyncState)]) -> (usize, Option<CommandError>) {
        let outcome = self.state.with_store(|store| {
            let mut intake = FetchIntake::new(store, self.actor.clone(), clock::now, self.extractor)?;
            let (done, failure) = intake.commit_all(batch);
            Ok((done, failure.map(CommandError::from), intake.counts()))
        });
        match outcome {
            Ok((done, failure, counts)) => {
                self.taken.add(counts);
                (done, failure)
            }
            Err(e) => (0, Some(e)),
        }
    }
}

/// One fetch of the configured mailbox into the intake.
fn fetch(app: &AppHandle) -> CommandResult<Taken> {
    let state = app.state::<AppState>();
    let (mut account, sync_state, max_size) = state.with_store(|store| {
        let account = settings::load_imap(store).map_err(transport)?;
        let sync_state = sync::load(store.connection(), &account.state_key(), &account.mailbox)
            .map_err(|e| transport(MailTransportError::from(e)))?;
        let max_size = store.mail_limits()?.max_size;
        Ok((account, sync_state, max_size))
    })?;
    let password = password(&state, Server::Imap)?;
    // A message the intake would refuse as too large need not be read whole.
    account.max_message_bytes = account.max_message_bytes.min(u64::try_from(max_size).unwrap_or(u64::MAX));
    let extractor = extractor()?;
    let mut intake =
        LockedIntake { state: &state, extractor: &extractor, actor: stamp().actor, taken: Taken::default() };
    imap::fetch(&account, &password, sync_state, &mut intake).map_err(|e| match e {
        FetchError::Transport(e) => transport(e),
        FetchError::Intake(e) => e,
    })?;
    Ok(intake.taken)
}

/// The outbox's short writes, each under the store's lock, let go before the network.
struct LockedOutbox<'a> {
    state: &'a AppState,
}

impl OutboxWrites for LockedOutbox<'_> {
    fn write_outbox(
        &mut self,
        f: &mut dyn FnMut(&Tx<'_>) -> Result<(), MailTransportError>,
    ) -> Result<(), MailTransportError> {
        let mut out = Ok(());
        self.state
            .with_store(|store| {
                out = StoreWrites(store).write_outbox(f);
                Ok(())
            })
            .map_err(|e| MailTransportError::Invalid(e.message))?;
        out
    }
}

/// Sends what the outbox holds due, when SMTP is set up (0 when it is not).
fn send(app: &AppHandle) -> CommandResult<u32> {
    let state = app.state::<AppState>();
    let Some(smtp) = state.with_reader(|store| Ok(settings::load_smtp(store).ok()))? else {
        return Ok(0);
    };
    let password = password(&state, Server::Smtp)?;
    let report = outbox::send_due_through(&mut LockedOutbox { state: &state }, &smtp.endpoint, &password, clock::now())
        .map_err(transport)?;
    Ok(report.sent)
}

/// Whether SMTP is set up (the store open).
fn smtp_set(app: &AppHandle) -> bool {
    let state = app.state::<AppState>();
    state.with_reader(|store| Ok(settings::load_smtp(store).is_ok())).unwrap_or(false)
}

/// Sends the outbox now, on a blocking thread, after any check in progress: what HR just
/// queued leaves without waiting for the timer. A failure stays in the outbox (retried).
pub fn send_soon(app: AppHandle) {
    tauri::async_runtime::spawn_blocking(move || {
        let poll = app.state::<MailPoll>();
        let _turn = hold(&poll.turn);
        if let Err(e) = send(&app) {
            eprintln!("vivier: sending the outbox failed ({}); it will be tried again", e.code.as_str());
        }
    });
}

/// The interval of the configured mailbox, None when none is configured (or the store is
/// not open yet).
fn interval(app: &AppHandle) -> Option<Duration> {
    let state = app.state::<AppState>();
    let secs = state.with_reader(|store| Ok(settings::load_imap(store).ok().map(|a| a.poll_secs))).ok()??;
    Some(Duration::from_secs(secs.max(60)))
}

/// Checks the mailbox now, after any check in progress; records and announces the outcome.
/// Answers the status, or the check's error (kept in the status too).
pub fn check(app: &AppHandle) -> CommandResult<MailCheck> {
    check_as(app, false)
}

/// [`check`]; from the timer (`timer`), a mailbox that is not configured is not an error
/// (SMTP alone is set up: the check only sends).
fn check_as(app: &AppHandle, timer: bool) -> CommandResult<MailCheck> {
    let poll = app.state::<MailPoll>();
    let _turn = hold(&poll.turn);
    *hold(&poll.last_run) = Some(Instant::now());
    let every = interval(app);
    let outcome = if timer && every.is_none() { Ok(Taken::default()) } else { fetch(app) };
    let sent = send(app);
    let outcome = outcome.and_then(|taken| sent.map(|n| (taken, n)));
    let status = {
        let mut status = hold(&poll.status);
        describe(&mut status, every);
        status.last_check = Some(clock::now());
        match &outcome {
            Ok((taken, sent)) => {
                status.last_error = None;
                status.taken = *taken;
                status.sent = *sent;
            }
            Err(e) => {
                eprintln!("vivier: the mail check failed ({}); it will run again", e.code.as_str());
                status.last_error = Some(e.clone());
            }
        }
        status.clone()
    };
    let _ = app.emit(MAIL_CHECKED_EVENT, &status);
    outcome.map(|_| status)
}

/// Looks every few seconds whether a mailbox is configured and its interval has passed
/// since the last check (none yet: at once), then checks on a blocking thread. A failure
/// is kept in the status; it never stops the app.
pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let Some(every) = interval(&app).or_else(|| smtp_set(&app).then_some(Duration::from_secs(300))) else {
                continue;
            };
            let last = *hold(&app.state::<MailPoll>().last_run);
            if last.is_some_and(|l| l.elapsed() < every) {
                continue;
            }
            let handle = app.clone();
            let _ = tauri::async_runtime::spawn_blocking(move || check_as(&handle, true)).await;
        }
    });
}
