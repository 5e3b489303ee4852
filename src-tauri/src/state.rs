//! The app's state: its data directory, the open store's two connections once unlocked,
//! the audit entries that reads still owe, who is acting (the `Stamp` every write and
//! audited read carries) and the text extractor. Commands and background tasks reach the
//! database only through the methods here.
//!
//! Two connections, so that no screen freezes behind a long write (a bulk purge takes
//! seconds): the writer runs every write, one at a time; the reader (read-only, WAL) serves
//! the screens' reads meanwhile. A read the audit log records (a profile, a document, a
//! search) does not wait for the writer to write its entry: the entry is queued with the
//! time of the read and appended by the writer as soon as it is free, at the start of the
//! next write, after the purge, right after the read when the writer is idle, and at exit
//! (docs/decisions.md, "A view's audit entry may follow it by a few seconds").

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use vivier::audit::PendingAudit;
use vivier::data_dir::DataDir;
use vivier::db::{Reader, Store};
use vivier::documents::Extractor;
use vivier::pipeline::{PipelineError, Stamp};

use crate::error::{CommandError, CommandResult};

/// How the open store's key is kept.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keyring,
    Passphrase,
}

/// The app's state: its data directory and, once unlocked, the store's connections.
/// Locks are taken in one order only (writer, then reader or the queue), never the reverse.
pub struct AppState {
    dir: DataDir,
    /// The writer: every write, and the reads whose audit entry the engine still writes in
    /// their own transaction (retention status, hiring details, custom values).
    writer: Mutex<Option<Store>>,
    /// The reader: the screens' reads, answered while the writer is busy.
    reader: Mutex<Option<(Reader, KeySource)>>,
    /// Audit entries owed by reads made on the reader, oldest first.
    owed: Mutex<Vec<PendingAudit>>,
}

fn lock<T>(mutex: &Mutex<T>) -> CommandResult<MutexGuard<'_, T>> {
    mutex.lock().map_err(|_| CommandError::internal())
}

impl AppState {
    pub fn new(root: PathBuf) -> AppState {
        AppState { dir: DataDir::new(root), writer: Mutex::new(None), reader: Mutex::new(None), owed: Mutex::default() }
    }

    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    /// Whether the store is open (asked of the reader's slot: never waits for a write).
    pub fn is_open(&self) -> CommandResult<bool> {
        Ok(lock(&self.reader)?.is_some())
    }

    /// Runs the write `f` on the writer, holding it for the duration of the call. The
    /// audit entries reads owe are appended first (a failure to append them fails the
    /// write: nothing is written while views go unrecorded), and again after `f`, for the
    /// reads made while it ran.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> CommandResult<T>) -> CommandResult<T> {
        let out = {
            let mut writer = lock(&self.writer)?;
            let store = writer.as_mut().ok_or_else(CommandError::store_closed)?;
            self.flush(store)?;
            let out = f(store);
            self.flush_quietly(store);
            out
        };
        // A read that came back between that flush and the release found the writer busy.
        self.try_flush();
        out
    }

    /// Runs `f` on the writer if the store is open (None otherwise), for background work;
    /// owed audit entries are appended before and after, as for a command.
    pub fn with_open_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        let out = {
            let mut writer = self.writer.lock().ok()?;
            let store = writer.as_mut()?;
            self.flush_quietly(store);
            let out = f(store);
            self.flush_quietly(store);
            out
        };
        self.try_flush();
        Some(out)
    }

    /// Hands the writer and the reader to `f`, which closes them and gives back the ones it
    /// opens (a restore), with its outcome. Both locks are held throughout. When `f` fails
    /// to give a store back, the slots stay empty: the app shows its unlock flow again.
    pub fn replace_store<T>(
        &self,
        f: impl FnOnce(Store, Reader) -> CommandResult<(Store, Reader, CommandResult<T>)>,
    ) -> CommandResult<T> {
        let mut writer = lock(&self.writer)?;
        let mut reader = lock(&self.reader)?;
        let mut store = writer.take().ok_or_else(CommandError::store_closed)?;
        let Some((opened, source)) = reader.take() else {
            *writer = Some(store);
            return Err(CommandError::store_closed());
        };
        self.flush_quietly(&mut store);
        let (store, opened, out) = f(store, opened)?;
        *writer = Some(store);
        *reader = Some((opened, source));
        out
    }

    /// Runs the read `f` on the reader: it never waits for the writer.
    pub fn with_reader<T>(&self, f: impl FnOnce(&Store) -> CommandResult<T>) -> CommandResult<T> {
        let out = {
            let reader = lock(&self.reader)?;
            let (reader, _) = reader.as_ref().ok_or_else(CommandError::store_closed)?;
            f(reader)
        };
        self.try_flush();
        out
    }

    /// Runs the audited read `f` on the reader, queues the audit entry it owes, and
    /// appends the queue at once if the writer is idle (without waiting for it otherwise).
    pub fn with_audited_read<T>(&self, f: impl FnOnce(&Store) -> CommandResult<(T, PendingAudit)>) -> CommandResult<T> {
        let (out, owed) = {
            let reader = lock(&self.reader)?;
            let (reader, _) = reader.as_ref().ok_or_else(CommandError::store_closed)?;
            f(reader)?
        };
        self.queue().push(owed);
        self.try_flush();
        Ok(out)
    }

    /// Runs `f` on the reader and how the key is kept.
    pub fn with_reader_source<T>(&self, f: impl FnOnce(&Store, KeySource) -> CommandResult<T>) -> CommandResult<T> {
        let reader = lock(&self.reader)?;
        let (reader, source) = reader.as_ref().ok_or_else(CommandError::store_closed)?;
        f(reader, *source)
    }

    /// Opens the store's writer and reader with `open` unless they are open already, keeps
    /// them, and describes the store with `describe`. The writer's lock is held throughout,
    /// so two calls never open the store twice.
    pub fn open_with<T>(
        &self,
        source: KeySource,
        open: impl FnOnce(&DataDir) -> CommandResult<(Store, Reader)>,
        describe: impl FnOnce(&Store, KeySource) -> CommandResult<T>,
    ) -> CommandResult<T> {
        let mut writer = lock(&self.writer)?;
        let mut reader = lock(&self.reader)?;
        if let Some((reader, source)) = reader.as_ref() {
            return describe(reader, *source);
        }
        let (store, opened) = open(&self.dir)?;
        let described = describe(&store, source)?;
        *writer = Some(store);
        *reader = Some((opened, source));
        Ok(described)
    }

    /// The queue of owed entries. A panic elsewhere cannot leave it half-changed (each
    /// change is one push or one swap), so a poisoned lock is taken over.
    fn queue(&self) -> MutexGuard<'_, Vec<PendingAudit>> {
        self.owed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends the owed audit entries with the writer, waiting for the database's write
    /// lock if another process holds it; on failure they stay queued.
    fn flush(&self, store: &mut Store) -> Result<(), PipelineError> {
        let entries = std::mem::take(&mut *self.queue());
        store.append_audit(&entries).inspect_err(|_| self.requeue(entries))
    }

    /// `flush` where a failure cannot be reported: the entries stay queued for the next try.
    fn flush_quietly(&self, store: &mut Store) {
        if let Err(e) = self.flush(store) {
            eprintln!("vivier: owed audit entries not appended yet ({}); they will be", e.code());
        }
    }

    /// Appends the owed entries if the writer is idle, in this process and in the database
    /// (another process may hold its write lock); otherwise leaves them queued at once.
    /// Whoever holds the writer calls this after releasing it, and looks again after each
    /// append: an entry queued while the writer was held is never left behind.
    pub fn try_flush(&self) {
        while !self.queue().is_empty() {
            let Ok(mut writer) = self.writer.try_lock() else { return };
            let Some(store) = writer.as_mut() else { return };
            let entries = std::mem::take(&mut *self.queue());
            match store.try_append_audit(&entries) {
                Ok(true) => {}
                Ok(false) => return self.requeue(entries),
                Err(e) => {
                    eprintln!("vivier: owed audit entries not appended yet ({}); they will be", e.code());
                    return self.requeue(entries);
                }
            }
        }
    }

    /// Puts entries that could not be appended back at the head of the queue.
    fn requeue(&self, mut entries: Vec<PendingAudit>) {
        let mut queue = self.queue();
        entries.append(&mut queue);
        *queue = entries;
    }

    /// At exit: waits for the writer and appends what is still owed.
    pub fn flush_at_exit(&self) {
        if let Ok(mut writer) = self.writer.lock()
            && let Some(store) = writer.as_mut()
        {
            self.flush_quietly(store);
        }
    }

    /// How many audit entries reads still owe.
    #[cfg(test)]
    fn owed_count(&self) -> usize {
        self.queue().len()
    }
}

/// Who is acting: VIVIER_ACTOR, else the OS user, else "desktop"; stamped now.
pub fn stamp() -> Stamp {
    let actor = Stamp::os_actor().unwrap_or_else(|| "desktop".into());
    Stamp::new(actor, crate::clock::now())
}

/// Text extraction runs in this very binary, started again in its child mode.
pub fn extractor() -> CommandResult<Extractor> {
    Extractor::this_binary().map_err(|_| CommandError::internal())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    use chrono::Utc;
    use vivier::data_dir::Protection;
    use vivier::keys::Passphrase;
    use vivier::pipeline::search::SearchFilter;

    use super::*;

    /// A data directory under the system's temp directory, removed on drop.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new(name: &str) -> TempRoot {
            let root = std::env::temp_dir().join(format!("vivier-app-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            TempRoot(root)
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// An app state over a new store with `people` synthetic candidates (half of them on
    /// the first job's board), as the UI's first-run flow opens it.
    fn open_state(root: &Path, people: u64) -> (AppState, vivier::db::Seeded) {
        let state = AppState::new(root.to_owned());
        let passphrase = Passphrase::new("correct horse battery staple".into());
        state
            .open_with(
                KeySource::Passphrase,
                |dir| Ok(dir.init_with_reader(Protection::Passphrase(&passphrase))?),
                |_, _| Ok(()),
            )
            .unwrap();
        let seeded = state.with_store(|s| Ok(s.seed_synthetic(people, 2, people / 2, 1_500, 5, Utc::now())?)).unwrap();
        (state, seeded)
    }

    fn someone(state: &AppState) -> String {
        state.with_reader(|r| Ok(r.candidates(1, 0)?.remove(0).uuid)).unwrap()
    }

    fn audit_actions(state: &AppState, candidate: &str) -> Vec<(String, String)> {
        state
            .with_reader(|r| Ok(r.audit_entries(Some(candidate), 10)?))
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.at))
            .collect()
    }

    /// While a write holds the writer for 3 s, the board, a profile and a search answer
    /// through the reader before it ends; the profile's and the search's audit entries wait
    /// in the queue, and the writer appends them (with the time of the read) once it is free.
    #[test]
    fn reads_answer_while_a_write_holds_the_writer() {
        let root = TempRoot::new("held");
        let (state, seeded) = open_state(&root.0, 400);
        let candidate = someone(&state);
        let committed = AtomicBool::new(false);
        let (held_tx, held) = mpsc::channel();
        let read_at = Utc::now();
        thread::scope(|scope| {
            scope.spawn(|| {
                state
                    .with_store(|store| {
                        let conn = store.connection();
                        conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('t', 'held');")
                            .unwrap();
                        held_tx.send(()).unwrap();
                        thread::sleep(Duration::from_secs(3));
                        conn.execute_batch("COMMIT").unwrap();
                        committed.store(true, Ordering::SeqCst);
                        Ok(())
                    })
                    .unwrap();
            });
            held.recv().unwrap();
            let mut latencies = Vec::new();
            let mut timed = |what: &'static str, read: &mut dyn FnMut()| {
                let started = Instant::now();
                read();
                latencies.push((what, started.elapsed()));
                assert!(!committed.load(Ordering::SeqCst), "the {what} waited for the write to end");
            };
            timed("board", &mut || {
                let board = state.with_reader(|r| Ok(r.board(&seeded.big_job, None, 0, 50)?)).unwrap();
                assert_eq!(board.columns.iter().map(|c| c.total).sum::<u64>(), seeded.big_job_applications);
            });
            timed("profile", &mut || {
                let stamp = Stamp::new("hr.test", read_at);
                let profile = state.with_audited_read(|r| Ok(r.read_profile(&stamp, &candidate)?)).unwrap();
                assert_eq!(profile.candidate.uuid, candidate);
            });
            timed("search", &mut || {
                let filter = SearchFilter::default();
                let hits = state.with_audited_read(|r| Ok(r.read_search(&stamp(), "curriculum", &filter)?)).unwrap();
                assert!(!hits.is_empty());
            });
            println!("reads while a write holds the writer: {latencies:?}");
            assert_eq!(state.owed_count(), 2, "both audit entries wait for the writer");
            assert!(audit_actions(&state, &candidate).is_empty(), "nothing appended yet");
        });
        assert_eq!(state.owed_count(), 0, "the writer appended the owed entries as soon as it was free");
        let view = audit_actions(&state, &candidate);
        assert_eq!(view.len(), 1, "{view:?}");
        assert_eq!(view[0].0, "view");
        let at = chrono::DateTime::parse_from_rfc3339(&view[0].1).unwrap();
        assert!((at.to_utc() - read_at).abs() < chrono::Duration::milliseconds(1), "the entry keeps the read's time");
        assert!(state.with_reader(|r| Ok(r.verify_audit()?)).unwrap().first_broken.is_none());
    }

    /// With the writer idle, an audited read's entry is appended right after the read.
    #[test]
    fn an_idle_writer_appends_the_entry_at_once() {
        let root = TempRoot::new("idle");
        let (state, _) = open_state(&root.0, 10);
        let candidate = someone(&state);
        state.with_audited_read(|r| Ok(r.read_profile(&stamp(), &candidate)?)).unwrap();
        assert_eq!(state.owed_count(), 0);
        assert_eq!(audit_actions(&state, &candidate).len(), 1);
    }

    /// A real bulk purge run by the purge task's path (`with_open_store`): the board and a
    /// profile answer through the reader while it runs. Latencies are printed, not bounded
    /// (this machine is shared and loaded); what is asserted is that reads came back
    /// before the purge ended, and that the profile views were appended right after it.
    #[test]
    fn the_board_and_a_profile_answer_during_a_bulk_purge() {
        let root = TempRoot::new("purge");
        let (state, seeded) = open_state(&root.0, 4_000);
        let recent = Utc::now() - chrono::Duration::days(300);
        let kept = state
            .with_reader(|r| Ok(r.candidates(100, 0)?.into_iter().find(|c| c.created_at > recent).unwrap().uuid))
            .unwrap();
        // A year from now, those created more than a year ago are past the pool period.
        let later = Utc::now() + chrono::Duration::days(365);
        let (started_tx, started) = mpsc::channel();
        let (report, took, ended, reads) = thread::scope(|scope| {
            let purger = scope.spawn(|| {
                state
                    .with_open_store(|store| {
                        started_tx.send(()).unwrap();
                        let began = Instant::now();
                        let report = store.purge(&Stamp::new("hr.test", later), later, false).unwrap();
                        (report, began.elapsed(), Instant::now())
                    })
                    .unwrap()
            });
            started.recv().unwrap();
            let mut reads: Vec<(&str, Duration, Instant)> = Vec::new();
            while !purger.is_finished() {
                let t0 = Instant::now();
                state.with_reader(|r| Ok(r.board(&seeded.big_job, None, 0, 50)?)).unwrap();
                reads.push(("board", t0.elapsed(), Instant::now()));
                let t0 = Instant::now();
                state.with_audited_read(|r| Ok(r.read_profile(&stamp(), &kept)?)).unwrap();
                reads.push(("profile", t0.elapsed(), Instant::now()));
                thread::sleep(Duration::from_millis(20));
            }
            let (report, took, ended) = purger.join().unwrap();
            (report, took, ended, reads)
        });
        assert!(report.purged.len() > 1_000, "{} purged", report.purged.len());
        // The reader's snapshots never keep the purged pages in the WAL: the checkpoint
        // waits for the reads in progress and truncates it.
        assert_eq!(report.cleanup.as_ref().map(|c| c.wal_truncated), Some(true));
        let during: Vec<_> = reads.iter().filter(|(_, _, at)| *at < ended).collect();
        let worst = |what: &str| during.iter().filter(|r| r.0 == what).map(|r| r.1).max();
        let views = during.iter().filter(|r| r.0 == "profile").count();
        println!(
            "purge of {} people: {took:?}; {} reads answered during it, the slowest board {:?}, profile {:?}",
            report.purged.len(),
            during.len(),
            worst("board"),
            worst("profile"),
        );
        assert!(views > 0 && worst("board").is_some(), "no board or profile came back before the purge ended");
        assert_eq!(state.owed_count(), 0, "the views were appended right after the purge");
        let appended = audit_actions(&state, &kept).len();
        assert!(appended >= views.min(10), "{appended} views appended of {views}");
    }
}
