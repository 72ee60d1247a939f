//! mod_loopback
