//! Synthetic data for benchmarks and demos (`vivier dev seed`): candidates with about 3 KB
//! of CV text each, spread over jobs, one job carrying a large board. Deterministic for a
//! given seed. Bulk-inserted in large transactions (no audit entries: nobody viewed or
//! edited these people), with the same rows, documents and search entries the normal
//! operations write. Never used on real data.

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

use super::Store;
use crate::db::time::ts;
use crate::pipeline::PipelineError;

const FIRST: &[&str] = &[
    "Ana", "Marc", "Jeanne", "Paul", "Lucie", "Karim", "Sofia", "Tom", "Nadia", "Hugo", "Élise", "Yann", "Inès",
    "Louis", "Chloé", "Malik", "Léa", "Omar", "Zoé", "Bruno", "Agnès", "Théo", "Maya", "Jules",
];
const LAST: &[&str] = &[
    "Lima", "Petit", "Dupont", "Martin", "Bernard", "Leroy", "Moreau", "Fournier", "Girard", "Bonnet", "Lambert",
    "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer",
];
const SKILLS: &[&str] = &[
    "rust",
    "kotlin",
    "python",
    "sql",
    "postgresql",
    "kubernetes",
    "terraform",
    "react",
    "svelte",
    "typescript",
    "accounting",
    "payroll",
    "sap",
    "excel",
    "figma",
    "marketing",
    "seo",
    "negotiation",
    "logistics",
    "welding",
    "electronics",
    "embedded",
    "linux",
    "networking",
    "security",
    "audit",
    "finance",
    "sales",
    "support",
    "java",
];
const CITIES: &[&str] =
    &["Paris", "Lyon", "Nantes", "Lille", "Bordeaux", "Toulouse", "Rennes", "Grenoble", "Lisbon", "Berlin", "Madrid"];
const COMPANIES: &[&str] = &[
    "Airbus",
    "Thales",
    "Decathlon",
    "Orange",
    "Capgemini",
    "Ubisoft",
    "Michelin",
    "Renault",
    "Leroy Merlin",
    "Sodexo",
];
const FILLER: &[&str] = &[
    "managed",
    "delivered",
    "designed",
    "improved",
    "team",
    "project",
    "customers",
    "quality",
    "process",
    "budget",
    "reporting",
    "migration",
    "platform",
    "tools",
    "training",
    "planning",
    "results",
    "growth",
    "operations",
    "data",
    "the",
    "and",
    "with",
    "for",
    "in",
    "of",
    "a",
    "on",
    "across",
    "several",
    "international",
    "daily",
];

/// What seeding made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Seeded {
    pub candidates: u64,
    pub jobs: u64,
    /// The job given the large board.
    pub big_job: String,
    pub big_job_applications: u64,
}

/// A small deterministic xorshift generator: the seeder's, and the one the property
/// tests and benchmarks draw from (a seed reproduces a run). Never for anything secret.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Xorshift(pub u64);

impl Xorshift {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (not 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

fn uuid_from(rng: &mut Xorshift) -> String {
    let bytes: [u8; 16] = {
        let a = rng.next_u64().to_le_bytes();
        let b = rng.next_u64().to_le_bytes();
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a);
        out[8..].copy_from_slice(&b);
        out
    };
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// A pseudo-word from a syllable table: a large vocabulary with a skewed frequency, closer to
/// real CVs than a few hundred words repeated everywhere.
fn word(rng: &mut Xorshift) -> String {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ren", "ta", "vo", "sel", "dra", "ni", "po", "qua", "li", "ber", "tos", "ga", "ur", "ex",
        "on", "fi", "mar", "stu", "cel", "dan", "or",
    ];
    // Two to four syllables: about 24^2..24^4 distinct words, short ones more frequent.
    let n = 2 + (rng.next_u64() % 3).min(rng.next_u64() % 3);
    (0..n).map(|_| *rng.pick(SYL)).collect()
}

fn cv_text(rng: &mut Xorshift, name: &str, target: usize) -> String {
    // Each person has a handful of skills, employers and cities, as a real CV does.
    let skills: Vec<&str> = (0..4).map(|_| *rng.pick(SKILLS)).collect();
    let companies: Vec<&str> = (0..2).map(|_| *rng.pick(COMPANIES)).collect();
    let city = *rng.pick(CITIES);
    let mut cv = format!("{name}\nCurriculum vitae\n{city}\n");
    while cv.len() < target {
        let skill = skills[(rng.next_u64() % skills.len() as u64) as usize];
        let company = companies[(rng.next_u64() % companies.len() as u64) as usize];
        cv.push_str(&format!(
            "{} years at {company}: {} {skill} {} {}, {} {} {}.\n",
            1 + rng.next_u64() % 9,
            *rng.pick(FILLER),
            word(rng),
            *rng.pick(FILLER),
            word(rng),
            word(rng),
            *rng.pick(FILLER),
        ));
    }
    cv
}

impl Store {
    /// Inserts `candidates` synthetic candidates (with a text CV of about `cv_bytes`) over
    /// `jobs` jobs; the first job gets `big_board` applications. Creation dates spread over
    /// the two years before `now`.
    #[doc(hidden)]
    pub fn seed_synthetic(
        &mut self,
        candidates: u64,
        jobs: u64,
        big_board: u64,
        cv_bytes: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<Seeded, PipelineError> {
        let mut rng = Xorshift(seed | 1);
        let jobs = jobs.max(1);
        let mut job_ids = Vec::new();
        let tx = self.conn.transaction()?;
        for j in 0..jobs {
            let uuid = uuid_from(&mut rng);
            tx.execute(
                "INSERT INTO jobs (uuid, title, country, status, opened_at) VALUES (?1, ?2, 'FR', 'open', ?3)",
                params![uuid, format!("{} engineer #{j}", *rng.pick(SKILLS)), ts(now - Duration::days(400))],
            )?;
            job_ids.push((tx.last_insert_rowid(), uuid));
        }
        tx.commit()?;
        let stages = ["new", "screening", "interview", "offer", "rejected"];
        let mut done = 0u64;
        while done < candidates {
            let batch = (candidates - done).min(2_000);
            let tx = self.conn.transaction()?;
            {
                let mut cand = tx.prepare_cached(
                    "INSERT INTO candidates (uuid, full_name, phone, phone_normalized, source, language, created_at,
                                             last_contact_at)
                     VALUES (?1, ?2, ?3, ?4, 'direct', 'fr', ?5, ?5)",
                )?;
                let mut email = tx.prepare_cached(
                    "INSERT INTO candidate_emails (candidate_id, email, email_normalized) VALUES (?1, ?2, ?2)",
                )?;
                let mut doc = tx.prepare_cached(
                    "INSERT INTO documents (uuid, candidate_id, kind, file_name, media_type, size, sha256, content, text,
                                            text_status, added_at)
                     VALUES (?1, ?2, 'cv', 'cv.txt', 'text/plain; charset=utf-8', ?3, '', ?4, ?5, 'extracted', ?6)",
                )?;
                let mut entry =
                    tx.prepare_cached("INSERT INTO search_entries (candidate_id, field, ref) VALUES (?1, ?2, ?3)")?;
                let mut index = tx.prepare_cached("INSERT INTO search_index (rowid, body) VALUES (?1, ?2)")?;
                let mut app = tx.prepare_cached(
                    "INSERT INTO applications (uuid, candidate_id, job_id, stage, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                )?;
                let mut event = tx.prepare_cached(
                    "INSERT INTO stage_events (application_id, from_stage, to_stage, actor, at)
                     VALUES (?1, NULL, 'new', 'seed', ?2)",
                )?;
                for i in done..done + batch {
                    let name = format!("{} {}", *rng.pick(FIRST), *rng.pick(LAST));
                    let uuid = uuid_from(&mut rng);
                    let age = Duration::minutes((rng.next_u64() % (730 * 24 * 60)) as i64);
                    let created = ts(now - age);
                    let phone = format!("+336{:08}", i);
                    cand.execute(params![uuid, name, phone, phone, created])?;
                    let cid = tx.last_insert_rowid();
                    let mail = format!("candidate{i}@example.org");
                    email.execute(params![cid, mail])?;
                    entry.execute(params![cid, "profile", uuid])?;
                    index.execute(params![tx.last_insert_rowid(), format!("{name} {mail} {phone}")])?;
                    let text = cv_text(&mut rng, &name, cv_bytes);
                    let doc_uuid = uuid_from(&mut rng);
                    doc.execute(params![doc_uuid, cid, text.len() as i64, text.as_bytes(), text, created])?;
                    entry.execute(params![cid, "document", doc_uuid])?;
                    index.execute(params![tx.last_insert_rowid(), text])?;
                    let job = if i < big_board {
                        Some(&job_ids[0])
                    } else if job_ids.len() > 1 {
                        Some(&job_ids[1 + (rng.next_u64() % (job_ids.len() as u64 - 1)) as usize])
                    } else {
                        None
                    };
                    if let Some((jid, _)) = job {
                        let mut stage = stages[(rng.next_u64() % stages.len() as u64) as usize];
                        // As in life, an application older than a quarter is closed (the large
                        // board, a benchmark of columns, keeps its mix): an open one keeps its
                        // candidate whatever the pool period says.
                        if i >= big_board && age > Duration::days(90) {
                            stage = "rejected";
                        }
                        app.execute(params![uuid_from(&mut rng), cid, jid, stage, created])?;
                        event.execute(params![tx.last_insert_rowid(), created])?;
                    }
                }
            }
            tx.commit()?;
            done += batch;
        }
        let big_job_applications: u64 =
            self.conn.query_row("SELECT count(*) FROM applications WHERE job_id = ?1", [job_ids[0].0], |r| {
                r.get::<_, i64>(0)
            })? as u64;
        self.conn.execute_batch("INSERT INTO search_index(search_index) VALUES ('optimize'); ANALYZE;")?;
        self.checkpoint()?;
        Ok(Seeded { candidates, jobs, big_job: job_ids[0].1.clone(), big_job_applications })
    }
}
