//! The one list of error codes.
