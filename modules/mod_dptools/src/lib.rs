//! mod_dptools
