//! Real mail servers for the mail transport tests, started on loopback on random free
//! ports and stopped when dropped: Dovecot (IMAP, IMAPS and STARTTLS; one user from a
//! passwd-file; maildirs in a temp dir) and aiosmtpd (`smtp_server.py`: STARTTLS and AUTH
//! required; received messages written to a directory). The TLS certificates are made at
//! test time with the openssl CLI: a throwaway CA, and a server certificate it signs for
//! `localhost` and `127.0.0.1`. Packages: `scripts/apt-ensure dovecot-imapd python3-aiosmtpd`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "hr@vivier.test";
pub const PASSWORD: &str = "correct horse battery";

/// A port free at the time of asking, on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A throwaway CA and a server certificate for localhost signed by it.
pub struct Certs {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Certs {
    pub fn make(dir: &Path) -> Certs {
        let p = |name: &str| dir.join(name);
        run(Command::new("openssl").args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]).args([
            "-subj",
            "/CN=Vivier test CA",
            "-keyout",
            p("ca.key").to_str().unwrap(),
            "-out",
            p("ca.pem").to_str().unwrap(),
        ]));
        run(Command::new("openssl").args(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost"]).args([
            "-keyout",
            p("key.pem").to_str().unwrap(),
            "-out",
            p("server.csr").to_str().unwrap(),
        ]));
        std::fs::write(
            p("server.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n\
             subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .unwrap();
        run(Command::new("openssl").args(["x509", "-req", "-days", "2", "-CAcreateserial"]).args([
            "-in",
            p("server.csr").to_str().unwrap(),
            "-CA",
            p("ca.pem").to_str().unwrap(),
            "-CAkey",
            p("ca.key").to_str().unwrap(),
            "-extfile",
            p("server.ext").to_str().unwrap(),
            "-out",
            p("cert.pem").to_str().unwrap(),
        ]));
        Certs { ca: p("ca.pem"), cert: p("cert.pem"), key: p("key.pem") }
    }
}

fn wait_for_port(port: u16, what: &str, log: &Path) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{what} did not listen on {port}: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Stops a server and every process it started (each server runs in its own process group).
fn terminate(child: &mut Child) {
    unsafe { libc::kill(-(child.id() as i32), libc::SIGTERM) };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Dovecot in the foreground, as the current user (or, as root, with the `dovecot` user
/// for its internal and mail processes: Dovecot refuses mail as root).
pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub certs: Certs,
    pub imap_port: u16,
    pub imaps_port: u16,
    conf: PathBuf,
    child: Option<Child>,
}

impl Dovecot {
    pub fn start() -> Dovecot {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        set_mode(root, 0o755);
        let certs = Certs::make(root);
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let me = unsafe { libc::getuid() };
        let (user, group, login_user, uid, gid) = if me == 0 {
            let (uid, gid) = lookup("dovecot");
            for sub in ["mail", "home"] {
                std::os::unix::fs::chown(root.join(sub), Some(uid), Some(gid)).unwrap();
            }
            ("dovecot".to_owned(), "dovecot".to_owned(), "dovenull".to_owned(), uid, gid)
        } else {
            let name = std::env::var("USER").unwrap_or_else(|_| whoami());
            let gid = unsafe { libc::getgid() };
            let group = group_name(gid);
            (name.clone(), group, name, me, gid)
        };
        let imap_port = free_port();
        let imaps_port = free_port();
        let template = include_str!("dovecot.conf.in");
        let conf_text = template
            .replace("@DIR@", root.to_str().unwrap())
            .replace("@PORT_IMAP@", &imap_port.to_string())
            .replace("@PORT_IMAPS@", &imaps_port.to_string())
            .replace("@USER@", &user)
            .replace("@GROUP@", &group)
            .replace("@LOGIN_USER@", &login_user)
            .replace("@UID@", &uid.to_string())
            .replace("@GID@", &gid.to_string());
        let conf = root.join("dovecot.conf");
        std::fs::write(&conf, conf_text).unwrap();
        let mut dovecot = Dovecot { dir, certs, imap_port, imaps_port, conf, child: None };
        dovecot.resume();
        dovecot
    }

    /// Starts it again after [`Dovecot::stop`] (same ports, same mail).
    pub fn resume(&mut self) {
        let child = Command::new(dovecot_binary())
            .process_group(0)
            .args(["-F", "-c"])
            .arg(&self.conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start dovecot: install it with scripts/apt-ensure dovecot-imapd");
        self.child = Some(child);
        let log = self.dir.path().join("dovecot.log");
        wait_for_port(self.imap_port, "dovecot", &log);
        wait_for_port(self.imaps_port, "dovecot", &log);
    }

    /// Stops the server: its master and every session it serves.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
        // The master's children may take a moment to go; the port is then free again.
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.imap_port)).is_ok() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A handle that kills the server at once, master and sessions (SIGKILL to its
    /// process group), for a test that makes it vanish in the middle of a fetch.
    pub fn killer(&self) -> impl Fn() + use<> {
        let pgid = self.child.as_ref().map(|c| c.id() as i32).unwrap_or(0);
        move || {
            if pgid > 0 {
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
            }
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}

fn dovecot_binary() -> &'static str {
    if Path::new("/usr/sbin/dovecot").exists() { "/usr/sbin/dovecot" } else { "dovecot" }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn lookup(user: &str) -> (u32, u32) {
    let out = Command::new("id").args(["-u", user]).output().unwrap();
    let uid = String::from_utf8_lossy(&out.stdout).trim().parse().expect("no dovecot user: install dovecot-core");
    let out = Command::new("id").args(["-g", user]).output().unwrap();
    let gid = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    (uid, gid)
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn group_name(_gid: u32) -> String {
    let out = Command::new("id").arg("-gn").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// aiosmtpd with STARTTLS and AUTH required, writing what it accepts to `received`.
pub struct SmtpServer {
    pub dir: tempfile::TempDir,
    pub certs: Certs,
    pub port: u16,
    pub received: PathBuf,
    /// TLS from the first byte instead of STARTTLS.
    pub implicit_tls: bool,
    child: Option<Child>,
}

impl SmtpServer {
    /// STARTTLS required (as on port 587).
    pub fn start() -> SmtpServer {
        SmtpServer::start_with(false)
    }

    /// TLS from the first byte (as on port 465).
    pub fn start_tls() -> SmtpServer {
        SmtpServer::start_with(true)
    }

    fn start_with(implicit_tls: bool) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let certs = Certs::make(dir.path());
        let received = dir.path().join("received");
        std::fs::create_dir(&received).unwrap();
        let port = free_port();
        let mut server = SmtpServer { dir, certs, port, received, implicit_tls, child: None };
        server.resume();
        server
    }

    pub fn resume(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mail-servers/smtp_server.py");
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let mut child = Command::new(python)
            .process_group(0)
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.received)
            .arg(&self.certs.cert)
            .arg(&self.certs.key)
            .args([USER, PASSWORD])
            .arg(if self.implicit_tls { "tls" } else { "starttls" })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start the SMTP server: install python3-aiosmtpd");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// The messages received so far, in order: (raw bytes, envelope recipients).
    pub fn messages(&self) -> Vec<(Vec<u8>, Vec<String>)> {
        let mut out = Vec::new();
        for n in 1.. {
            let eml = self.received.join(format!("{n}.eml"));
            let Ok(raw) = std::fs::read(&eml) else { break };
            let env: serde_json::Value =
                serde_json::from_slice(&std::fs::read(self.received.join(format!("{n}.json"))).unwrap()).unwrap();
            let to = env["to"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
            out.push((raw, to));
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
