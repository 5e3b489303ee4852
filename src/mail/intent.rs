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
    // A request is made at the top of a reply; the rest of a very long one is not read,
    // which bounds the time a message takes.
    let reply = &reply[..floor(reply, READ.min(reply.len()))];
    let whole = &whole[..floor(whole, (4 * READ).min(whole.len()))];
    let text = Text::new(reply);
    let intent = decide(&text, whole);
    let values = if intent == Intent::Correction { new_values(reply) } else { Vec::new() };
    Detected { intent, values }
}

/// How much of a reply is read, in bytes.
const READ: usize = 16 * 1024;

/// The reply folded (lower case, no accents, misspelt key words put right, elisions
/// restored), as one line and as sentences, each padded with a space at both ends.
struct Text {
    all: String,
    sentences: Vec<String>,
}

impl Text {
    fn new(reply: &str) -> Text {
        let folded = mend_split_elisions(&fold(reply));
        let mut raw: Vec<String> = Vec::new();
        let mut current = String::new();
        let lines: Vec<&str> = folded.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                current.push(c);
                let next = chars.peek().copied().unwrap_or(' ');
                if matches!(c, '.' | '!' | '?' | ';') && next.is_whitespace() {
                    raw.push(std::mem::take(&mut current));
                }
            }
            // A line break ends a sentence unless the line looks hard-wrapped (long, and
            // the next line is not blank).
            let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
            if line.trim().chars().count() < 50 || next_blank {
                raw.push(std::mem::take(&mut current));
            } else {
                current.push(' ');
            }
        }
        raw.push(current);
        let sentences: Vec<String> = raw
            .iter()
            .map(|s| s.split_whitespace().map(mend).collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .map(|s| format!(" {s} "))
            .collect();
        let all = format!(" {} ", sentences.iter().map(|s| s.trim()).collect::<Vec<_>>().join(" "));
        Text { all, sentences }
    }

    fn any(&self, phrases: &[&str]) -> bool {
        any(&self.all, phrases)
    }

    fn sentence(&self, test: impl Fn(&str) -> bool) -> bool {
        self.sentences.iter().any(|s| test(s))
    }
}

/// A French elision typed with a space ("arretez de m envoyer"), joined again.
fn mend_split_elisions(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for line in t.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        for (i, w) in words.iter().enumerate() {
            out.push_str(w);
            let next_vowel = words.get(i + 1).and_then(|n| n.chars().next()).is_some_and(|c| "aeiouyh".contains(c));
            let elided = matches!(*w, "m" | "j" | "n" | "l" | "d" | "t");
            match (i + 1 < words.len(), elided && next_vowel) {
                (true, true) => out.push('\''),
                (true, false) => out.push(' '),
                _ => {}
            }
        }
        out.push('\n');
    }
    out
}

/// Key words the rules look for, as their misspellings are put right (one edit away,
/// not at the word's end, in words of six letters or more).
const VOCABULARY: &[&str] = &[
    "donnees",
    "personnelles",
    "informations",
    "coordonnees",
    "candidature",
    "supprimer",
    "supprimez",
    "supprimiez",
    "suppression",
    "effacer",
    "effacez",
    "effaciez",
    "effacement",
    "conserver",
    "conservez",
    "conserviez",
    "conservation",
    "contacter",
    "recontacter",
    "contactez",
    "recontactez",
    "solliciter",
    "envoyer",
    "interesse",
    "interessee",
    "rectifier",
    "rectification",
    "corriger",
    "telephone",
    "adresse",
    "numero",
    "delete",
    "remove",
    "erase",
    "personal",
    "details",
    "information",
    "application",
    "withdraw",
    "unsubscribe",
    "contacting",
    "contacted",
    "objection",
    "consent",
    "forgotten",
    "address",
    "retention",
    "correct",
    "update",
    "profile",
    "database",
];

/// Real words one edit away from a key word, left as written.
const REAL_WORDS: &[&str] =
    &["contract", "content", "contacts", "updated", "denote", "adresser", "withdrew", "withdrawn"];

/// Verbs that take an elided pronoun ("menvoyer" for "m'envoyer").
const ELIDED: &[&str] = &[
    "envoyer",
    "envoyez",
    "effacer",
    "appeler",
    "appelez",
    "ecrire",
    "oppose",
    "acces",
    "ensemble",
    "interesse",
    "abandonne",
    "accepte",
];

/// One word put right: a misspelt key word, a lost apostrophe.
fn mend(word: &str) -> String {
    let start = word.find(|c: char| c.is_alphanumeric()).unwrap_or(word.len());
    let end = word
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |i| i + word[i..].chars().next().map_or(1, char::len_utf8));
    if start >= end {
        return word.to_owned();
    }
    let core = &word[start..end];
    let (prefix, stem) = match core.rfind('\'') {
        Some(i) => core.split_at(i + 1),
        None => ("", core),
    };
    let mut stem = stem.to_owned();
    if prefix.is_empty() && stem.len() >= 6 && stem.is_ascii() {
        let (head, rest) = stem.split_at(1);
        if matches!(head, "m" | "j" | "l" | "d" | "n" | "t" | "s") && ELIDED.contains(&rest) {
            return format!("{}{head}'{rest}{}", &word[..start], &word[end..]);
        }
    }
    if stem.len() >= 6
        && !VOCABULARY.contains(&stem.as_str())
        && !REAL_WORDS.contains(&stem.as_str())
        && let Some(v) = VOCABULARY.iter().find(|v| one_edit(&stem, v))
    {
        stem = (*v).to_owned();
    }
    format!("{}{prefix}{stem}{}", &word[..start], &word[end..])
}

/// `a` is one edit (a letter changed, added, dropped, or two swapped) from `b`, the edit
/// not at the end (where inflections are: "deleted", "supprime").
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let first = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() == long.len() {
        let last = short.len() - 1;
        if first >= last {
            return false;
        }
        let changed = short.get(first + 1..) == long.get(first + 1..);
        let swapped = short.get(first) == long.get(first + 1)
            && short.get(first + 1) == long.get(first)
            && short.get(first + 2..) == long.get(first + 2..)
            && first + 1 < last;
        return changed || swapped;
    }
    first < short.len() && short.get(first..) == long.get(first + 1..)
}

fn decide(x: &Text, whole: &str) -> Intent {
    let change_refused = x.any(NO_CHANGE);
    // "I do not want any more calls ... stop using my details": the "not" and the
    // details are not a correction.
    if x.any(STOP_USING) {
        return Intent::Objection;
    }
    if !change_refused && x.sentence(strong_correction) {
        return Intent::Correction;
    }
    // An erasure asked with a withdrawal is the erasure (it ends the application too).
    if erasure(x) {
        // "Take my CV out of your pool, but you may keep my application for this job":
        // an objection to being kept for later, not an erasure.
        if x.any(KEEP_THIS_APPLICATION) && x.any(&["vivier", "pool"]) {
            return Intent::Objection;
        }
        return Intent::Erasure;
    }
    if withdrawal(x) {
        return Intent::Withdrawal;
    }
    if objection(x) {
        return Intent::Objection;
    }
    if access(x) {
        return Intent::Access;
    }
    if !change_refused && x.sentence(weak_correction) {
        return Intent::Correction;
    }
    // "New number: 07911 123 456. Please update.": the field in one sentence, the bare
    // request in another.
    if !change_refused && x.sentence(bare_update) && x.sentence(|s| any(s, FIELDS) && !only_schedule(s)) {
        return Intent::Correction;
    }
    if renewal(x) {
        return Intent::Renewal;
    }
    if stop_alone(&x.all) {
        return Intent::Objection;
    }
    if asked_to_keep(&x.all, whole) {
        // An answer to "may we keep your CV?": a bare yes or no, or a keep verb not
        // refused ("yes, you can keep it").
        match bare_answer(&x.all) {
            Some(true) => return Intent::Renewal,
            Some(false) => return Intent::Objection,
            None if x.any(KEEP) => return Intent::Renewal,
            None => {}
        }
    }
    Intent::None
}

/// A refusal of being contacted or of the data being used, which outranks the fields and
/// negations it names.
const STOP_USING: &[&str] = &[
    "stop using my",
    "do not want any more",
    "don't want any more",
    "dont want any more",
    "ne plus me contacter",
    "ne plus utiliser mes",
    "cessez d'utiliser",
    "arretez d'utiliser",
];

/// Keeping the application under way while leaving the pool.
const KEEP_THIS_APPLICATION: &[&str] =
    &["garder ma candidature", "conserver ma candidature", "keep my application", "keep my current application"];

/// An update asked in so many words, with its object left to the sentence before
/// ("Please update.", "merci de la modifier", "Can you correct that please?").
fn bare_update(s: &str) -> bool {
    const ASKED: &[&str] = &[
        "please update",
        "please correct",
        "please fix",
        "please amend",
        "please change",
        "you correct",
        "you fix",
        "you update",
        "you amend",
        "you change",
        "merci de corriger",
        "merci de modifier",
        "merci de la modif",
        "merci de le modif",
        "merci de les modif",
        "merci de la corriger",
        "merci de le corriger",
        "merci de mettre a jour",
        "vous corriger",
        "vous modifier",
        "vous mettre a jour",
        "-vous corriger",
        "-vous modifier",
        "-vous mettre a jour",
        "svp corriger",
        "svp modifier",
    ];
    any(s, ASKED) && !only_schedule(s)
}

/// A reply that says only stop ("STOP", "stop please", "arrêtez svp").
fn stop_alone(t: &str) -> bool {
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| matches!(*w, "stop" | "arretez" | "unsubscribe"))
        && words
            .iter()
            .all(|w| matches!(*w, "stop" | "arretez" | "unsubscribe" | "please" | "svp" | "merci" | "thanks" | "now"))
}

/// The quoted history (what `whole` holds beyond the reply) asks whether HR may keep the
/// candidate's file.
fn asked_to_keep(reply: &str, whole: &str) -> bool {
    const QUESTION: &[&str] = &[
        "keep your",
        "us to keep",
        "retain your",
        "store your",
        "conserv",
        "gardions",
        "garder votre",
        "talent pool",
        "vivier",
    ];
    let asked = fold(whole);
    QUESTION.iter().any(|q| asked.matches(q).count() > reply.matches(q).count())
}

fn any(t: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| t.contains(p))
}

/// Words of an appointment or a task rather than of a candidate's data: a verb whose
/// object is one of these ("remove me from the Thursday slot", "withdraw from the group
/// exercise", "I object to the 9am start") asks for no right.
const SCHEDULE: &[&str] = &[
    "slot",
    "creneau",
    "invite",
    "invitation",
    "calendar",
    "agenda",
    "meeting",
    " call",
    "appel",
    " time ",
    "heure",
    " start",
    "rendez-vous",
    " rdv",
    "exercise",
    "exercice",
    " test",
    "session",
    "reunion",
    "visio",
    "typo",
    "faute",
    "linkedin",
    "appointment",
    "rendez",
    "interview",
    "entretien",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
];

/// Nouns of a candidate's data, their file and their place in the process.
const DATA: &[&str] = &[
    "data",
    "donnees",
    " cv",
    "profil",
    "information",
    "details",
    "coordonnees",
    "record",
    " file",
    "fichier",
    "dossier",
    "database",
    " base",
    "system",
    "pool",
    "vivier",
    "notes",
    "personal",
    "personnel",
    "application",
    "candidature",
    "everything",
    " tout",
    " info",
    "stuff",
    " list",
    "process",
    " role",
    "position",
    " poste",
    "recruitment",
    "recrutement",
];

/// A sentence about an appointment or a task and not about the candidate's data.
fn only_schedule(s: &str) -> bool {
    any(s, SCHEDULE) && !any(s, DATA)
}

const WITHDRAWAL: &[&str] = &[
    // Longer forms first: an erasure reads the sentence with these taken out.
    "remove me from consideration",
    "take me out of consideration",
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
    "accepted a position",
    "accepted a job",
    "signed elsewhere",
    "signed with another",
    "found another job",
    "taken a job elsewhere",
    "job elsewhere",
    "out of the running",
    "out of the process",
    "stop the process",
    "not to pursue this",
    "no longer interested in this",
    "no longer interested in the",
    "no longer consider my application",
    "stay with my current employer",
    "retirer ma candidature",
    "retire ma candidature",
    "retire donc ma candidature",
    "me retire du",
    "me desiste",
    "annuler ma candidature",
    "accepte une autre",
    "signe ailleurs",
    "signe avec une autre",
    "trouve un autre poste",
    "trouve un emploi",
    "trouve un autre emploi",
    "plus interesse par le poste",
    "plus interessee par le poste",
    "ne donnerai pas suite",
    "pas donner suite",
    "pas poursuivre ma candidature",
    "plus disponible pour ce poste",
    "plus considerer ma candidature",
    "arreter le processus",
    "arreter la procedure",
    "rester chez mon employeur",
    "plus candidat",
    "no longer a candidate",
    "no longer applying",
    "withdrawal of my application",
    "bow out",
    "pull out",
    "pulling out",
    "accepted another",
    "renonce a ma candidature",
    "renonce au poste",
    "je renonce",
    "close my application",
    "found a job",
    "found a new job",
    "found a position",
    "found another",
    "abandonne ma candidature",
    "abandonner ma candidature",
    "abandon my application",
    "laisse tomber",
    "withdraw my",
    "from consideration",
    "plus poursuivre",
    "step back from",
    "stay at my current",
    "stay in my current",
    "rester a mon poste",
    "not to continue",
    "not continue with my",
    "not to proceed",
    "not to pursue",
    "ne pas poursuivre",
    "ne pas continuer",
    "ne plus poursuivre",
    "stop my application",
    "no longer looking for a job",
    "ai trouve un poste",
    "ai trouve un emploi",
    "withdrawing my",
    "candidature comme retiree",
    "consider my application withdrawn",
    "dont want the job",
    "don't want the job",
    "do not want the job",
    "no longer want the job",
    "ne veux plus le poste",
    "arreter la le process",
    "arreter le process",
];

fn withdrawal(x: &Text) -> bool {
    // "I withdraw my consent" withdraws the consent, not the application.
    x.sentence(|s| any(s, WITHDRAWAL) && !only_schedule(s) && !s.contains("consent"))
}

/// A correction is refused in so many words ("rien à changer de votre côté").
const NO_CHANGE: &[&str] = &[
    "rien a changer",
    "rien a modifier",
    "nothing to change",
    "nothing to update",
    "no need to change",
    "no need to update",
    "pas besoin de changer",
    "pas besoin de modifier",
];

const FIELDS: &[&str] = &[
    " tel ",
    " tel:",
    "portable",
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
    "m'appelle",
    "my name is",
    " num ",
    "degree",
    "diplome",
    "birth",
    "naissance",
];

const CHANGED: &[&str] = &[
    "has changed",
    "have changed",
    "is changing",
    "a change",
    "ont change",
    "mistake in my",
    "mal orthographi",
    "misspel",
    "wrong",
    "incorrect",
    "errone",
    "mal ecrit",
    "it's spelled",
    "it is spelled",
    "s'ecrit",
    " et non ",
    "and not ",
    "erreur dans",
    "error in",
    "mistake in",
    "out of date",
    "outdated",
    "i now live",
    "j'habite maintenant",
    "plus a jour",
    "i have a new",
    "i've got a new",
    "j'ai un nouveau",
    "j'ai une nouvelle",
    "spelt",
    "should be ",
    "no longer works",
    "i moved",
    "my new ",
    "ma nouvelle",
    "mon nouveau",
    "nouveau numero",
    "le nouveau est",
    "new one is",
    "nouveau telephone",
    "not anne",
    "faute",
    "a la place de",
    "listed as",
    "recorded my",
    "changer de ",
    " not ",
];

const OLD_NEW: &[&str] =
    &["old ", "ancien", "new ", "nouveau", "nouvelle", "instead", "le bon est", "au lieu", "stop using", "remplacer"];

const UPDATE_VERBS: &[&str] = &[
    "update",
    "correct",
    "amend",
    " fix ",
    "change",
    "rectif",
    "mettre a jour",
    "corriger",
    "modifier",
    "remplacer",
    "utiliser",
    "remove the old",
    "delete the old",
    "supprimez l'ancien",
    "use ",
];

/// A field named with its change ("my number has changed", "the new one is ...").
fn strong_correction(s: &str) -> bool {
    if any(s, POSSESSIVE) && any(s, WRONG) && !only_schedule(s) {
        return true;
    }
    if any(s, &["rectif", "article 16", "art. 16"]) && !only_schedule(s) {
        return true;
    }
    any(s, FIELDS)
        && (any(s, CHANGED) || (any(s, OLD_NEW) && any(s, UPDATE_VERBS)))
        // "the address in the invitation looks wrong": the venue's, not the candidate's.
        && (!any(s, &["convocation", "invitation", " invite"]) || owns(s, FIELDS))
}

/// Something of the candidate's said to be wrong ("the year of my degree is wrong").
const WRONG: &[&str] = &[
    "is wrong",
    "are wrong",
    "is incorrect",
    "are incorrect",
    "isn't right",
    "is not right",
    "wrong in your",
    "est errone",
    "sont errone",
    "est incorrect",
    "est fausse",
    "est faux",
    "n'est pas correct",
    "n'est pas la bonne",
    "n'est pas le bon",
];

/// What the candidate owns, as the object of an update verb.
const OWN_OBJECT: &[&str] =
    &[" my ", " mon ", " ma ", " mes ", "cette information", "this information", "l'information", "these details"];

/// A field with an update verb, or an update verb whose object is the candidate's own.
fn weak_correction(s: &str) -> bool {
    if only_schedule(s) {
        return false;
    }
    if any(s, FIELDS) && any(s, UPDATE_VERBS) {
        return true;
    }
    UPDATE_VERBS.iter().filter(|v| !v.ends_with(' ')).any(|v| {
        s.match_indices(v).any(|(at, _)| {
            let after = &s[at..ceil(s, at + v.len() + 30)];
            let before = &s[floor(s, at.saturating_sub(12))..at];
            // "update me on the status of my application" asks for news.
            let news = after.split_whitespace().nth(1).is_some_and(|w| matches!(w, "me" | "us" | "moi"));
            // "any update on my application" is the noun.
            let noun = ["any ", "an ", "the ", "no ", "for "].iter().any(|d| before.ends_with(d));
            !news && !noun && !PAST_MINE.iter().any(|p| before.ends_with(p)) && any(after, OWN_OBJECT)
        })
    })
}

const ERASE_STRONG: &[&str] = &[
    "droit a l'effacement",
    "right to erasure",
    "right to be forgotten",
    "droit a l'oubli",
    "be forgotten",
    "etre oublie",
    "article 17",
    "art. 17",
    "art 17",
];

const ERASE_VERBS: &[&str] = &[
    "delet",
    "erase",
    "erasure",
    "remove",
    "wipe",
    "purge",
    "destroy",
    "destruction",
    "scrub",
    "anonymis",
    "anonymiz",
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
    "virer",
    "virez",
    "forgotten",
    " off your system",
    " off your database",
    " off your files",
    " off your records",
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
    "my profile",
    "my file",
    "me from",
    "everything",
    "every bit",
    "all my",
    "all the personal",
    "all personal",
    "all information",
    "personal data",
    "about me",
    "concerning me",
    "all data",
    "mes donnees",
    "donnees personnelles",
    "caractere personnel",
    "mon cv",
    "mes informations",
    "mes coordonnees",
    "mon dossier",
    "mon profil",
    "me concernant",
    "toutes mes",
    "toute trace",
    "any trace",
    "tout mes",
    "tous mes",
    "de mes",
    "l'ensemble de",
    "de toutes",
    " tout ",
    "from your",
    "de vos fichiers",
    "de votre base",
];

/// The first word of an erase verb's object that makes it the candidate or all they
/// gave ("erase me", "delete every record", "effacez tout").
const WHOLE_OBJECT: &[&str] =
    &["me", "moi", "all", "every", "everything", "toutes", "toute", "tous", "tout", "l'ensemble"];

/// Words just before a verb that make it the candidate's own act or a refusal ("I
/// deleted", "don't delete").
const PAST_MINE: &[&str] = &[
    "i ",
    "i've ",
    "i have ",
    "i'll ",
    "i will ",
    "j'ai ",
    "je ",
    "je vais ",
    "don't ",
    "do not ",
    "ne pas ",
    "pas ",
    "no need to ",
    "not ",
];

fn erasure(x: &Text) -> bool {
    if x.any(&["mailing list", "unsubscribe"]) {
        return false;
    }
    if x.any(ERASE_STRONG) {
        return true;
    }
    let mut data_before = false;
    x.sentences.iter().any(|s| {
        // "retirer ma candidature" withdraws; it erases nothing.
        let mut s = s.clone();
        for w in WITHDRAWAL {
            s = s.replace(w, " ");
        }
        let found = erase_request(&s, data_before);
        data_before |= any(&s, DATA);
        found
    })
}

/// An erase verb in `s`, asked of HR, whose object is the candidate's data;
/// `data_before`: an earlier sentence named it (for "delete them").
fn erase_request(s: &str, data_before: bool) -> bool {
    if only_schedule(s) {
        return false;
    }
    ERASE_VERBS.iter().any(|verb| {
        s.match_indices(verb).any(|(at, _)| {
            let before = &s[floor(s, at.saturating_sub(12))..at];
            if PAST_MINE.iter().any(|p| before.ends_with(p)) {
                return false;
            }
            // "thanks for asking rather than just deleting it": the alternative not taken.
            let clause = &s[floor(s, at.saturating_sub(25))..at];
            if any(clause, &["rather than", "instead of", "plutot que", "au lieu de"]) {
                return false;
            }
            let rest = &s[at..];
            if rest.get(..ceil(rest, verb.len() + 14)).is_some_and(|r| r.contains(" pas ")) {
                return false;
            }
            let after = rest.get(verb.len()..).unwrap_or("");
            // "remove the notice-period question from my list": an object named with an
            // article and no data noun is something else of theirs.
            let mut next = after.split_whitespace();
            if next.next().is_some_and(|w| matches!(w, "the" | "this" | "that"))
                && !any(&format!(" {} ", next.take(3).collect::<Vec<_>>().join(" ")), DATA)
                && !any(s, MY_DATA)
            {
                return false;
            }
            // A pronoun just before: "I want them deleted", "merci de les supprimer", "I
            // would like it to be deleted".
            let pronoun_before =
                s[..at].split_whitespace().rev().take(4).any(|w| PRONOUN.contains(&w.strip_prefix("d'").unwrap_or(w)));
            let (word_end, object) = after.split_once(' ').unwrap_or((after, ""));
            let object = object.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric());
            any(s, MY_DATA)
                || own_data(s)
                || WHOLE_OBJECT.contains(&object)
                || word_end.contains("-moi")
                || ((PRONOUN.contains(&object) || pronoun_before) && data_before)
        })
    })
}

/// Pronouns standing for what an earlier sentence named ("please get rid of them").
const PRONOUN: &[&str] = &["them", "it", "les", "la", "le", "ca", "those", "these"];

/// Possessives, and the nouns of a candidate's file they may own.
const POSSESSIVE: &[&str] = &[" my ", " mon ", " ma ", " mes "];

/// A possessive owning a data noun within the next three words ("my CV", "ma
/// candidature", "my old cover letter").
fn own_data(s: &str) -> bool {
    owns(s, DATA)
}

/// A possessive owning one of `nouns` within the next three words.
fn owns(s: &str, nouns: &[&str]) -> bool {
    POSSESSIVE.iter().any(|p| {
        s.match_indices(p).any(|(at, _)| {
            let rest = &s[at + p.len() - 1..];
            let near: Vec<&str> = rest.split_whitespace().take(3).collect();
            any(&format!(" {} ", near.join(" ")), nouns)
        })
    })
}

/// What an access request asks to see: the personal data itself, not a login or a
/// document the candidate lost ("send me my login details").
const PERSONAL: &[&str] = &[
    "data",
    "donnees",
    "information",
    " info",
    "personal",
    "personnel",
    " file",
    "dossier",
    "fichier",
    "record",
    "notes",
    "profil",
    "evaluation",
    "assessment",
    "everything",
    " tout",
];

const OBJECTION: &[&str] = &[
    "stop contacting",
    "stop emailing",
    "stop e-mailing",
    "stop calling",
    "stop sending",
    "job alerts",
    "do not contact me",
    "don't contact me",
    "not to be contacted",
    "wish to be contacted",
    "want to be contacted",
    "ne plus me contacter",
    "ne me recontactez",
    "ne me contactez plus",
    "plus recevoir vos offres",
    "arretez de m'envoyer",
    "arretez de me",
    "cessez de m",
    "unsubscribe",
    "mailing list",
    "take me off",
    "remove me from your list",
    "do not consent",
    "don't consent",
    "ne donne pas mon accord",
    "rather not be kept",
    "rather you didn't",
    "prefer you not",
    "pas faire partie de votre vivier",
    "refuse que",
    "not keep me",
    "don't keep me",
    "article 21",
    "art. 21",
    "droit d'opposition",
    "right to object",
    "withdraw my consent",
    "withdraw consent",
    "revoke my consent",
    "retire mon consentement",
    "retirer mon consentement",
    "revoque mon consentement",
    "restrict the processing",
    "restriction of processing",
    "restrict processing",
    "limitation du traitement",
    "limiter le traitement",
    "article 18",
    "opt out",
    "opt-out",
    "no more emails",
    "no more messages",
    "no more calls",
    "plus de mails",
    "plus d'emails",
    "plus d'e-mails",
    "plus de messages",
    "plus d'appels",
];

/// What an objection is about: the data, keeping it, being contacted.
const OBJECT_TARGET: &[&str] = &[
    "email",
    " mail",
    "receiv",
    "recevoir",
    "message",
    "offre",
    "offer",
    "marketing",
    "data",
    "donnees",
    " cv",
    "traitement",
    "processing",
    "retention",
    "conservation",
    "keep",
    "kept",
    "conserv",
    "gard",
    "contact",
    "pool",
    "vivier",
    "profil",
    " file",
    "fichier",
    "dossier",
    "application",
    "candidature",
    "information",
    "details",
    "rgpd",
    "gdpr",
];

/// Being contacted, as the object of a refusal ("didn't contact me again", "ne plus être
/// sollicité").
const CONTACT: &[&str] = &[
    "contact me",
    "contacted",
    "contacting",
    "contacte",
    "recontact",
    "sollicit",
    "emailing me",
    "email me",
    "call me",
    "m'appeler",
    "m'ecrire",
    "reaching out",
    "reach out",
    "m'envoyer",
    "sending me",
    "send me",
    "hear from",
    "messaging me",
    "message me",
    "recevoir",
    "receive",
];

const REFUSAL: &[&str] = &[
    " not ",
    "n't ",
    " ne ",
    " no longer",
    " no more",
    " plus ",
    " stop",
    " arret",
    " cess",
    " never",
    " jamais",
    "refrain",
    "absten",
    " dont ",
];

/// Sentences where a refused contact is not a request ("n'hésitez pas à me contacter",
/// "I haven't been contacted yet").
const NOT_A_REFUSAL: &[&str] = &[
    "hesit",
    "feel free",
    " yet",
    "encore",
    "haven't",
    "hasn't",
    "has not",
    "have not",
    "n'a pas ete",
    "n'ai pas ete",
    "n'avez pas",
    "personne ne",
    "nobody",
    "no one",
];

fn objection(x: &Text) -> bool {
    if x.any(OBJECTION) {
        return true;
    }
    x.sentence(|s| {
        let words = s.split_whitespace().count();
        let objects = ["object", "oppose", "opposition"].iter().any(|v| {
            s.match_indices(v).any(|(at, _)| {
                let before = &s[floor(s, at.saturating_sub(10))..at];
                let negated = ["no ", "pas d'", "aucune ", "don't ", "not ", "n'"].iter().any(|n| before.ends_with(n));
                !negated && (words <= 4 || any(s, OBJECT_TARGET))
            })
        });
        // "I hope this isn't awkward, could you send me a copy of my data": asked, not refused.
        let refused_contact = !any(s, NOT_A_REFUSAL)
            && !any(s, ACCESS)
            && CONTACT
                .iter()
                .any(|c| s.match_indices(c).any(|(at, _)| any(&s[floor(s, at.saturating_sub(40))..at], REFUSAL)));
        objects || refused_contact || negated_keep(s)
    })
}

const KEEP: &[&str] = &[
    "keep",
    "kept",
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
    "stay in",
    "remain in",
    "add me",
    "m'ajouter",
    "rester dans",
    "faire partie",
    "be part of",
    "process my",
    "traiter mes",
    "use my data",
    "utilise",
    " used",
];

/// What follows "keep me" when it asks for news, not for a file.
const KEEP_INFORMED: &[&str] = &["posted", "informed", "updated", "au courant", "in the loop", "waiting"];

/// A negation that says yes ("I don't mind", "pas de souci pour").
const NO_OBSTACLE: &[&str] =
    &["mind", "souci", "probleme", "problem", "inconvenient", "objection", "worry", "inquiet", "contre", "against"];

/// A subject before a keep verb that makes the keeping the candidate's own ("I'll keep
/// the appointment").
const SELF: &[&str] = &["i'll ", "i will ", "i'd ", "i ", "je ", "we'll "];

const NEGATION: &[&str] =
    &[" don't", " do not", " didn't", " not ", " ne ", " n'", " pas ", " never", " non ", " no,", " no ", "refuse"];

/// A keep verb under a negation close before it ("don't keep", "ne conservez pas",
/// "pas que mon CV soit conservé").
fn negated_keep(s: &str) -> bool {
    !only_schedule(s)
        && KEEP.iter().chain(PASS_ON).any(|k| {
            s.match_indices(k).any(|(at, _)| {
                let before = &s[floor(s, at.saturating_sub(30))..at];
                let after = &s[at..ceil(s, at + k.len() + 12)];
                !any(after, KEEP_INFORMED)
                    && !any(before, NO_OBSTACLE)
                    && !SELF.iter().any(|p| before.ends_with(p))
                    && (NEGATION.iter().any(|n| before.contains(n)) || after.contains(" pas "))
            })
        })
}

/// Passing the data on: refused, it is an objection; asked, it is no right ("share my CV
/// with the hiring manager").
const PASS_ON: &[&str] = &["shared", "share my", "passed on", "transmi", "partag"];

const MINE: &[&str] = &[
    "my cv",
    "my details",
    "my application",
    "my data",
    "my information",
    "my profile",
    "me in mind",
    "me on file",
    "me on your",
    "me on the",
    "me in the",
    "me in your",
    "mon cv",
    "mes coordonnees",
    "ma candidature",
    "mes informations",
    "mon profil",
    "mon dossier",
    "mes donnees",
];

/// A keep verb with the candidate's own file as its object, before or after it.
fn keep_of_mine(s: &str) -> bool {
    KEEP.iter().any(|k| {
        s.match_indices(k).any(|(at, _)| {
            let around = &s[floor(s, at.saturating_sub(25))..ceil(s, at + 40)];
            let after = &s[at..ceil(s, at + k.len() + 12)];
            !any(after, KEEP_INFORMED) && MINE.iter().any(|m| around.contains(m))
        })
    })
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
    "be considered for future",
    "considered for other",
    "considered for future",
    "stay in your",
    "remain in your",
    "rester dans votre",
    "reste dans votre",
    "faire partie de votre",
    "hang on to my",
    "hold on to my",
    "accepte que mon dossier",
    "accepte que mes donnees",
    "accepte que mon cv",
];

fn renewal(x: &Text) -> bool {
    x.any(RENEWAL) || x.sentence(keep_of_mine)
}

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
    "what data do",
    "what data you",
    "what data have",
    "what data are",
    "what information do",
    "what information you",
    "what information have",
    "what personal information",
    "what info do",
    "what info you",
    "what's on my file",
    "what is on my file",
    "quelles donnees",
    "quelles informations",
    "acceder a mes",
    "acces a mes",
    "l'acces a",
    "access to my",
    "article 15",
    "right of access",
    "article 20",
    "portability",
    "portabilite",
    "art. 15",
    "subject access",
    "droit d'acces",
    "information you hold",
    "data you hold",
    "detenez",
    "communication de l'ensemble",
    "communiquer les donnees",
    "communiquer l'ensemble",
    "export my data",
    "send me my data",
    "let me see",
    "provide all",
    "avez a mon sujet",
    "have on file about me",
    "you have on file for me",
    "data you have on file",
    "whether you are processing",
    "whether you process",
    "si vous traitez",
    "copie de toutes",
];

/// Holding verbs and the candidate as their subject matter ("what you have kept on me").
const HOLD: &[&str] =
    &[" have", "'ve got", " got", " hold", " kept", " store", " avez", "detenez", "garde", "conserve", "stocke"];
const ABOUT_ME: &[&str] = &[
    " about me",
    " on me",
    " sur moi",
    "a mon sujet",
    "me concernant",
    "concerning me",
    "you've collected",
    "you have collected",
    "vous avez collecte",
    "vous avez recueilli",
];

/// Verbs asking to see or be sent what is held.
const SHOW: &[&str] = &[
    "copy",
    "copie",
    "consult",
    "share",
    "partager",
    " see ",
    " voir",
    "access",
    "acces",
    "obtain",
    "obtenir",
    "transmettre",
    "send me",
    "envoyer",
];

/// A sentence where the candidate gives rather than asks ("I'll send you a copy of my
/// diploma").
const GIVING: &[&str] =
    &["i'll send", "i will send", "send you", "vous envoie", "vous enverrai", "je joins", "attached", "ci-joint"];

/// Question words, and verbs of what HR does with data, for "which of my data do you
/// process?".
const WHICH: &[&str] = &["what", "which", "quel", "quoi", "ce que", "how long", "combien de temps"];
const PROCESS: &[&str] =
    &[" process", "trait", " use", " utilis", " hold", " have", " store", " keep", " avez", "detenez"];

fn access(x: &Text) -> bool {
    x.sentence(|s| any(s, ACCESS) && !any(s, GIVING))
        || x.sentence(|s| s.contains('?') && any(s, WHICH) && any(s, PROCESS) && (own_data(s) || any(s, ABOUT_ME)))
        || x.sentence(|s| {
            SHOW.iter().any(|v| {
                s.match_indices(v).any(|(at, _)| {
                    let before = &s[floor(s, at.saturating_sub(12))..at];
                    !PAST_MINE.iter().any(|p| before.ends_with(p))
                        && !any(s, GIVING)
                        && (owns(&s[at..], PERSONAL) || any(&s[at..], ABOUT_ME))
                })
            })
        })
        || x.sentence(|s| {
            HOLD.iter().any(|h| s.match_indices(h).any(|(at, _)| any(&s[at..ceil(s, at + 40)], ABOUT_ME)))
                && (s.contains('?') || any(s, &["send", "envo", "communiqu", "voir", "see ", "copy", "copie"]))
        })
}

/// A reply that is only yes or no (with a please, a thanks, an emoji): Some(true) for a
/// yes, Some(false) for a no.
fn bare_answer(t: &str) -> Option<bool> {
    const YES: &[&str] = &[
        "yes",
        "oui",
        "ok",
        "okay",
        "sure",
        "fine",
        "d'accord",
        "daccord",
        "absolutely",
        "course",
        "go",
        "ahead",
        "yep",
    ];
    const NO: &[&str] = &["no", "non", "nope"];
    const FILLER: &[&str] = &[
        "please", "thanks", "thank", "you", "merci", "bien", "sur", "bonjour", "hello", "hi", "that's", "that", "is",
        "it", "pour", "moi", "for", "me", "of", "c'est", "tout", "a", "fait", "totally", "bien", "avec", "plaisir",
        "by", "all", "means",
    ];
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect();
    let thumbs = t.contains('\u{1f44d}') || t.contains('\u{2705}') || t.contains('\u{1f44c}');
    if words.len() > 8 || !words.iter().all(|w| YES.contains(w) || NO.contains(w) || FILLER.contains(w)) {
        return None;
    }
    if words.iter().any(|w| NO.contains(w)) {
        Some(false)
    } else if thumbs || words.iter().any(|w| YES.contains(w)) {
        Some(true)
    } else {
        None
    }
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
    fn misspelt_and_curt_requests_are_read() {
        assert_eq!(of("je veux que vous éffaciez tout mes donnés svp"), Intent::Erasure);
        assert_eq!(of("svp arretez de menvoyer des offres"), Intent::Objection);
        assert_eq!(of("please erase me"), Intent::Erasure);
        assert_eq!(of("I'd like to be forgotten by your system."), Intent::Erasure);
        assert_eq!(of("Bonjour,\n\nSupprimez-moi de votre base."), Intent::Erasure);
        assert_eq!(of("I no longer want you to have my details. Please get rid of them."), Intent::Erasure);
    }

    #[test]
    fn the_object_of_the_verb_decides() {
        assert_eq!(of("Can you remove me from the Thursday slot?"), Intent::None);
        assert_eq!(of("Could you correct the time in the calendar invite?"), Intent::None);
        assert_eq!(of("Can I withdraw from the group exercise?"), Intent::None);
        assert_eq!(of("I object to the 9am start, could we do 10?"), Intent::None);
        assert_eq!(of("Je m'oppose un peu à l'idée d'un test de 8 heures."), Intent::None);
        assert_eq!(of("I object, under Article 21 GDPR, to the retention of my application."), Intent::Objection);
    }

    #[test]
    fn negations_and_offers_are_not_requests() {
        assert_eq!(of("No objection to a second interview."), Intent::None);
        assert_eq!(of("N'hésitez pas à me contacter pour toute question."), Intent::None);
        assert_eq!(of("I haven't been contacted yet about the next step."), Intent::None);
        assert_eq!(of("Keep me posted!"), Intent::None);
        assert_eq!(of("I'll send you a copy of my diploma tomorrow."), Intent::None);
        assert_eq!(of("I'd appreciate it if you didn't contact me again."), Intent::Objection);
    }

    #[test]
    fn an_emoji_answers_the_keep_question() {
        let whole = "ok pour moi 👍\n\nLe 1 déc. 2026, RH a écrit :\n> Pouvons-nous conserver votre CV ?";
        assert_eq!(classify("ok pour moi 👍", whole).intent, Intent::Renewal);
        assert_eq!(classify("non merci", whole).intent, Intent::Objection);
    }

    #[test]
    fn consent_restriction_and_a_bare_stop_are_objections() {
        assert_eq!(of("I withdraw my consent to the processing of my data."), Intent::Objection);
        assert_eq!(of("Je retire mon consentement au traitement de mes données."), Intent::Objection);
        assert_eq!(of("Please restrict the processing of my data."), Intent::Objection);
        assert_eq!(of("STOP"), Intent::Objection);
        assert_eq!(of("I don't want my data shared with your partners."), Intent::Objection);
        assert_eq!(of("Could you share my CV with the hiring manager?"), Intent::None);
    }

    #[test]
    fn an_erasure_outranks_a_withdrawal_and_names_what_it_erases() {
        let both = "J'ai trouvé un poste ailleurs. Détruisez l'intégralité de mon dossier.";
        assert_eq!(of(both), Intent::Erasure);
        assert_eq!(of("Je souhaite retirer ma candidature."), Intent::Withdrawal);
        assert_eq!(of("You still have my file. I would like it to be permanently deleted."), Intent::Erasure);
        assert_eq!(of("Could you remove my colleague from the cc list?"), Intent::None);
        assert_eq!(of("Thanks for asking rather than just deleting it."), Intent::None);
    }

    #[test]
    fn a_very_long_reply_is_read_in_bounded_time() {
        let long = "Please delete my data. ".to_owned() + &"blah ".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(of(&long), Intent::Erasure);
        assert!(started.elapsed().as_millis() < 2_000);
    }

    #[test]
    fn one_edit_is_not_an_inflection() {
        assert!(one_edit("donnes", "donnees"));
        assert!(one_edit("suprimer", "supprimer"));
        assert!(one_edit("delte", "delete"));
        assert!(!one_edit("deleted", "delete"));
        assert!(!one_edit("supprime", "supprimer"));
        assert_eq!(mend("menvoyer"), "m'envoyer");
        assert_eq!(mend("(donnés)"), "(donnés)");
        assert_eq!(mend("(donnes)"), "(donnees)");
    }

    #[test]
    fn corrections_carry_their_new_values() {
        let d = classify("My email changed: jane@new.org, phone 06 12 34 56 78.", "");
        assert_eq!(d.intent, Intent::Correction);
        assert_eq!(d.values, vec!["jane@new.org", "06 12 34 56 78"]);
    }
}
