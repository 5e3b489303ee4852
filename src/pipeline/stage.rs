//! Application stages and the moves allowed between them:
//! new → screening → interview → offer → hired, or closed as rejected (with a reason) or
//! withdrawn. Open stages may move forward or back; a rejected or withdrawn application
//! can be reopened; hired is final (leaving it is the contract's business, not the board's).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::PipelineError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    New,
    Screening,
    Interview,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

impl Stage {
    /// Board order.
    pub const ALL: [Stage; 7] =
        [Stage::New, Stage::Screening, Stage::Interview, Stage::Offer, Stage::Hired, Stage::Rejected, Stage::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::New => "new",
            Stage::Screening => "screening",
            Stage::Interview => "interview",
            Stage::Offer => "offer",
            Stage::Hired => "hired",
            Stage::Rejected => "rejected",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Stage, PipelineError> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            PipelineError::Invalid {
                field: "stage",
                reason: format!(
                    "\"{s}\" is not a stage: new, screening, interview, offer, hired, rejected or withdrawn"
                ),
            }
        })
    }

    /// Still in the running. With [`Stage::ALL`]'s order, the one definition of the stages
    /// that the SQL ([`Stage::open_sql`]), the stage gates ([`Stage::progress`]), the schema's
    /// CHECK (held to it by a test) and the UI (its generated stage list) all take.
    pub const fn is_open(self) -> bool {
        matches!(self, Stage::New | Stage::Screening | Stage::Interview | Stage::Offer)
    }

    /// Position on the way to a hire (new 0 … hired 4), from the board order; `None` for
    /// closed stages (rejected, withdrawn), on which nothing new may be collected.
    pub fn progress(self) -> Option<u8> {
        if !self.is_open() && self != Stage::Hired {
            return None;
        }
        Stage::ALL.iter().position(|s| *s == self).and_then(|p| u8::try_from(p).ok())
    }

    /// Closed without a hire (rejected, withdrawn): the close from which the pool runs.
    pub const fn is_closed(self) -> bool {
        !self.is_open() && !matches!(self, Stage::Hired)
    }

    /// The open stages as an SQL list, `('new', 'screening', 'interview', 'offer')`, for
    /// queries that ask whether an application is still open.
    pub fn open_sql() -> &'static str {
        static LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| Stage::sql_list(Stage::is_open));
        &LIST
    }

    /// The closed stages as an SQL list, `('rejected', 'withdrawn')`.
    pub fn closed_sql() -> &'static str {
        static LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| Stage::sql_list(Stage::is_closed));
        &LIST
    }

    fn sql_list(keep: fn(Stage) -> bool) -> String {
        let names: Vec<String> = Stage::ALL.iter().filter(|s| keep(**s)).map(|s| format!("'{}'", s.as_str())).collect();
        format!("({})", names.join(", "))
    }

    /// Checks a move and the reason it carries; returns the reason to record.
    pub fn check_move(self, to: Stage, reason: Option<&str>) -> Result<Option<String>, PipelineError> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if self == to {
            return Err(PipelineError::Transition { from: self, to, hint: ": it is already there" });
        }
        if self == Stage::Hired {
            return Err(PipelineError::Transition { from: self, to, hint: ": a hire is final" });
        }
        if to == Stage::Hired && self != Stage::Offer {
            return Err(PipelineError::Transition { from: self, to, hint: ": a hire follows an offer" });
        }
        if !self.is_open() && !to.is_open() {
            return Err(PipelineError::Transition { from: self, to, hint: ": reopen it first" });
        }
        if to == Stage::Rejected && reason.is_none() {
            return Err(PipelineError::ReasonRequired);
        }
        Ok(reason)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_path_is_allowed() {
        let path = [Stage::New, Stage::Screening, Stage::Interview, Stage::Offer, Stage::Hired];
        for pair in path.windows(2) {
            pair[0].check_move(pair[1], None).unwrap();
        }
    }

    #[test]
    fn open_stages_move_back_and_forth() {
        Stage::Interview.check_move(Stage::Screening, None).unwrap();
        Stage::New.check_move(Stage::Interview, None).unwrap();
    }

    #[test]
    fn rejection_needs_a_reason() {
        assert!(matches!(Stage::Interview.check_move(Stage::Rejected, None), Err(PipelineError::ReasonRequired)));
        assert!(matches!(Stage::Interview.check_move(Stage::Rejected, Some("  ")), Err(PipelineError::ReasonRequired)));
        assert_eq!(
            Stage::Interview.check_move(Stage::Rejected, Some(" Profile ")).unwrap().as_deref(),
            Some("Profile")
        );
        Stage::Screening.check_move(Stage::Withdrawn, None).unwrap();
    }

    #[test]
    fn hiring_follows_an_offer_and_is_final() {
        assert!(Stage::Interview.check_move(Stage::Hired, None).is_err());
        for to in Stage::ALL {
            assert!(Stage::Hired.check_move(to, Some("x")).is_err(), "hired -> {to}");
        }
    }

    #[test]
    fn closed_applications_reopen_before_anything_else() {
        Stage::Rejected.check_move(Stage::Screening, None).unwrap();
        assert!(Stage::Rejected.check_move(Stage::Withdrawn, None).is_err());
        assert!(Stage::Withdrawn.check_move(Stage::Hired, None).is_err());
    }

    #[test]
    fn progress_follows_the_board_order_and_closed_stages_have_none() {
        let on_the_way: Vec<_> = Stage::ALL.iter().filter_map(|s| s.progress()).collect();
        assert_eq!(on_the_way, [0, 1, 2, 3, 4]);
        assert_eq!(Stage::Hired.progress(), Some(4));
        assert_eq!(Stage::Rejected.progress(), None);
        assert_eq!(Stage::open_sql(), "('new', 'screening', 'interview', 'offer')");
        assert_eq!(Stage::closed_sql(), "('rejected', 'withdrawn')");
    }

    #[test]
    fn stages_parse_from_their_names_only() {
        for st in Stage::ALL {
            assert_eq!(Stage::parse(st.as_str()).unwrap(), st);
        }
        assert!(Stage::parse("interviewing").is_err());
    }
}
