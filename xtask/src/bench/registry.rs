//! The registry of whole-system benches, and choosing which of them to run.

use crate::error::Error;
use crate::workspace::Workspace;

/// A whole-system bench: drives the release build of the switch from outside (sipp placing
/// calls, an event-socket client, ...) and prints what it measured.
///
/// To add one, write `bench/<name>.rs` with a `pub fn run(workspace: &Workspace) -> Result<(),
/// Error>`, declare it in `bench/mod.rs`, and add a row to [`SYSTEM_BENCHES`]. The release build
/// is done and the system packages for [`Need::Tests`](crate::system_packages::Need::Tests) are
/// installed before it runs; `workspace.ferroswitch(Profile::Release)` is the binary to start.
#[derive(Clone, Copy)]
pub struct SystemBench {
    /// What `cargo xtask bench -- NAME` selects it by.
    pub name: &'static str,
    /// One line for `cargo xtask bench -- --list`.
    pub description: &'static str,
    pub run: fn(&Workspace) -> Result<(), Error>,
}

/// Every system bench, in the order they run.
pub const SYSTEM_BENCHES: &[SystemBench] = &[
    SystemBench {
        name: "loopback_calls",
        description:
            "loopback call setups per second, and resident memory per parked call (1,000 and 5,000)",
        run: super::loopback_calls::run,
    },
    SystemBench {
        name: "media_calls",
        description: "concurrent loopback calls playing a WAV file over PCMU and recording it, with < 0.1% late frames",
        run: super::media_calls::run,
    },
    SystemBench {
        name: "event_socket",
        description: "events per second to 1 and 10 `event plain ALL` subscribers during loopback calls, and fired-to-received latency",
        run: super::event_socket::run,
    },
    SystemBench {
        name: "sip_calls",
        description: "SIP calls/s through a bridge with 0 failed calls (sipp, 1 s hold), signalling only and with PCMA media anchored",
        run: super::sip_calls::run,
    },
    SystemBench {
        name: "sip_media_concurrency",
        description: "200/500/1,000 concurrent bridged SIP calls with PCMA RTP both ways: switch CPU, memory, packets delivered",
        run: super::sip_media_concurrency::run,
    },
];

/// What `cargo xtask bench -- <args>` asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// No arguments: criterion benches, then every system bench.
    Everything,
    /// `--list`: print the system benches and run nothing.
    List,
    /// One or more names: only these system benches, no criterion.
    Only(Vec<String>),
}

impl Request {
    pub fn parse(args: &[String]) -> Result<Request, Error> {
        match args {
            [] => Ok(Request::Everything),
            [flag] if flag == "--list" => Ok(Request::List),
            _ => match args.iter().find(|arg| arg.starts_with('-')) {
                Some(flag) => Err(Error::Usage(format!(
                    "bench takes `--list` alone or bench names, not `{flag}`"
                ))),
                None => Ok(Request::Only(args.to_vec())),
            },
        }
    }
}

/// The rows of `table` named by `names`, in the order named; an unknown name is an error that
/// lists the registered ones.
pub fn select<'a>(
    table: &'a [SystemBench],
    names: &[String],
) -> Result<Vec<&'a SystemBench>, Error> {
    names
        .iter()
        .map(|name| {
            table
                .iter()
                .find(|bench| bench.name == name)
                .ok_or_else(|| Error::UnknownBench {
                    name: name.clone(),
                    available: table.iter().map(|bench| bench.name).collect(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(_: &Workspace) -> Result<(), Error> {
        Ok(())
    }

    const TABLE: &[SystemBench] = &[
        SystemBench {
            name: "sip_calls_per_second",
            description: "B2BUA calls per second with sipp",
            run: ok,
        },
        SystemBench {
            name: "concurrent_calls",
            description: "calls held up at once with RTP",
            run: ok,
        },
    ];

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn requests_are_parsed() {
        assert_eq!(Request::parse(&[]).unwrap(), Request::Everything);
        assert_eq!(Request::parse(&args(&["--list"])).unwrap(), Request::List);
        assert_eq!(
            Request::parse(&args(&["concurrent_calls"])).unwrap(),
            Request::Only(args(&["concurrent_calls"]))
        );
    }

    #[test]
    fn flags_other_than_a_lone_list_are_refused() {
        assert!(matches!(
            Request::parse(&args(&["--list", "concurrent_calls"])),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            Request::parse(&args(&["--bench"])),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn select_keeps_the_order_asked_for() {
        let chosen = select(TABLE, &args(&["concurrent_calls", "sip_calls_per_second"])).unwrap();
        let names: Vec<&str> = chosen.iter().map(|bench| bench.name).collect();
        assert_eq!(names, ["concurrent_calls", "sip_calls_per_second"]);
    }

    #[test]
    fn an_unknown_name_lists_the_registered_ones() {
        let error = select(TABLE, &args(&["nope"])).err().unwrap();
        assert_eq!(
            error.to_string(),
            "no system bench is named `nope`; registered: sip_calls_per_second, concurrent_calls"
        );
        let error = select(&[], &args(&["nope"])).err().unwrap();
        assert_eq!(
            error.to_string(),
            "no system bench is named `nope` (none are registered)"
        );
    }
}
