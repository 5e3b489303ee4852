//! What a candidate wrote in a reply, without the history quoted under it: quoted lines
//! (`>`), attribution lines ("Le … a écrit :", "On … wrote:"), Outlook header blocks
//! (From:/Sent:, De :/Envoyé :), forwarded and original-message separators, signatures
//! ("-- ", "Sent from my …") and HR's own privacy footer quoted back. Pure.

/// Lines that begin HR's privacy footer (folded: lower case, no accents): the footer
/// Vivier writes under every message ([`super::compose::footer`], one source), and two
/// older wordings. A reply quoting the footer back stops there.
pub const FOOTER_MARKERS: [&str; 4] = [
    "vos donnees personnelles sont traitees",
    "your personal data is processed",
    super::compose::footer::OPENINGS_FOLDED[0],
    super::compose::footer::OPENINGS_FOLDED[1],
];

/// The candidate's own words in `body`. `footers` are more footer openings (folded the
/// same way), e.g. the configured footer's first line.
pub fn reply_text(body: &str, footers: &[&str]) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('>') {
            continue;
        }
        if ends_reply(t, &lines[i + 1..], footers) {
            break;
        }
        kept.push(line.trim_end());
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    while kept.first().is_some_and(|l| l.trim().is_empty()) {
        kept.remove(0);
    }
    kept.join("\n")
}

/// Lower case, accents folded, typographic apostrophes and spaces made plain.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ÿ' => 'y',
            '’' | '‘' | '`' | 'ʼ' => '\'',
            '\u{a0}' | '\u{202f}' | '\t' => ' ',
            'œ' | 'Œ' => {
                out.push_str("oe");
                continue;
            }
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

fn ends_reply(line: &str, rest: &[&str], footers: &[&str]) -> bool {
    if line == "--" || line == "-- " || line == "—" {
        return true;
    }
    let f = fold(line);
    let next = rest.iter().find(|l| !l.trim().is_empty()).map(|l| fold(l.trim())).unwrap_or_default();
    // Attribution lines, perhaps wrapped over two lines.
    let two = format!("{f} {next}");
    let attribution = |s: &str| {
        (s.starts_with("le ") && (s.contains(" a ecrit :") || s.contains(" a ecrit:")))
            || (s.starts_with("on ") && s.contains(" wrote:"))
            || (s.starts_with("am ") && s.contains(" schrieb"))
    };
    if attribution(&f) || (f.starts_with("le ") || f.starts_with("on ")) && f.len() < 120 && attribution(&two) {
        return true;
    }
    const SEPARATORS: [&str; 10] = [
        "-----original message-----",
        "----- original message -----",
        "-----message d'origine-----",
        "----- message d'origine -----",
        "-------- message original --------",
        "---------- forwarded message ---------",
        "-------- message transfere --------",
        "---------- message transfere ---------",
        "begin forwarded message:",
        "debut du message reexpedie :",
    ];
    if SEPARATORS.iter().any(|s| f.starts_with(s)) || (f.starts_with("-----") && f.contains("message")) {
        return true;
    }
    if f.starts_with("____________") {
        return true;
    }
    // An Outlook-style header block: From:/De : followed by Sent:/Envoyé :/Date:/To:/À :/Objet :.
    if ["from:", "de :", "de:", "from :"].iter().any(|p| f.starts_with(p)) {
        let block = rest.iter().take(4).map(|l| fold(l.trim())).collect::<Vec<_>>();
        if block.iter().any(|l| {
            ["sent:", "envoye :", "envoye:", "date:", "date :", "to:", "a :", "a:", "objet :", "subject:"]
                .iter()
                .any(|p| l.starts_with(p))
        }) {
            return true;
        }
    }
    const DEVICE: [&str; 6] = [
        "sent from my ",
        "envoye de mon ",
        "envoye depuis mon ",
        "get outlook for ",
        "telecharger outlook ",
        "envoye a partir de ",
    ];
    if DEVICE.iter().any(|s| f.starts_with(s)) {
        return true;
    }
    FOOTER_MARKERS.iter().chain(footers.iter()).any(|m| !m.is_empty() && f.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_lines_and_attribution_go() {
        let body = "Bonjour,\n\nMerci de supprimer mon CV.\n\nLe mar. 1 déc. 2026 à 10:00, RH Acme <rh@acme.fr> a écrit :\n> Bonjour Jane,\n> Nous gardons votre CV.\n";
        assert_eq!(reply_text(body, &[]), "Bonjour,\n\nMerci de supprimer mon CV.");
    }

    #[test]
    fn wrapped_english_attribution_goes() {
        let body =
            "Yes, keep my CV please.\n\nOn Tue, Dec 1, 2026 at 10:00 AM HR Acme\n<hr@acme.fr> wrote:\n\nDear Jane,";
        assert_eq!(reply_text(body, &[]), "Yes, keep my CV please.");
    }

    #[test]
    fn outlook_blocks_go_in_both_languages() {
        let en = "Please delete everything.\n\nFrom: HR Acme <hr@acme.fr>\nSent: Tuesday, December 1, 2026 10:00\nTo: Jane\nSubject: Your CV\n\nDear Jane";
        assert_eq!(reply_text(en, &[]), "Please delete everything.");
        let fr = "Je ne souhaite plus être contacté.\n\nDe : RH Acme <rh@acme.fr>\nEnvoyé : mardi 1 décembre 2026 10:00\nÀ : Jane\nObjet : Votre CV";
        assert_eq!(reply_text(fr, &[]), "Je ne souhaite plus être contacté.");
        let line = "ok\n________________________________\nFrom: x";
        assert_eq!(reply_text(line, &[]), "ok");
    }

    #[test]
    fn signatures_devices_and_footers_go() {
        assert_eq!(reply_text("Keep it.\n-- \nJane Doe\n+33 6 12 34 56 78", &[]), "Keep it.");
        assert_eq!(reply_text("Keep it.\n\nSent from my iPhone", &[]), "Keep it.");
        assert_eq!(reply_text("Ok.\nVos données personnelles sont traitées par Acme...", &[]), "Ok.");
        assert_eq!(reply_text("Ok.\nAcme keeps your CV for 2 years", &["acme keeps your cv"]), "Ok.");
    }

    #[test]
    fn forwarded_blocks_go() {
        let body = "See below.\n\n---------- Forwarded message ---------\nFrom: someone";
        assert_eq!(reply_text(body, &[]), "See below.");
    }

    #[test]
    fn a_line_starting_with_from_in_prose_stays() {
        let body = "From: next week I am available.\nThanks";
        assert_eq!(reply_text(body, &[]), body);
    }
}
