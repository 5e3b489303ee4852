#!/usr/bin/env bash
# Builds Vivier's Linux packages with Tauri's bundler (`make package`): a .deb and an
# AppImage in target/release/bundle/. The command line `vivier` is installed beside the app
# (an external binary of the bundle: /usr/bin/vivier), with a desktop entry, the icon at
# every size, and the licence texts of the linked crates and bundled JavaScript packages
# (/usr/share/doc/vivier/THIRD-PARTY-LICENSES.txt). The bundle's settings are in
# src-tauri/tauri.package.json, merged over tauri.conf.json for the bundler only (a plain
# `cargo build` needs none of what they name).
#
# The AppImage bundler fetches linuxdeploy (and its plugins) from the network on first use
# unless they are in ~/.cache/tauri; where it cannot, the .deb is still built, the error
# is shown, and the script exits 3.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
TAURI=ui/node_modules/.bin/tauri

(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
cargo build --release --locked -p vivier -p vivier-app

rm -rf target/package
mkdir -p target/package/bin target/package/icons
# The bundler looks for an external binary under its name suffixed with the target triple.
cp target/release/vivier "target/package/bin/vivier-$TRIPLE"
"$TAURI" icon icons/icon.png --png 16,24,32,48,64,128,256,512 -o target/package/icons >/dev/null 2>&1
scripts/package-licences.py target/package/THIRD-PARTY-LICENSES.txt

export TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui
rm -rf target/release/bundle
"$TAURI" bundle --bundles deb --config src-tauri/tauri.package.json
ls -l target/release/bundle/deb/*.deb

if "$TAURI" bundle --bundles appimage --config src-tauri/tauri.package.json 2>&1 | tee target/package/appimage.log; then
    ls -l target/release/bundle/appimage/*.AppImage
else
    echo >&2
    echo "package: the .deb is built; the AppImage is not (see target/package/appimage.log)." >&2
    echo "Tauri's AppImage bundler downloads AppRun and linuxdeploy (to ~/.cache/tauri) when missing." >&2
    exit 3
fi
