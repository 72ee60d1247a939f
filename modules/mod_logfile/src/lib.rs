//! mod_logfile
