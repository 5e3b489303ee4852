//! Mail: candidates' email, in and out (issue 12). This branch carries the network
//! transport only ([`transport`]: IMAP fetch, SMTP sending, the outbox, mail settings and
//! their passwords); the intake (parsing, dedup, matching, reply intent) joins it at merge.

pub mod transport;
