#!/usr/bin/env bash
# The end-to-end harness: builds the UI and the desktop app, then runs the scenarios of
# tests/e2e/tests under a virtual X display (Xvfb) with a private session bus and an
# unlocked GNOME Keyring as the Secret Service (scripts/with-keyring). Each scenario starts its own tauri-driver,
# which starts WebKitWebDriver, which starts the real app.
set -euo pipefail
cd "$(dirname "$0")/../.."

(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
cargo build -p vivier -p vivier-app
cargo test -p vivier-e2e --no-run

TAURI_DRIVER=${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}
export TAURI_DRIVER
[ -x "$TAURI_DRIVER" ] || { echo "tauri-driver is missing: cargo install tauri-driver --locked --version '^2'" >&2; exit 1; }
[ -x /usr/bin/WebKitWebDriver ] || { echo "WebKitWebDriver is missing: apt-get install webkit2gtk-driver" >&2; exit 1; }

# Arguments go to cargo (e.g. `--test retention`); scenarios run one at a time.
exec scripts/with-keyring xvfb-run -a -s "-screen 0 1280x900x24" cargo test -p vivier-e2e "$@" -- --test-threads=1
