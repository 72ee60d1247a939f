//! The ferroswitch host: it loads modules, runs sessions through FreeSWITCH's channel state
//! machine, carries events to subscribers, and executes API commands for the console.
//!
//! Layout: [`config`] (the XML tree and `reloadxml`), [`loader`] (dlopen, ABI checks, load,
//! unload, reload), [`registry`] (the interfaces modules registered), [`session`] (channels,
//! the state machine, originate), [`events`] (the event bus), [`logging`], [`host_table`]
//! (the functions modules call), [`api`] and [`console`].

pub mod api;
pub mod config;
pub mod console;
pub mod core;
pub mod events;
pub mod host_table;
pub mod loader;
pub mod logging;
pub mod media;
pub mod registry;
pub mod session;
pub mod settings;
pub mod stats;
pub mod threads;

pub use crate::core::{Core, CoreOptions, StartError};
