//! Privacy: the promises made to candidates, enforced by the engine. This area owns the
//! sensitive-category guard (promise P2), the stage gates on hiring details (P3) and
//! retention and purge (P6, P7). Its logic is pure, values in and values out: it never
//! speaks SQL (that is `store`) and never reads the clock (time comes in as a value).

pub mod guard;
pub mod policy;
pub mod retention;
