//! Background work the app runs by itself while it is open, off the commands' path.

pub mod purge;
