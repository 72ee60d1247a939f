//! mod_console
