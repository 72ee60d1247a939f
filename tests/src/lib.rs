//! End-to-end test support for ferroswitch.
