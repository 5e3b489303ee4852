//! Background work the app runs by itself while it is open, off the commands' path.

pub mod mail_poll;
pub mod purge;
