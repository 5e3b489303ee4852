#!/usr/bin/env python3
"""Writes the licence texts of everything compiled or bundled into Vivier's packages: the
Rust crates linked into `vivier-app` and `vivier` (from `cargo metadata`, their licence
files as published), and the JavaScript packages bundled into the UI. Usage:
    scripts/package-licences.py OUTPUT
No fonts are bundled (the app and the PDF view use the system's), so none are listed."""

import json
import pathlib
import subprocess
import sys

ROOTS = {"vivier-app", "vivier"}
JS_PACKAGES = ["pdfjs-dist", "svelte", "@tauri-apps/api"]
LICENCE_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "UNLICENSE", "COPYRIGHT")


def licence_files(directory: pathlib.Path) -> list[pathlib.Path]:
    found = [p for p in sorted(directory.iterdir()) if p.is_file() and p.name.upper().startswith(LICENCE_NAMES)]
    return found


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", "x86_64-unknown-linux-gnu"],
            check=True,
            capture_output=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    # What the two binaries link: normal dependencies only (not build or dev ones).
    todo = [pid for pid, p in packages.items() if p["name"] in ROOTS and p["source"] is None]
    linked: set[str] = set()
    while todo:
        pid = todo.pop()
        if pid in linked:
            continue
        linked.add(pid)
        for dep in nodes[pid]["deps"]:
            if any(kind["kind"] is None for kind in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    sections = []
    missing = []
    for pid in sorted(linked, key=lambda i: (packages[i]["name"], packages[i]["version"])):
        p = packages[pid]
        if p["source"] is None:
            continue  # Vivier's own crates
        directory = pathlib.Path(p["manifest_path"]).parent
        files = licence_files(directory)
        head = f"{p['name']} {p['version']} — {p.get('license') or 'see below'}"
        if not files:
            missing.append(head)
            sections.append(f"==== {head}\n(no licence file in the published crate; its licence: {p.get('license')})\n")
            continue
        texts = "\n".join(f"---- {f.name}\n{f.read_text(errors='replace')}" for f in files)
        sections.append(f"==== {head}\n{texts}\n")
    ui = pathlib.Path(__file__).resolve().parent.parent / "ui" / "node_modules"
    for name in JS_PACKAGES:
        directory = ui / name
        version = json.loads((directory / "package.json").read_text())["version"]
        files = licence_files(directory)
        texts = "\n".join(f"---- {f.name}\n{f.read_text(errors='replace')}" for f in files)
        sections.append(f"==== {name} {version} (JavaScript, bundled in the UI)\n{texts}\n")
    header = (
        "Vivier — licences of the third-party software in this package\n"
        f"{len(linked) - len(ROOTS)} Rust crates linked into vivier-app and vivier, "
        f"{len(JS_PACKAGES)} JavaScript packages bundled into the UI. No fonts are bundled.\n\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n".join(sections))
    print(f"{out}: {len(sections)} packages, {len(missing)} without a licence file", file=sys.stderr)
    for m in missing:
        print(f"  no licence file: {m}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
