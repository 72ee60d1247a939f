//! mod_soft_timer
