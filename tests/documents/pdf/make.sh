#!/bin/sh
# Regenerates the PDF fixtures of tests/documents/pdf/ from their sources, with the real
# tools (the tests need none of them: the PDFs are committed).
#
#   apt-get install -y texlive-latex-base texlive-latex-extra texlive-fonts-recommended \
#       texlive-luatex libreoffice-writer-nogui ghostscript qpdf poppler-utils pango1.0-tools \
#       fonts-dejavu-core fonts-urw-base35
#   tests/documents/pdf/make.sh            # rebuild the PDFs, keep the expected texts
#   tests/documents/pdf/make.sh --expected # also rewrite the expected texts (then check them)
#
# Each fixture with text has its expected text beside it (NAME.txt). It was first written
# by poppler's `pdftotext -raw` (content order, no dehyphenation) and then checked by eye
# against the source: words broken by a hyphen at a line end were joined back (keeping the
# hyphen of compounds such as "state-based", as the source has them), and pdftotext's slips
# corrected. With --expected the files are rewritten from pdftotext alone, so check them
# again before committing. Encrypted variants share the expected text of their source.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Reproducible pdfTeX and Ghostscript output: fixed dates, fixed document IDs.
export SOURCE_DATE_EPOCH=1740787200 FORCE_SOURCE_DATE=1

# pdfTeX: a moderncv CV in English (Computer Modern, OT1, with ToUnicode maps) and one in
# French (Helvetica in T1: /Differences), a twenty-page moderncv CV (for timing), a
# two-column article without ToUnicode maps, and a French article of several pages in
# Times (T1).
for name in cv-moderncv-en cv-moderncv-fr cv-long-en article-en article-fr; do
    pdflatex -interaction=nonstopmode -halt-on-error "$here/$name.tex" >/dev/null
    pdflatex -interaction=nonstopmode -halt-on-error "$here/$name.tex" >/dev/null
    cp "$name.pdf" "$here/"
done

# LuaLaTeX with fontspec: a French CV in an OpenType font (composite Type 0 fonts,
# Identity-H, two bytes a code, ToUnicode maps), with Polish and Romanian letters.
lualatex -interaction=nonstopmode -halt-on-error "$here/cv-lualatex-fr.tex" >/dev/null
cp cv-lualatex-fr.pdf "$here/"

# latex, dvips and Ghostscript's ps2pdf: a French letter (Type1C fonts, /Differences, no
# ToUnicode).
latex -interaction=nonstopmode -halt-on-error "$here/letter-fr.tex" >/dev/null
dvips -q -o letter-fr.ps letter-fr.dvi
ps2pdf -dPDFSETTINGS=/prepress letter-fr.ps "$here/letter-fr.pdf"

# LibreOffice Writer: a French CV and an English letter, exported plain; the CV also with a
# password to open it (unreadable without it), and protected only against editing and
# copying (an owner password: any reader opens it).
soffice --headless --convert-to pdf --outdir "$work" "$here/lo-cv-fr.fodt" "$here/lo-letter-en.fodt" >/dev/null
cp lo-cv-fr.pdf lo-letter-en.pdf "$here/"
mkdir open edit
soffice --headless --convert-to \
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"ouvrir-2025"}}' \
    --outdir "$work/open" "$here/lo-cv-fr.fodt" >/dev/null
cp open/lo-cv-fr.pdf "$here/lo-cv-fr-open-password.pdf"
soffice --headless --convert-to \
    'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},"PermissionPassword":{"type":"string","value":"modifier-2025"},"Changes":{"type":"long","value":"0"},"EnableCopyingOfContent":{"type":"boolean","value":"false"}}' \
    --outdir "$work/edit" "$here/lo-cv-fr.fodt" >/dev/null
cp edit/lo-cv-fr.pdf "$here/lo-cv-fr-edit-password.pdf"

# LuaLaTeX with fontspec and a TrueType font (DejaVu Serif): the same CV in composite
# CIDFontType2 fonts (Identity-H, CIDToGIDMap /Identity) whose embedded programs keep their
# cmap table.
lualatex -interaction=nonstopmode -halt-on-error "$here/cv-lualatex-ttf-fr.tex" >/dev/null
cp cv-lualatex-ttf-fr.pdf "$here/"

# latex and dvipdfmx: the English article with Computer Modern turned into CFF (Type1C
# fonts using their own built-in encodings: no /Encoding entry), with ToUnicode maps.
latex -interaction=nonstopmode -halt-on-error "$here/article-en.tex" >/dev/null
latex -interaction=nonstopmode -halt-on-error "$here/article-en.tex" >/dev/null
dvipdfmx -q -o "$here/article-en-dvipdfmx.pdf" article-en.dvi

# pango-view (cairo) writes PostScript in an OpenType-CFF font (URW C059), Ghostscript's
# ps2pdf turns it into Type1C fonts with /Differences: a French letter with Polish and
# Romanian letters (its expected text is its source).
pango-view -q --font="C059 11" --output=gs-letter-fr.ps "$here/gs-letter-fr.txt"
ps2pdf gs-letter-fr.ps "$here/gs-letter-fr.pdf"

# The same PDFs without their ToUnicode maps (strip-tounicode.sh: qpdf --qdf, the entries
# deleted, fix-qdf, qpdf), so that the text has to come from the fonts themselves: glyph
# names (/Differences, CFF charsets and built-in encodings), TrueType cmap tables. Those
# of cv-lualatex-fr (CID-keyed CFF: no glyph names, no cmap) and lo-cv-fr (a TrueType
# subset numbered 0, 1, 2…, no cmap to Unicode, no glyph names) keep nothing that says
# what their glyphs are: no text must come out of them rather than wrong text.
for name in cv-lualatex-ttf-fr article-en-dvipdfmx gs-letter-fr cv-lualatex-fr lo-cv-fr; do
    "$here/strip-tounicode.sh" "$here/$name.pdf" "$here/$name-no-tounicode.pdf"
done

# qpdf: encrypted without a user password (opened by any reader): 40-bit RC4 on a pdfTeX CV,
# AES-128 on the Ghostscript letter, AES-256 on the LibreOffice letter.
qpdf --allow-weak-crypto --encrypt "" owner-2025 40 -- "$here/cv-moderncv-fr.pdf" "$here/cv-moderncv-fr-rc4.pdf"
qpdf --encrypt "" owner-2025 128 --use-aes=y -- "$here/letter-fr.pdf" "$here/letter-fr-aes128.pdf"
qpdf --encrypt "" owner-2025 256 -- "$here/lo-letter-en.pdf" "$here/lo-letter-en-aes256.pdf"

# Ghostscript: a scan, i.e. the LibreOffice letter printed to grey images only (no text).
gs -q -sDEVICE=pdfimage8 -r60 -o "$here/scan.pdf" "$here/lo-letter-en.pdf"

if [ "${1:-}" = "--expected" ]; then
    for name in cv-moderncv-en cv-moderncv-fr cv-long-en cv-lualatex-fr article-en article-fr letter-fr lo-cv-fr lo-letter-en; do
        pdftotext -raw -enc UTF-8 "$here/$name.pdf" "$here/$name.txt"
    done
fi
