#!/usr/bin/env bash
# Installs the .deb built by `make package` on this machine (dpkg -i, as root), then checks
# the installed files: the app starts under Xvfb to its first screen (through tauri-driver
# and WebKitWebDriver, a screenshot saved to target/package/first-screen.png), and the
# installed `vivier --version` and `vivier doctor` work on a throwaway data directory.
# Not part of `make test`: it changes the machine (the package stays installed; remove it
# with `dpkg -r vivier`).
set -euo pipefail
cd "$(dirname "$0")/.."

deb=$(ls target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "package-smoke: no .deb in target/release/bundle/deb: run make package first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "package-smoke: dpkg -i needs root" >&2; exit 1; }

echo "== installing $deb"
dpkg -i "$deb"
package=$(dpkg-deb -f "$deb" Package)
echo "== installed files of $package"
dpkg -L "$package" | grep -E '^/usr/(bin|share/applications|share/icons|share/doc)/' | grep -Ev '/$' | sort
app=$(dpkg -L "$package" | grep -E '^/usr/bin/' | grep -v '/usr/bin/vivier$' | head -n1)
[ -x /usr/bin/vivier ] || { echo "package-smoke: /usr/bin/vivier is not installed" >&2; exit 1; }
[ -x "$app" ] || { echo "package-smoke: the app's binary is not installed" >&2; exit 1; }
desktop=$(dpkg -L "$package" | grep -E '^/usr/share/applications/.*\.desktop$' | head -n1)
echo "== desktop entry $desktop"; cat "$desktop"
echo "== icon sizes: $(dpkg -L "$package" | grep -oE 'hicolor/[0-9x@]+/apps' | cut -d/ -f2 | sort -nu | tr '\n' ' ')"
test -s /usr/share/doc/vivier/THIRD-PARTY-LICENSES.txt

tmp=$(mktemp -d /tmp/vivier-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "== /usr/bin/vivier --version"
env -u VIVIER_DATA_DIR /usr/bin/vivier --version
echo "== /usr/bin/vivier doctor on a throwaway data directory"
export VIVIER_PASSPHRASE="smoke test passphrase, not a secret"
/usr/bin/vivier --data-dir "$tmp/data" init --passphrase
/usr/bin/vivier --data-dir "$tmp/data" doctor
unset VIVIER_PASSPHRASE

echo "== $app under Xvfb, to its first screen"
TAURI_DRIVER=${TAURI_DRIVER:-$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")}
export TAURI_DRIVER VIVIER_APP="$app" VIVIER_SMOKE_SCREENSHOT="$PWD/target/package/first-screen.png"
scripts/with-keyring xvfb-run -a -s "-screen 0 1280x900x24" \
    cargo test -p vivier-e2e --test installed -- --ignored --nocapture
echo "== package-smoke: passed"
