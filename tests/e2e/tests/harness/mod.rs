//! The end-to-end harness: starts tauri-driver (which starts WebKitWebDriver, which starts
//! the real `vivier-app` binary) with a throwaway data directory, and connects a WebDriver
//! client to it. Needs an X display (Xvfb) and, for keyring scenarios, a Secret Service on
//! the session bus: `tests/e2e/run.sh` provides both.
#![allow(dead_code)]

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

static NEXT_PORT: AtomicU16 = AtomicU16::new(4444);

/// Where the binaries under test are.
pub fn app_binary() -> PathBuf {
    std::env::var_os("VIVIER_APP").map(PathBuf::from).unwrap_or_else(|| workspace_target().join("debug/vivier-app"))
}

pub fn cli_binary() -> PathBuf {
    std::env::var_os("VIVIER_CLI").map(PathBuf::from).unwrap_or_else(|| workspace_target().join("debug/vivier"))
}

fn workspace_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// One running app with its own data directory.
pub struct App {
    pub client: Client,
    driver: Child,
    pub data_dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

/// Options for starting the app.
#[derive(Default)]
pub struct Launch {
    /// Use this data directory instead of a fresh one.
    pub data_dir: Option<PathBuf>,
    /// Extra environment for the app (e.g. a session bus address that leads nowhere).
    pub env: Vec<(String, String)>,
    /// Another program than the app (the benchmark's floor).
    pub program: Option<PathBuf>,
}

impl App {
    pub async fn start(launch: Launch) -> App {
        let app = launch.program.clone().unwrap_or_else(app_binary);
        assert!(app.exists(), "{} is missing: build the app first (tests/e2e/run.sh does)", app.display());
        let (tmp, data_dir) = match launch.data_dir {
            Some(dir) => (None, dir),
            None => {
                let tmp = tempfile::tempdir().unwrap();
                let dir = tmp.path().join("data");
                (Some(tmp), dir)
            }
        };
        let port = NEXT_PORT.fetch_add(2, Ordering::SeqCst);
        let native = std::env::var("WEBKIT_WEBDRIVER").unwrap_or_else(|_| "/usr/bin/WebKitWebDriver".into());
        let mut cmd = Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
        cmd.args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()])
            .args(["--native-driver", &native])
            .env("VIVIER_DATA_DIR", &data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            // Its own process group, so stopping it also stops WebKitWebDriver and the app.
            .process_group(0);
        for (k, v) in &launch.env {
            cmd.env(k, v);
        }
        let driver = cmd.spawn().expect("tauri-driver runs (cargo install tauri-driver --locked --version '^2')");
        wait_for_port(port, Duration::from_secs(20));

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app.to_string_lossy() }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the app");
        App { client, driver, data_dir, _tmp: tmp }
    }

    /// Waits (up to 20 s) for the element with this `data-testid`.
    pub async fn testid(&self, id: &str) -> Element {
        self.wait_css(&format!("[data-testid=\"{id}\"]")).await
    }

    pub async fn wait_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Types into the element with this `data-testid`.
    pub async fn type_into(&self, id: &str, text: &str) {
        let el = self.testid(id).await;
        el.clear().await.ok();
        el.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, id: &str) {
        self.testid(id).await.click().await.unwrap();
    }

    /// Clicks an element after scrolling it to the middle of the window, so that the status
    /// bar along the bottom never covers it.
    pub async fn click_centered(&self, id: &str) {
        let el = self.testid(id).await;
        self.client
            .execute("arguments[0].scrollIntoView({ block: 'center' });", vec![serde_json::to_value(&el).unwrap()])
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    /// Whether an element matching `css` is on the page right now (no waiting).
    pub async fn present(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Waits until the element's text satisfies `pred`, returning it.
    pub async fn text_until(&self, id: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.testid(id).await.text().await.unwrap_or_default();
            if pred(&text) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session (closing the app) and stops the driver. Returns the temporary
    /// directory holding a fresh data directory, so the caller can inspect it afterwards.
    pub async fn stop(mut self) -> Option<tempfile::TempDir> {
        let _ = self.client.clone().close().await;
        kill_group(&mut self.driver);
        // Give the app a moment to exit and release the database.
        tokio::time::sleep(Duration::from_millis(300)).await;
        self._tmp.take()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

/// Stops tauri-driver and everything it started (WebKitWebDriver, the app).
fn kill_group(driver: &mut Child) {
    // SAFETY: plain syscall on the process group this harness created.
    unsafe {
        libc::kill(-(driver.id() as i32), libc::SIGKILL);
    }
    let _ = driver.wait();
}

/// Waits (up to 20 s) until `probe` answers something.
pub async fn eventually<T, F: std::future::Future<Output = Option<T>>>(what: &str, probe: impl Fn() -> F) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

fn wait_for_port(port: u16, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the `vivier` CLI on a data directory.
pub fn vivier(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(cli_binary());
    cmd.arg("--data-dir").arg(data_dir).args(args).env_remove("VIVIER_PASSPHRASE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the vivier CLI runs")
}
