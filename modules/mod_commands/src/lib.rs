//! mod_commands
