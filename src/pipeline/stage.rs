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

    /// Still in the running.
    pub fn is_open(self) -> bool {
        matches!(self, Stage::New | Stage::Screening | Stage::Interview | Stage::Offer)
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
    fn stages_parse_from_their_names_only() {
        for st in Stage::ALL {
            assert_eq!(Stage::parse(st.as_str()).unwrap(), st);
        }
        assert!(Stage::parse("interviewing").is_err());
    }
}
