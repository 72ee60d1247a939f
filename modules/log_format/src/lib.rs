//! What the logger modules (mod_console, mod_logfile) share: which levels a configuration
//! lets through ([`levels`]) and how a record is written as a line ([`mod@line`]).

pub mod levels;
pub mod line;
