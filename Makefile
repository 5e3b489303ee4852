# Two commands for a fresh Debian or Ubuntu machine:
#   make run    install what is missing, build, and open the desktop app
#   make test   install what is missing, then every check and test (what CI runs)
# System packages are installed with apt-get when running as root; otherwise the exact
# apt-get line is printed and make stops.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BUILD_PACKAGES := build-essential pkg-config perl make libssl-dev libwebkit2gtk-4.1-dev \
	libayatana-appindicator3-dev librsvg2-dev libxdo-dev
TEST_PACKAGES := xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools \
	python3 util-linux qpdf poppler-utils dovecot-imapd python3-aiosmtpd openssl faketime

CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test check unit e2e bench bench-desktop package package-smoke ui system-build system-test tauri-driver

run: system-build ui
	cargo run --release -p vivier-app

test: system-build system-test tauri-driver ui check unit e2e

# Formatting and lints, warnings denied.
check: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# Engine, migration, crash, keyring and CLI tests, with a real Secret Service on a
# private session bus for the keyring scenarios.
unit:
	VIVIER_TEST_SECRET_SERVICE=1 scripts/with-keyring cargo test --workspace --exclude vivier-e2e

# The real desktop app under Xvfb, through tauri-driver and WebKitWebDriver.
e2e: ui
	tests/e2e/run.sh

bench: system-build
	scripts/with-keyring cargo bench -p vivier --bench store
	cargo bench -p vivier --bench letters

# Desktop cold start and memory on a seeded data directory (VIVIER_BENCH_DIR, passphrase
# in VIVIER_PASSPHRASE): its key is moved into this run's throwaway keyring first. Vivier is
# measured against the floor (benches/floor: an empty Tauri 2 window, same tauri and
# WebKitGTK), built and run in the same run (VIVIER_BENCH_ROUNDS rounds, default 3).
# Builds go to CARGO_TARGET_DIR when it is set.
RELEASE := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/release

bench-desktop: ui tauri-driver
	cargo build --release -p vivier -p vivier-app -p vivier-floor
	VIVIER_APP=$(RELEASE)/vivier-app VIVIER_FLOOR=$(RELEASE)/vivier-floor \
	scripts/with-keyring bash -c '\
		$(RELEASE)/vivier --data-dir "$$VIVIER_BENCH_DIR" key passphrase --keyring && \
		xvfb-run -a -s "-screen 0 1280x900x24" cargo test --release -p vivier-e2e --test startup_bench -- --ignored --nocapture --test-threads=1; \
		rc=$$?; VIVIER_NEW_PASSPHRASE="$$VIVIER_PASSPHRASE" $(RELEASE)/vivier --data-dir "$$VIVIER_BENCH_DIR" key passphrase; exit $$rc'

# Installable packages (.deb and AppImage, target/release/bundle/) with Tauri's bundler;
# the app and the `vivier` command line. scripts/package.sh says what goes in them.
package: system-build
	scripts/package.sh

# Installs the .deb on this machine and checks the installed app and CLI (not in `test`).
package-smoke: system-test tauri-driver
	scripts/package-smoke.sh

ui: system-build
	cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build

tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version '^2'

system-build:
	@scripts/apt-ensure $(BUILD_PACKAGES)
	@command -v npm >/dev/null || scripts/apt-ensure nodejs npm

system-test:
	@scripts/apt-ensure $(TEST_PACKAGES)
