#!/bin/sh
# Writes OUT.pdf: IN.pdf with every font's /ToUnicode entry removed, so that a reader has
# to find the text from the fonts themselves (encodings, glyph names, embedded programs).
#
#   tests/documents/pdf/strip-tounicode.sh IN.pdf OUT.pdf
#
# qpdf --qdf writes one dictionary key a line, uncompressed; the /ToUnicode lines go;
# fix-qdf mends the cross-reference table; qpdf re-packs (the orphaned maps are dropped).
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
qpdf --qdf --object-streams=disable "$1" "$work/open.pdf"
LC_ALL=C sed -E '/^ *\/ToUnicode [0-9]+ [0-9]+ R$/d' "$work/open.pdf" >"$work/stripped.pdf"
fix-qdf "$work/stripped.pdf" >"$work/fixed.pdf"
qpdf --deterministic-id --object-streams=generate "$work/fixed.pdf" "$2"
if LC_ALL=C grep -aq '/ToUnicode' "$2"; then
    echo "strip-tounicode: $2 still has a /ToUnicode entry" >&2
    exit 1
fi
