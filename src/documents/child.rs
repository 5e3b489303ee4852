//! Text extraction in a child process with time and memory limits: the parent side
//! ([`Extractor`]) and the child side ([`run_child`]).

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{DocumentFormat, extract_text};
use crate::error::Code;

/// The marker that starts the child's answer line on stdout.
const ANSWER_MARKER: &str = "VIVIER-EXTRACT ";
/// The environment variable that carries the format to the child.
const FORMAT_VAR: &str = "VIVIER_EXTRACT_FORMAT";
/// How many extraction children work at the same time for [`Extractor::extract_many`]
/// (at most one per processor).
pub const CHILDREN: usize = 2;
/// The fewest documents worth a child of their own.
const MIN_SHARE: usize = 4;
/// The "format" that asks the child for many documents, each framed on stdin as
/// `<format> <length>\n<bytes>`, each answered by one answer line, until its input ends.
const BATCH_FORMAT: &str = "batch";
/// The most the child reads from stdin: well above any size limit a user would set.
const MAX_CHILD_INPUT: u64 = 256 * 1000 * 1000;
/// The most the parent reads from the child's stdout (escaped JSON of capped text).
const MAX_CHILD_OUTPUT: u64 = 64 * 1000 * 1000;
/// Default time limit.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default address-space limit: 1 GiB.
const DEFAULT_MEMORY_LIMIT: u64 = 1 << 30;
/// How many seconds of CPU time the child may use when it sets its own limit.
const CHILD_CPU_SECONDS: u64 = 30;
/// Environment variables the child keeps (the dynamic loader's search path and PATH);
/// anything else, such as a passphrase, is not passed on.
const KEPT_ENV: [&str; 2] = ["PATH", "LD_LIBRARY_PATH"];

/// The outcome of extracting a document's text. Never an error: a document whose text
/// cannot be read is stored without text, with the reason.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extraction {
    /// The document's text (possibly cut at [`MAX_TEXT_LEN`](super::MAX_TEXT_LEN)).
    Text(String),
    /// No text: the reason, for people; it never quotes document content.
    NoText { reason: String },
}

impl Extraction {
    /// The text, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::NoText { .. } => None,
        }
    }
}

/// Why a document has no text, as a stable code: the profile shows it ("encrypted: no
/// text", "no text: could not be checked") and the UI branches on it, never on the reason's
/// words. Stored with the document (`documents.text_reason`, migration 0008).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NoTextReason {
    /// The document holds no text: a scan, or images only.
    NoText,
    /// The document needs a password to be opened (an encrypted PDF).
    Encrypted,
    /// The text could not be read: a damaged file, or one over the limits of time, memory
    /// or size.
    Unreadable,
}

impl NoTextReason {
    /// Every reason, in a stable order.
    pub const ALL: [NoTextReason; 3] = [Self::NoText, Self::Encrypted, Self::Unreadable];

    /// The stable code: `no_text`, `encrypted`, `unreadable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoText => "no_text",
            Self::Encrypted => "encrypted",
            Self::Unreadable => "unreadable",
        }
    }

    /// The reason a stored code stands for.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// The reason behind the error code of a failed extraction.
    fn of_error(code: Code) -> Self {
        match code {
            Code::Encrypted => Self::Encrypted,
            _ => Self::Unreadable,
        }
    }
}

/// Redacted: a `{:?}` in a log or a failed assertion must not print a candidate's CV.
impl std::fmt::Debug for Extraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(text) => write!(f, "Text(<{} bytes>)", text.len()),
            Self::NoText { reason } => f.debug_struct("NoText").field("reason", reason).finish(),
        }
    }
}

/// Runs [`extract_text`] in a child process, bounded in time and memory.
///
/// The child is `program args…`, which must call [`run_child`] (e.g. `vivier
/// __extract-text`). It is given the format in `VIVIER_EXTRACT_FORMAT`, the document on
/// stdin, a cleared environment (plus `PATH`, `LD_LIBRARY_PATH` and [`env`](Self::env)),
/// no stderr, and on Unix, before it starts: an address-space limit of
/// [`memory_limit`](Self::memory_limit), a CPU-time limit of `timeout` rounded up plus one
/// second, no core dumps (a core file would be plaintext on disk), no file writes, and
/// on Linux death when the parent dies.
#[derive(Clone, Debug)]
pub struct Extractor {
    /// The program to start (usually `std::env::current_exe()`).
    pub program: PathBuf,
    /// Its arguments, e.g. `["__extract-text"]`.
    pub args: Vec<String>,
    /// Wall-clock limit, after which the child is killed. Default 10 s.
    pub timeout: Duration,
    /// Address-space limit of the child, in bytes (Unix). Default 1 GiB.
    pub memory_limit: u64,
    /// Extra environment variables for the child (tests use it; none by default).
    pub env: Vec<(String, String)>,
}

/// The argument that starts a Vivier binary (CLI or app) as the extraction child.
pub const CHILD_ARG: &str = "__extract-text";

impl Extractor {
    /// The running binary, started again as the extraction child (`CHILD_ARG`), with the
    /// default limits. Each door's `main` hands `CHILD_ARG` to [`run_child`].
    pub fn this_binary() -> std::io::Result<Self> {
        Ok(Self::new(std::env::current_exe()?, vec![CHILD_ARG.into()]))
    }

    /// An extractor with the default limits (10 s, 1 GiB).
    pub fn new(program: PathBuf, args: Vec<String>) -> Self {
        Self { program, args, timeout: DEFAULT_TIMEOUT, memory_limit: DEFAULT_MEMORY_LIMIT, env: Vec::new() }
    }

    /// Extract the text of `bytes` (recognised as `format`) in a child process. Never
    /// panics and never fails: anything that goes wrong is [`Extraction::NoText`].
    pub fn extract(&self, format: DocumentFormat, bytes: &[u8]) -> Extraction {
        self.extract_with_reason(format, bytes).0
    }

    /// [`extract`](Self::extract), with the code of the reason when there is no text.
    pub fn extract_with_reason(&self, format: DocumentFormat, bytes: &[u8]) -> (Extraction, Option<NoTextReason>) {
        Self::outcome(self.run(format, bytes))
    }

    /// The child's command: cleared environment, piped stdin/stdout, no stderr, the limits
    /// set before `exec` (CPU time: `documents` times the per-document allowance).
    fn command(&self, format: &str, documents: usize) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).env_clear();
        for name in KEPT_ENV {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env(FORMAT_VAR, format)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        #[cfg(unix)]
        limit_before_exec(&mut command, self.memory_limit, self.timeout, documents);
        command
    }

    /// The text of each document of `documents`, in order, as [`extract_with_reason`]
    /// gives it, through one child for the lot instead of one each (a process start is
    /// most of the cost of a small document). Each document keeps its own limits: the
    /// child is killed when one document's answer takes longer than
    /// [`timeout`](Self::timeout) (or its answer is over the output cap, or unreadable),
    /// its CPU time is limited per document (the child lowers its own soft limit before
    /// each one), its address space is [`memory_limit`](Self::memory_limit) as before
    /// (nothing is kept from one document to the next). A document that kills the child
    /// gets [`NoTextReason::Unreadable`]; the documents after it go to a new child.
    ///
    /// [`extract_with_reason`]: Self::extract_with_reason
    ///
    /// Many documents are shared between [`CHILDREN`] children working at the same time
    /// (each its own share, in order), on as many processors as there are.
    pub fn extract_many(&self, documents: &[(DocumentFormat, &[u8])]) -> Vec<(Extraction, Option<NoTextReason>)> {
        let children = std::thread::available_parallelism().map_or(1, |n| n.get()).min(CHILDREN);
        if children < 2 || documents.len() < 2 * MIN_SHARE {
            return self.extract_in_one(documents);
        }
        let share = documents.len().div_ceil(children);
        std::thread::scope(|scope| {
            let shares: Vec<_> =
                documents.chunks(share).map(|chunk| scope.spawn(move || self.extract_in_one(chunk))).collect();
            shares
                .into_iter()
                .zip(documents.chunks(share))
                .flat_map(|(share, chunk)| {
                    share.join().unwrap_or_else(|_| {
                        chunk
                            .iter()
                            .map(|_| Self::outcome(Err("text extraction could not be followed".into())))
                            .collect()
                    })
                })
                .collect()
        })
    }

    /// [`extract_many`](Self::extract_many) through one child at a time.
    fn extract_in_one(&self, documents: &[(DocumentFormat, &[u8])]) -> Vec<(Extraction, Option<NoTextReason>)> {
        let mut answers: Vec<Result<Answer, String>> = Vec::with_capacity(documents.len());
        while let Some(rest) = documents.get(answers.len()..).filter(|r| !r.is_empty()) {
            let before = answers.len();
            self.run_many(rest, &mut answers);
            if answers.len() == before {
                // Never loop without progress.
                answers.push(Err("text extraction ended without an answer".into()));
            }
        }
        answers.into_iter().map(Self::outcome).collect()
    }

    /// One child for `documents` (see [`extract_many`](Self::extract_many)): pushes an
    /// answer for each document in order, stopping after the first that the child did not
    /// answer (a failure), so that the caller starts a new child for the rest.
    fn run_many(&self, documents: &[(DocumentFormat, &[u8])], answers: &mut Vec<Result<Answer, String>>) {
        let mut child = match self.command(BATCH_FORMAT, documents.len()).spawn() {
            Ok(child) => child,
            Err(e) => {
                // Nothing would start a second time either.
                let reason = format!("text extraction could not be started ({e})");
                answers.extend(documents.iter().map(|_| Err(reason.clone())));
                return;
            }
        };
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (sender, receiver) = std::sync::mpsc::channel::<Result<Answer, String>>();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let Some(mut pipe) = stdin else { return };
                for (format, bytes) in documents {
                    let header = format!("{} {}\n", format.as_str(), bytes.len());
                    // A child that stops reading (killed, crashed) makes this fail: fine.
                    if pipe.write_all(header.as_bytes()).and_then(|()| pipe.write_all(bytes)).is_err() {
                        return;
                    }
                }
            });
            scope.spawn(move || {
                let Some(pipe) = stdout else { return };
                let mut reader = std::io::BufReader::new(pipe);
                let mut line = Vec::new();
                loop {
                    line.clear();
                    match (&mut reader).take(MAX_CHILD_OUTPUT).read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if !line.ends_with(b"\n") && line.len() as u64 >= MAX_CHILD_OUTPUT => {
                            let _ = sender.send(Err("text extraction gave an answer over the size allowed".into()));
                            return;
                        }
                        Ok(_) => {}
                    }
                    if let Some(json) = line.strip_prefix(ANSWER_MARKER.as_bytes()) {
                        let answer = serde_json::from_slice::<Answer>(json)
                            .map_err(|_| "text extraction gave an unreadable answer".to_string());
                        let failed = answer.is_err();
                        if sender.send(answer).is_err() || failed {
                            return;
                        }
                    }
                }
            });
            for _ in documents {
                match receiver.recv_timeout(self.timeout) {
                    Ok(Ok(answer)) => answers.push(Ok(answer)),
                    Ok(Err(reason)) => {
                        answers.push(Err(reason));
                        break;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        answers.push(Err(format!(
                            "text extraction took longer than {} s and was stopped",
                            self.timeout.as_secs_f64()
                        )));
                        break;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        // The child ended before answering this document.
                        answers.push(Err(match child.wait() {
                            Ok(status) => describe_failure(status),
                            Err(e) => format!("text extraction could not be followed ({e})"),
                        }));
                        break;
                    }
                }
            }
            // Done with this child (it ends at the end of its input; a stopped one is
            // killed): the pipes close and both threads end.
            let _ = child.kill();
            let _ = child.wait();
        });
    }

    /// An answer (or why there is none) as the caller sees it.
    fn outcome(answer: Result<Answer, String>) -> (Extraction, Option<NoTextReason>) {
        let (reason, code) = match answer {
            Ok(Answer::Text { text }) if text.trim().is_empty() => (
                "the document contains no text (it may be a scan or made of images), so it could not be checked".into(),
                NoTextReason::NoText,
            ),
            Ok(Answer::Text { text }) => return (Extraction::Text(text), None),
            Ok(Answer::Error { error, code }) => (error, NoTextReason::of_error(code)),
            Err(reason) => (reason, NoTextReason::Unreadable),
        };
        (Extraction::NoText { reason }, Some(code))
    }

    fn run(&self, format: DocumentFormat, bytes: &[u8]) -> Result<Answer, String> {
        let mut command = self.command(format.as_str(), 1);
        let started = Instant::now();
        let mut child = command.spawn().map_err(|e| format!("text extraction could not be started ({e})"))?;
        let mut stdin = child.stdin.take();
        let mut stdout = child.stdout.take();

        let outcome = std::thread::scope(|scope| {
            // Feed stdin and drain stdout on their own threads, so that neither pipe can
            // block the wait below; both end when the child exits or is killed.
            scope.spawn(move || {
                if let Some(mut pipe) = stdin.take() {
                    // A child that stops reading (done, crashed) makes this fail: fine.
                    let _ = pipe.write_all(bytes);
                }
            });
            let reader = scope.spawn(move || {
                let mut output = Vec::new();
                if let Some(pipe) = stdout.take() {
                    let _ = pipe.take(MAX_CHILD_OUTPUT).read_to_end(&mut output);
                }
                output
            });
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) if started.elapsed() >= self.timeout => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break Err(format!(
                            "text extraction took longer than {} s and was stopped",
                            self.timeout.as_secs_f64()
                        ));
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                    Err(e) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break Err(format!("text extraction could not be followed ({e})"));
                    }
                }
            };
            let output = reader.join().unwrap_or_default();
            (status, output)
        });
        let (status, output) = outcome;
        let status = status?;

        let answer = output
            .split(|&b| b == b'\n')
            .find_map(|line| line.strip_prefix(ANSWER_MARKER.as_bytes()))
            .map(serde_json::from_slice::<Answer>);
        match answer {
            Some(Ok(answer)) if status.success() => Ok(answer),
            Some(Err(_)) => Err("text extraction gave an unreadable answer".into()),
            _ => Err(describe_failure(status)),
        }
    }
}

/// Why a child ended without a usable answer.
fn describe_failure(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match signal {
                libc::SIGXCPU | libc::SIGKILL => {
                    "text extraction used more processor time than allowed and was stopped".into()
                }
                libc::SIGABRT | libc::SIGSEGV | libc::SIGBUS => {
                    "text extraction failed: the file needs more memory than allowed or is damaged".into()
                }
                other => format!("text extraction was stopped by signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("text extraction ended without an answer (exit code {code})"),
        None => "text extraction ended without an answer".into(),
    }
}

/// Limits applied in the forked child before `exec`, so that they hold from the child's
/// first instruction. Only async-signal-safe calls (`setrlimit`, `prctl`) are made.
#[cfg(unix)]
fn limit_before_exec(command: &mut Command, memory_limit: u64, timeout: Duration, documents: usize) {
    use std::os::unix::process::CommandExt;
    let per_document = timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0) + 1;
    // A child for many documents gets their total as its hard limit and one document's
    // allowance as its soft limit, which it moves before each document (`run_batch`).
    let documents = documents.max(1) as u64;
    let (cpu_soft, cpu_hard) = (per_document, per_document.saturating_mul(documents).saturating_add(1));
    // SAFETY: the closure runs between fork and exec and only calls setrlimit/prctl,
    // which are async-signal-safe; it allocates nothing and takes no lock.
    unsafe {
        command.pre_exec(move || {
            set_limit(libc::RLIMIT_AS as _, memory_limit, memory_limit)?;
            set_limit(libc::RLIMIT_CPU as _, cpu_soft, cpu_hard)?;
            set_limit(libc::RLIMIT_CORE as _, 0, 0)?;
            set_limit(libc::RLIMIT_FSIZE as _, 0, 0)?;
            #[cfg(target_os = "linux")]
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// `setrlimit`, never raising a hard limit already lower than asked.
#[cfg(unix)]
fn set_limit(resource: LimitResource, soft: u64, hard: u64) -> std::io::Result<()> {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain syscalls on a local struct.
    unsafe {
        if libc::getrlimit(resource, &mut current) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let max = current.rlim_max;
        let clamp = |v: u64| -> libc::rlim_t {
            let v = v as libc::rlim_t;
            if max != libc::RLIM_INFINITY && v > max { max } else { v }
        };
        let hard = clamp(hard);
        let wanted = libc::rlimit { rlim_cur: clamp(soft).min(hard), rlim_max: hard };
        if libc::setrlimit(resource, &wanted) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(all(unix, target_os = "linux", target_env = "gnu"))]
type LimitResource = libc::__rlimit_resource_t;
#[cfg(not(all(unix, target_os = "linux", target_env = "gnu")))]
type LimitResource = libc::c_int;

/// The child's answer, one JSON line after [`ANSWER_MARKER`].
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Answer {
    Text { text: String },
    Error { error: String, code: Code },
}

/// The child's entry point: apply the limits, read the format and the document, extract
/// its text and print the answer line. Returns success when an answer (text or error)
/// was printed, failure when the request itself was wrong (no format, unreadable stdin).
///
/// Nothing is ever written to stderr: a panic is caught silently and answered as an
/// error, so that a parser's panic message cannot spill document content.
pub fn run_child() -> ExitCode {
    // Silence panic messages first: they may quote the input.
    std::panic::set_hook(Box::new(|_| {}));
    #[cfg(unix)]
    limit_self();

    if std::env::var(FORMAT_VAR).as_deref() == Ok(BATCH_FORMAT) {
        return run_batch();
    }
    let format = std::env::var(FORMAT_VAR)
        .ok()
        .or_else(|| std::env::args_os().skip(1).last().and_then(|arg| arg.into_string().ok()))
        .and_then(|name| DocumentFormat::from_name(name.trim()));
    let Some(format) = format else {
        answer(&Answer::Error { error: "text extraction was asked for an unknown format".into(), code: Code::Usage });
        return ExitCode::FAILURE;
    };

    if std::env::var("VIVIER_TEST").as_deref() == Ok("1") {
        test_hooks();
    }

    let mut bytes = Vec::new();
    if std::io::stdin().lock().take(MAX_CHILD_INPUT + 1).read_to_end(&mut bytes).is_err() {
        answer(&Answer::Error { error: "text extraction could not read the document".into(), code: Code::Usage });
        return ExitCode::FAILURE;
    }
    if bytes.len() as u64 > MAX_CHILD_INPUT {
        answer(&Answer::Error { error: super::ExtractError::TooLarge.to_string(), code: Code::TooLarge });
        return ExitCode::SUCCESS;
    }

    let result = std::panic::catch_unwind(|| extract_text(format, &bytes));
    let reply = match result {
        Ok(Ok(text)) => Answer::Text { text },
        Ok(Err(error)) => Answer::Error { error: error.to_string(), code: error.code() },
        Err(_) => Answer::Error {
            error: "the document could not be read: the reader failed on it".into(),
            code: Code::Corrupt,
        },
    };
    drop(bytes);
    answer(&reply);
    ExitCode::SUCCESS
}

/// The child for many documents (see [`BATCH_FORMAT`]): reads one framed document at a
/// time, gives it one document's CPU allowance, extracts it, answers, and forgets it.
/// Returns success at the end of its input, failure on a broken frame.
fn run_batch() -> ExitCode {
    let test = std::env::var("VIVIER_TEST").as_deref() == Ok("1");
    if test {
        test_hooks();
    }
    #[cfg(unix)]
    let allowance = cpu_soft_limit();
    let mut input = std::io::stdin().lock();
    loop {
        let mut header = Vec::new();
        match (&mut input).take(64).read_until(b'\n', &mut header) {
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) if header.ends_with(b"\n") => {}
            _ => return ExitCode::FAILURE,
        }
        let header = String::from_utf8_lossy(&header);
        let mut fields = header.split_whitespace();
        let format = fields.next().and_then(DocumentFormat::from_name);
        let Some(len) = fields.next().and_then(|n| n.parse::<u64>().ok()) else {
            return ExitCode::FAILURE;
        };
        if len > MAX_CHILD_INPUT {
            answer(&Answer::Error { error: super::ExtractError::TooLarge.to_string(), code: Code::TooLarge });
            if std::io::copy(&mut (&mut input).take(len), &mut std::io::sink()).ok() != Some(len) {
                return ExitCode::FAILURE;
            }
            continue;
        }
        let mut bytes = vec![0u8; len as usize];
        if input.read_exact(&mut bytes).is_err() {
            return ExitCode::FAILURE;
        }
        let Some(format) = format else {
            answer(&Answer::Error {
                error: "text extraction was asked for an unknown format".into(),
                code: Code::Usage,
            });
            continue;
        };
        if test {
            test_document_hooks(&bytes);
        }
        #[cfg(unix)]
        if let Some(allowance) = allowance {
            allow_cpu(allowance);
        }
        let result = std::panic::catch_unwind(|| extract_text(format, &bytes));
        drop(bytes);
        answer(&match result {
            Ok(Ok(text)) => Answer::Text { text },
            Ok(Err(error)) => Answer::Error { error: error.to_string(), code: error.code() },
            Err(_) => Answer::Error {
                error: "the document could not be read: the reader failed on it".into(),
                code: Code::Corrupt,
            },
        });
    }
}

/// The CPU seconds one document may use: the soft limit the parent set before `exec`.
#[cfg(unix)]
fn cpu_soft_limit() -> Option<u64> {
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: a plain syscall on a local struct.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_CPU as _, &mut current) } == 0;
    #[allow(clippy::unnecessary_cast)]
    let soft = current.rlim_cur as u64;
    (read && current.rlim_cur != libc::RLIM_INFINITY).then_some(soft)
}

/// Moves the soft CPU limit to what was used so far plus `allowance` (never above the
/// hard limit, which stays the parent's): the next document gets its own allowance.
#[cfg(unix)]
fn allow_cpu(allowance: u64) {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: plain syscalls on local structs.
    unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return;
        }
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec).max(0) as u64 + 1;
        let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_CPU as _, &mut current) != 0 {
            return;
        }
        let wanted = (used.saturating_add(allowance) as libc::rlim_t).min(current.rlim_max);
        let limit = libc::rlimit { rlim_cur: wanted, rlim_max: current.rlim_max };
        let _ = libc::setrlimit(libc::RLIMIT_CPU as _, &limit);
    }
}

fn answer(reply: &Answer) {
    let json = serde_json::to_string(reply).unwrap_or_else(|_| r#"{"error":"unanswerable","code":"internal"}"#.into());
    let mut out = std::io::stdout().lock();
    // A leading newline: a harness may have left a line unfinished.
    let _ = write!(out, "\n{ANSWER_MARKER}{json}\n");
    let _ = out.flush();
}

/// The limits the child puts on itself, in case it was started without an [`Extractor`]:
/// only ever lowered, never raised.
#[cfg(unix)]
fn limit_self() {
    let _ = set_limit(libc::RLIMIT_CORE as _, 0, 0);
    let _ = set_limit(libc::RLIMIT_FSIZE as _, 0, 0);
    let _ = set_limit(libc::RLIMIT_AS as _, DEFAULT_MEMORY_LIMIT, DEFAULT_MEMORY_LIMIT);
    let _ = set_limit(libc::RLIMIT_CPU as _, CHILD_CPU_SECONDS, CHILD_CPU_SECONDS + 1);
}

/// Test-only, with `VIVIER_TEST=1`, for the child of many documents (a poisoned document
/// among good ones): a document holding the bytes of `VIVIER_EXTRACT_TEST_HANG_ON` hangs;
/// one holding those of `VIVIER_EXTRACT_TEST_ALLOC_ON` first allocates and touches
/// `VIVIER_EXTRACT_TEST_ALLOC_SIZE` bytes.
fn test_document_hooks(bytes: &[u8]) {
    let marked = |var: &str| {
        std::env::var(var).is_ok_and(|mark| !mark.is_empty() && bytes.windows(mark.len()).any(|w| w == mark.as_bytes()))
    };
    if marked("VIVIER_EXTRACT_TEST_ALLOC_ON")
        && let Some(size) = std::env::var("VIVIER_EXTRACT_TEST_ALLOC_SIZE").ok().and_then(|s| s.parse::<usize>().ok())
    {
        let mut block = vec![0u8; size];
        for i in (0..block.len()).step_by(4096) {
            block[i] = 1;
        }
        std::hint::black_box(&block);
    }
    if marked("VIVIER_EXTRACT_TEST_HANG_ON") {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

/// Test-only behaviours, honoured only with `VIVIER_TEST=1` (see the module docs).
fn test_hooks() {
    if let Ok(size) = std::env::var("VIVIER_EXTRACT_TEST_ALLOC")
        && let Ok(size) = size.parse::<usize>()
    {
        let mut block = vec![0u8; size];
        // Touch every page so that the memory is really used.
        for i in (0..block.len()).step_by(4096) {
            block[i] = 1;
        }
        std::hint::black_box(&block);
    }
    if std::env::var("VIVIER_EXTRACT_TEST_HANG").as_deref() == Ok("1") {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_text() {
        let shown = format!("{:?}", Extraction::Text("Jeanne Martin, 12 rue des Lilas".into()));
        assert!(!shown.contains("Jeanne"), "{shown}");
        assert_eq!(shown, "Text(<31 bytes>)");
    }

    #[test]
    fn answers_parse() {
        let text: Answer = serde_json::from_str(r#"{"text":"a\nb"}"#).unwrap();
        assert!(matches!(text, Answer::Text { text } if text == "a\nb"));
        let error: Answer = serde_json::from_str(r#"{"error":"x","code":"corrupt"}"#).unwrap();
        assert!(matches!(error, Answer::Error { code, .. } if code == "corrupt"));
    }

    #[test]
    fn reasons_have_stable_codes() {
        for reason in NoTextReason::ALL {
            assert_eq!(NoTextReason::parse(reason.as_str()), Some(reason));
            assert_eq!(serde_json::to_string(&reason).unwrap(), format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(NoTextReason::of_error(Code::Encrypted), NoTextReason::Encrypted);
        assert_eq!(NoTextReason::of_error(Code::Corrupt), NoTextReason::Unreadable);
    }

    #[test]
    fn a_missing_program_is_no_text() {
        let extractor = Extractor::new(PathBuf::from("/nonexistent/vivier-extractor"), vec![]);
        let got = extractor.extract(DocumentFormat::Text, b"hello");
        assert!(matches!(&got, Extraction::NoText { reason } if reason.contains("could not be started")), "{got:?}");
    }

    #[test]
    fn a_program_that_answers_garbage_is_no_text() {
        let extractor = Extractor::new(
            PathBuf::from("/bin/sh"),
            vec!["-c".into(), "cat >/dev/null; echo 'VIVIER-EXTRACT {oops'".into()],
        );
        let got = extractor.extract(DocumentFormat::Text, b"hello");
        assert!(matches!(&got, Extraction::NoText { reason } if reason.contains("unreadable")), "{got:?}");
        let extractor = Extractor::new(PathBuf::from("/bin/sh"), vec!["-c".into(), "echo hello; exit 3".into()]);
        let got = extractor.extract(DocumentFormat::Text, b"hello");
        assert!(matches!(&got, Extraction::NoText { reason } if reason.contains("exit code 3")), "{got:?}");
    }
}
