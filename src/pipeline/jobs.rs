//! Jobs: opening, listing and closing positions. Every change is one transaction with its
//! audit entry.

use rusqlite::params;

use crate::db::Store;
use crate::db::ids::{new_uuid, resolve};
use crate::db::time::{opt_ts, parse_ts, ts};
use crate::guard::flags;
use crate::guard::policy::HrText;
use crate::pipeline::{Job, JobStatus, NewJob, PipelineError, Stage, Stamp};

type Result<T> = std::result::Result<T, PipelineError>;

impl Store {
    pub fn add_job(&mut self, stamp: &Stamp, job: NewJob) -> Result<Job> {
        let job = job.validated()?;
        let warned = HrText::check_all(&[
            HrText::new("title", &job.title),
            HrText::new("department", job.department.as_deref().unwrap_or("")),
            HrText::new("location", job.location.as_deref().unwrap_or("")),
            HrText::new("description", &job.description),
        ])?;
        let uuid = new_uuid();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO jobs (uuid, title, department, location, country, status, description, opened_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7)",
                params![uuid, job.title, job.department, job.location, job.country, job.description, ts(stamp.at)],
            )?;
            // Offsets of warnings found in several fields are relative to each field.
            flags::record(tx, None, "job", &uuid, &warned, stamp)?;
            job_by_uuid(tx, &uuid)
        })
    }

    pub fn jobs(&self, status: Option<JobStatus>) -> Result<Vec<Job>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{} WHERE ?1 IS NULL OR j.status = ?1 ORDER BY j.opened_at DESC", job_select()))?;
        let rows = stmt.query_map([status.map(JobStatus::as_str)], job_row)?.collect::<std::result::Result<_, _>>()?;
        Ok(rows)
    }

    pub fn job(&self, id: &str) -> Result<Job> {
        let (_, uuid) = resolve(&self.conn, "jobs", "job", id)?;
        job_by_uuid(&self.conn, &uuid)
    }

    pub fn set_job_status(&mut self, stamp: &Stamp, id: &str, status: JobStatus) -> Result<Job> {
        self.write(|tx| {
            let (job_id, uuid) = resolve(tx, "jobs", "job", id)?;
            let closed_at = (status == JobStatus::Closed).then(|| ts(stamp.at));
            tx.execute(
                "UPDATE jobs SET status = ?1, closed_at = ?2 WHERE id = ?3",
                params![status.as_str(), closed_at, job_id],
            )?;
            job_by_uuid(tx, &uuid)
        })
    }
}

/// The columns of a job, with its count of open applications.
fn job_select() -> &'static str {
    static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "SELECT j.uuid, j.title, j.department, j.location, j.country, j.status, j.description,
                    j.opened_at, j.closed_at,
                    (SELECT count(*) FROM applications a WHERE a.job_id = j.id AND a.stage IN {})
             FROM jobs j",
            Stage::open_sql()
        )
    });
    &SQL
}

pub(crate) fn job_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    let status: String = r.get(5)?;
    Ok(Job {
        uuid: r.get(0)?,
        title: r.get(1)?,
        department: r.get(2)?,
        location: r.get(3)?,
        country: r.get(4)?,
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Open),
        description: r.get(6)?,
        opened_at: parse_ts(&r.get::<_, String>(7)?)?,
        closed_at: opt_ts(r.get(8)?)?,
        open_applications: r.get(9)?,
    })
}

pub(crate) fn job_by_uuid(conn: &rusqlite::Connection, uuid: &str) -> Result<Job> {
    Ok(conn.query_row(&format!("{} WHERE j.uuid = ?1", job_select()), [uuid], job_row)?)
}
