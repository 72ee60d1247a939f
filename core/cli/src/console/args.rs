//! The command line, as fs_cli reads it.

use std::time::Duration;

pub const USAGE: &str = "\
usage: ferroswitch-cli [-H host] [-P port] [-p password] [-x command] [-l level | -q] [-t ms]

  -H, --host=HOST           host to connect to (default 127.0.0.1)
  -P, --port=PORT           event socket port, 1 - 65535 (default 8021)
  -p, --password=PASSWORD   event socket password (default ClueCon)
  -x, --execute=COMMAND     run one API command, print its output and exit:
                            status 0, or 1 when the output starts with -ERR or the
                            connection fails
  -l, --loglevel=LEVEL      log level to show at the prompt (default debug)
  -q, --quiet               show no log lines at the prompt
  -t, --timeout=MS          give up on the connection or a reply after MS milliseconds
                            (default: 5000 to connect, replies wait as long as they take)
  -h, --help                this text

Without -x, commands are read at the prompt: each line runs as an API command, and
/event, /noevent, /nixevent, /log, /nolog, /filter, /help and /exit are the console's own.";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Help,
    Run(Options),
}

/// Where to connect and what to do there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub host: String,
    pub port: u16,
    pub password: String,
    /// `-x`: run this one command and exit.
    pub execute: Option<String>,
    /// The level of the log lines to ask for at the prompt; `None` with `-q`.
    pub log_level: Option<String>,
    /// `-t`: bound on connecting and on each reply.
    pub timeout: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: "127.0.0.1".to_owned(),
            port: 8021,
            password: "ClueCon".to_owned(),
            execute: None,
            log_level: Some("debug".to_owned()),
            timeout: None,
        }
    }
}

impl Options {
    /// The prompt: `ferroswitch@HOST> `, with `:PORT` when it is not the default.
    pub fn prompt(&self) -> String {
        if self.port == Options::default().port {
            format!("ferroswitch@{}> ", self.host)
        } else {
            format!("ferroswitch@{}:{}> ", self.host, self.port)
        }
    }
}

/// Reads the arguments after the program name. An error is a sentence for the user.
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, attached) = split_flag(arg)?;
        let mut value = |what: &str| -> Result<String, String> {
            match attached.clone() {
                Some(value) => Ok(value),
                None => rest
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs {what}")),
            }
        };
        match flag.as_str() {
            "-h" | "-?" | "--help" => return Ok(Invocation::Help),
            "-H" | "--host" => options.host = value("a host")?,
            "-P" | "--port" => {
                let text = value("a port")?;
                options.port = match text.parse::<u16>() {
                    Ok(port) if port > 0 => port,
                    _ => return Err(format!("port must be in range 1 - 65535, not {text:?}")),
                }
            }
            "-p" | "--password" => options.password = value("a password")?,
            "-x" | "--execute" => options.execute = Some(value("a command")?),
            "-l" | "--loglevel" => options.log_level = Some(value("a log level")?),
            "-q" | "--quiet" => options.log_level = None,
            "-t" | "--timeout" => {
                let text = value("a number of milliseconds")?;
                options.timeout = match text.parse::<u64>() {
                    Ok(ms) if ms > 0 => Some(Duration::from_millis(ms)),
                    _ => {
                        return Err(format!(
                            "timeout must be a positive number of milliseconds, not {text:?}"
                        ))
                    }
                }
            }
            _ => return Err(format!("unknown argument {arg:?}")),
        }
        if flag_takes_no_value(&flag) && attached.is_some() {
            return Err(format!("{flag} takes no value"));
        }
    }
    Ok(Invocation::Run(options))
}

/// `--name=value` → (`--name`, value); `-Xvalue` → (`-X`, value); otherwise (arg, none).
fn split_flag(arg: &str) -> Result<(String, Option<String>), String> {
    if let Some(long) = arg.strip_prefix("--") {
        return Ok(match long.split_once('=') {
            Some((name, value)) => (format!("--{name}"), Some(value.to_owned())),
            None => (arg.to_owned(), None),
        });
    }
    let mut chars = arg.chars();
    match (chars.next(), chars.next()) {
        (Some('-'), Some(letter)) => {
            let attached = chars.as_str();
            Ok((
                format!("-{letter}"),
                (!attached.is_empty()).then(|| attached.to_owned()),
            ))
        }
        _ => Err(format!(
            "unexpected argument {arg:?} (profiles are not supported; use -H, -P and -p)"
        )),
    }
}

fn flag_takes_no_value(flag: &str) -> bool {
    matches!(flag, "-q" | "--quiet")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(words: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = words.iter().map(|word| word.to_string()).collect();
        match parse(&args)? {
            Invocation::Run(options) => Ok(options),
            Invocation::Help => Err("help".to_owned()),
        }
    }

    #[test]
    fn defaults_are_fs_cli_s() {
        let options = run(&[]).unwrap();
        assert_eq!(options.host, "127.0.0.1");
        assert_eq!(options.port, 8021);
        assert_eq!(options.password, "ClueCon");
        assert_eq!(options.execute, None);
        assert_eq!(options.log_level.as_deref(), Some("debug"));
        assert_eq!(options.prompt(), "ferroswitch@127.0.0.1> ");
    }

    #[test]
    fn short_long_and_attached_forms() {
        let options = run(&[
            "-H",
            "::1",
            "-P9000",
            "--password=s3cret",
            "-x",
            "show channels",
        ])
        .unwrap();
        assert_eq!(options.host, "::1");
        assert_eq!(options.port, 9000);
        assert_eq!(options.password, "s3cret");
        assert_eq!(options.execute.as_deref(), Some("show channels"));
        assert_eq!(options.prompt(), "ferroswitch@::1:9000> ");
        let options = run(&["--host", "sw1", "-q", "--timeout", "250"]).unwrap();
        assert_eq!(options.host, "sw1");
        assert_eq!(options.log_level, None);
        assert_eq!(options.timeout, Some(Duration::from_millis(250)));
        assert_eq!(
            run(&["-l", "err"]).unwrap().log_level.as_deref(),
            Some("err")
        );
    }

    #[test]
    fn help_wins() {
        let args = vec!["-P".to_owned(), "1".to_owned(), "--help".to_owned()];
        assert_eq!(parse(&args), Ok(Invocation::Help));
    }

    #[test]
    fn bad_arguments_say_why() {
        assert!(run(&["-P", "0"]).unwrap_err().contains("1 - 65535"));
        assert!(run(&["-P", "70000"]).unwrap_err().contains("1 - 65535"));
        assert!(run(&["-x"]).unwrap_err().contains("-x needs a command"));
        assert!(run(&["-t", "soon"]).unwrap_err().contains("milliseconds"));
        assert!(run(&["--bogus"]).unwrap_err().contains("unknown argument"));
        assert!(run(&["default"]).unwrap_err().contains("profiles"));
        assert!(run(&["--quiet=yes"])
            .unwrap_err()
            .contains("takes no value"));
    }
}
