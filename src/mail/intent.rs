//! The right a candidate's reply asks for, read by rules in plain code (offline, well
//! under a millisecond a message): access, correction (with the new values given),
//! erasure, objection to being kept, consent renewal, withdrawal of the application, or
//! none. French and English. Pure: the reply's own words (see `reply::reply_text`) and
//! the whole body (for a bare "yes" answering a keep question) in, an [`Intent`] out.
//! A detection only opens a request: HR confirms or dismisses it.

use serde::Serialize;

use super::reply::fold;

/// What a reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Access,
    Correction,
    Erasure,
    Objection,
    Renewal,
    Withdrawal,
    None,
}

impl Intent {
    pub const ALL: [Intent; 7] = [
        Intent::Access,
        Intent::Correction,
        Intent::Erasure,
        Intent::Objection,
        Intent::Renewal,
        Intent::Withdrawal,
        Intent::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Access => "access",
            Intent::Correction => "correction",
            Intent::Erasure => "erasure",
            Intent::Objection => "objection",
            Intent::Renewal => "renewal",
            Intent::Withdrawal => "withdrawal",
            Intent::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// The intent of a reply, and for a correction the new values it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub intent: Intent,
    /// New values named in a correction (addresses, phone numbers), as written.
    pub values: Vec<String>,
}

/// Reads `reply` (the candidate's own words) and, for a bare yes/no, `whole` (the body
/// with its quoted history, which holds the question answered).
pub fn classify(reply: &str, whole: &str) -> Detected {
    let t = format!(" {} ", squash(&fold(reply)));
    let intent = decide(&t, whole);
    let values = if intent == Intent::Correction { new_values(reply) } else { Vec::new() };
    Detected { intent, values }
}

fn decide(t: &str, whole: &str) -> Intent {
    if any(t, WITHDRAWAL) {
        return Intent::Withdrawal;
    }
    if any(t, FIELDS) && (any(t, CHANGED) || (any(t, OLD_NEW) && any(t, UPDATE_VERBS))) {
        return Intent::Correction;
    }
    if erasure(t) {
        return Intent::Erasure;
    }
    if any(t, OBJECTION) || negated_keep(t) {
        return Intent::Objection;
    }
    if any(t, ACCESS) {
        return Intent::Access;
    }
    if any(t, FIELDS) && any(t, UPDATE_VERBS) {
        return Intent::Correction;
    }
    if any(t, RENEWAL) || keep_of_mine(t) {
        return Intent::Renewal;
    }
    if bare_answer(t) {
        let asked = fold(whole);
        let keep_question = ["keep your", "retain your", "conserv", "gardions", "garder votre"];
        if keep_question.iter().any(|q| asked.contains(q)) {
            return if t.contains(" no ") || t.contains(" non ") { Intent::Objection } else { Intent::Renewal };
        }
    }
    Intent::None
}

/// Whitespace runs as one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn any(t: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| t.contains(p))
}

const WITHDRAWAL: &[&str] = &[
    "withdraw my application",
    "withdraw my candidacy",
    "withdraw from the",
    "withdrawing from",
    "withdrawing my application",
    "withdraw me from",
    "i must withdraw",
    "i withdraw",
    "so i withdraw",
    "cancel my application",
    "accepted another offer",
    "accepted an offer",
    "signed elsewhere",
    "found another job",
    "taken a job elsewhere",
    "job elsewhere",
    "out of the running",
    "not to pursue this",
    "no longer interested in this",
    "no longer interested in the",
    "retirer ma candidature",
    "retire ma candidature",
    "retire donc ma candidature",
    "me retire du",
    "me desiste",
    "annuler ma candidature",
    "accepte une autre",
    "signe ailleurs",
    "trouve un autre poste",
    "trouve un emploi",
    "trouve un autre emploi",
    "plus interesse par le poste",
    "plus interessee par le poste",
    "ne donnerai pas suite",
    "ne pas donner suite",
    "pas poursuivre ma candidature",
    "plus disponible pour ce poste",
];

const FIELDS: &[&str] = &[
    "phone",
    "number",
    "mobile",
    "email",
    "e-mail",
    "address",
    " name",
    "surname",
    "spell",
    " date ",
    "numero",
    "telephone",
    "adresse",
    " mail",
    " nom ",
    " nom,",
    "nom de famille",
    "prenom",
    "coordonnees",
    "contact details",
];

const CHANGED: &[&str] = &[
    "has changed",
    "have changed",
    "a change",
    "ont change",
    "mistake in my",
    "mal orthographi",
    "mal ecrit",
    "it's spelled",
    "it is spelled",
    "should be ",
    "no longer works",
    "i moved",
    "my new number",
    "nouveau numero",
    "le nouveau est",
    "new one is",
    "nouveau telephone",
    "not anne",
    " not ",
];

const OLD_NEW: &[&str] = &["old ", "ancien", "new ", "nouveau", "nouvelle", "instead", "le bon est"];

const UPDATE_VERBS: &[&str] = &[
    "update",
    "correct",
    "amend",
    " fix ",
    "change",
    "rectif",
    "mettre a jour",
    "corriger",
    "remove the old",
    "delete the old",
    "supprimez l'ancien",
    "use ",
];

const ERASE_VERBS: &[&str] = &[
    "delete",
    "erase",
    "remove",
    "wipe",
    "get rid of",
    "deletion",
    "supprim",
    "suppression",
    "effac",
    "detrui",
    "detruit",
    "retirer",
    "retirez",
    "enlev",
    "forgotten",
    "droit a l'oubli",
];

const MY_DATA: &[&str] = &[
    "my data",
    "my personal",
    "my details",
    "my cv",
    "my information",
    "my info",
    "my record",
    "my application",
    "my account",
    "me from",
    "everything you have",
    "all my",
    "all the personal",
    "about me",
    "all data",
    "mes donnees",
    "mon cv",
    "mes informations",
    "mes coordonnees",
    "mon dossier",
    "me concernant",
    "toutes mes",
    "de mes",
    "l'ensemble de mes",
    "mon profil",
    "de toutes",
    "from your",
    "de vos fichiers",
    "de votre base",
    "right to be forgotten",
    "droit a l'oubli",
    "droit a l'effacement",
    "right to erasure",
];

const PAST_MINE: &[&str] =
    &["i ", "i've ", "i have ", "i'll ", "i will ", "j'ai ", "je vais ", "don't ", "do not ", "ne pas ", "pas "];

fn erasure(t: &str) -> bool {
    if t.contains("mailing list") || t.contains("unsubscribe") {
        return false;
    }
    if any(t, &["droit a l'effacement", "right to erasure", "right to be forgotten", "droit a l'oubli"]) {
        return true;
    }
    for verb in ERASE_VERBS {
        for (at, _) in t.match_indices(verb) {
            let before = &t[floor(t, at.saturating_sub(12))..at];
            if PAST_MINE.iter().any(|p| before.ends_with(p)) {
                continue;
            }
            let after = &t[at..ceil(t, at + 70)];
            let earlier = &t[floor(t, at.saturating_sub(45))..at];
            if MY_DATA.iter().any(|o| after.contains(o) || earlier.contains(o)) {
                return true;
            }
        }
    }
    false
}

const OBJECTION: &[&str] = &[
    "object to",
    "m'oppose",
    "stop contacting",
    "do not contact me",
    "don't contact me",
    "not to be contacted",
    "wish to be contacted",
    "want to be contacted",
    "ne plus me contacter",
    "ne me recontactez",
    "ne me contactez plus",
    "plus recevoir vos offres",
    "stop sending me",
    "unsubscribe",
    "mailing list",
    "take me off",
    "do not consent",
    "don't consent",
    "ne donne pas mon accord",
    "rather not be kept",
    "rather you didn't",
    "prefer you not",
    "talent pool",
    "pas faire partie de votre vivier",
    "refuse que",
    "not keep me",
    "don't keep me",
];

const KEEP: &[&str] = &[
    "keep",
    "retain",
    "hold on to",
    "holding on to",
    "conserv",
    "garder",
    "gardez",
    "gardiez",
    "gardions",
    "garde ",
    "gardes",
    "on file",
    "on record",
];

const NEGATION: &[&str] =
    &[" don't", " do not", " didn't", " not ", " ne ", " n'", " pas ", " never", " non ", " no,", " no ", "refuse"];

/// A keep verb under a negation close before it ("don't keep", "ne conservez pas",
/// "pas que mon CV soit conservé").
fn negated_keep(t: &str) -> bool {
    KEEP.iter().any(|k| {
        t.match_indices(k).any(|(at, _)| {
            let before = &t[floor(t, at.saturating_sub(30))..at];
            let after = &t[at..ceil(t, at + k.len() + 12)];
            NEGATION.iter().any(|n| before.contains(n)) || after.contains(" pas ")
        })
    })
}

const MINE: &[&str] = &[
    "my cv",
    "my details",
    "my application",
    "my data",
    "my information",
    "my profile",
    "me in mind",
    "me on file",
    "mon cv",
    "mes coordonnees",
    "ma candidature",
    "mes informations",
    "mon profil",
    "mon dossier",
    "mes donnees",
];

fn keep_of_mine(t: &str) -> bool {
    KEEP.iter().any(|k| t.match_indices(k).any(|(at, _)| MINE.iter().any(|m| t[at..ceil(t, at + 40)].contains(m))))
}

const RENEWAL: &[&str] = &[
    "renouvelle mon consentement",
    "consent to you keeping",
    "agree to you keeping",
    "i agree to you",
    "reste interesse par vos futures",
    "conservez mon",
    "conserver mes",
    "pour conserver",
];

const ACCESS: &[&str] = &[
    "copy of my",
    "copy of all",
    "copy of everything",
    "copy of the data",
    "copie de mes",
    "copie de mon",
    "copie des",
    "copie de l'ensemble",
    "what personal data",
    "what data",
    "what information",
    "what personal information",
    "what info",
    "quelles donnees",
    "quelles informations",
    "acceder a mes",
    "access to my",
    "article 15",
    "subject access",
    "droit d'acces",
    "information you hold",
    "data you hold",
    "detenez",
    "communication de l'ensemble",
    "communiquer les donnees",
    "export my data",
    "send me my data",
    "let me see",
    "provide all",
    "avez a mon sujet",
    "have on file about me",
];

/// A reply that is only yes or no (with a please or a thanks).
fn bare_answer(t: &str) -> bool {
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .filter(|w| !["please", "thanks", "thank", "you", "merci", "bien", "sur", "bonjour", "hello", "hi"].contains(w))
        .collect();
    matches!(words.as_slice(), ["yes"] | ["oui"] | ["no"] | ["non"] | ["sure"])
}

/// New values a correction names: email addresses and phone numbers.
fn new_values(reply: &str) -> Vec<String> {
    let mut values = Vec::new();
    for word in reply.split_whitespace() {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        if w.contains('@') && w.contains('.') {
            values.push(w.to_owned());
        }
    }
    // Phone numbers: runs of digits, spaces, dots and dashes holding 8 to 15 digits.
    let mut run = String::new();
    let mut digits = 0;
    for c in reply.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() || (c == '+' && run.is_empty()) {
            run.push(c);
            digits += usize::from(c.is_ascii_digit());
        } else if !run.is_empty() && matches!(c, ' ' | '.' | '-') {
            run.push(c);
        } else {
            if (8..=15).contains(&digits) {
                values.push(run.trim_end_matches([' ', '.', '-']).to_owned());
            }
            run.clear();
            digits = 0;
        }
    }
    values
}

fn floor(t: &str, mut i: usize) -> usize {
    while i > 0 && !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(t: &str, mut i: usize) -> usize {
    if i >= t.len() {
        return t.len();
    }
    while !t.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Intent {
        classify(text, text).intent
    }

    #[test]
    fn false_friends_are_not_rights() {
        assert_eq!(of("I deleted the typo in my CV."), Intent::None);
        assert_eq!(of("I'm no longer available on Monday"), Intent::None);
        assert_eq!(of("Please remove the old phone number, the new one is 06 12 34 56 78"), Intent::Correction);
    }

    #[test]
    fn each_right_in_both_languages() {
        assert_eq!(of("Please delete my data."), Intent::Erasure);
        assert_eq!(of("Merci de supprimer mes données."), Intent::Erasure);
        assert_eq!(of("Please don't keep my CV."), Intent::Objection);
        assert_eq!(of("Ne conservez pas mon CV."), Intent::Objection);
        assert_eq!(of("Yes, keep my CV."), Intent::Renewal);
        assert_eq!(of("Oui, gardez mon CV."), Intent::Renewal);
        assert_eq!(of("Send me a copy of my data."), Intent::Access);
        assert_eq!(of("Je retire ma candidature."), Intent::Withdrawal);
    }

    #[test]
    fn a_bare_yes_reads_the_question() {
        let whole = "Yes.\n\nOn Tue, HR wrote:\n> Would you like us to keep your CV?";
        assert_eq!(classify("Yes.", whole).intent, Intent::Renewal);
        assert_eq!(classify("Yes.", "Yes.").intent, Intent::None);
    }

    #[test]
    fn corrections_carry_their_new_values() {
        let d = classify("My email changed: jane@new.org, phone 06 12 34 56 78.", "");
        assert_eq!(d.intent, Intent::Correction);
        assert_eq!(d.values, vec!["jane@new.org", "06 12 34 56 78"]);
    }
}
