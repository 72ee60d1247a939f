//! `cargo xtask`: the developer commands of ferroswitch. See [`USAGE`].

mod bench;
mod build;
mod error;
mod lint;
mod node_clients;
mod run;
mod step;
mod system_packages;
mod test;
mod workspace;

use std::env;
use std::process::ExitCode;

use error::Error;
use workspace::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command> [-- <arguments>]

commands:
  run   [-- <args>]      build everything, then start target/debug/ferroswitch --conf conf <args>
  test  [-- <args>]      build everything, then cargo test --workspace <args>
  bench [-- <args>]      release build, criterion benches, then every system bench
        -- --list        list the system benches
        -- NAME...       run only these system benches (no criterion)
  lint                   cargo fmt --check and clippy -D warnings over the workspace
  help                   this text

run, test, bench and lint first install missing system packages (apt-get, as root) or say
which to install; test and bench also run `npm ci` in tests/node when its node_modules is
missing or older than its package-lock.json.";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Run(Vec<String>),
    Test(Vec<String>),
    Bench(Vec<String>),
    Lint,
    Help,
}

impl Task {
    /// `args` are those after the program name. Arguments after the command may follow a `--`
    /// (cargo's alias passes it through); it is dropped.
    fn parse(args: &[String]) -> Result<Task, Error> {
        let Some((command, rest)) = args.split_first() else {
            return Err(Error::Usage("no command given".to_owned()));
        };
        let rest = match rest {
            [separator, rest @ ..] if separator == "--" => rest.to_vec(),
            rest => rest.to_vec(),
        };
        let no_arguments = |task: Task| {
            if rest.is_empty() {
                Ok(task)
            } else {
                Err(Error::Usage(format!("`{command}` takes no arguments")))
            }
        };
        match command.as_str() {
            "run" => Ok(Task::Run(rest)),
            "test" => Ok(Task::Test(rest)),
            "bench" => Ok(Task::Bench(rest)),
            "lint" => no_arguments(Task::Lint),
            "help" | "-h" | "--help" => Ok(Task::Help),
            other => Err(Error::Usage(format!("unknown command `{other}`"))),
        }
    }
}

fn main() -> ExitCode {
    let args: Result<Vec<String>, _> = env::args_os()
        .skip(1)
        .map(|arg| arg.into_string())
        .collect();
    let outcome = match args {
        Ok(args) => Task::parse(&args).and_then(|task| execute(task, &Workspace::locate())),
        Err(arg) => Err(Error::Usage(format!("argument {arg:?} is not valid UTF-8"))),
    };
    match outcome {
        Ok(code) => code,
        Err(Error::Usage(message)) => {
            eprintln!("xtask: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn execute(task: Task, workspace: &Workspace) -> Result<ExitCode, Error> {
    match task {
        Task::Run(extra) => return run::run(workspace, &extra),
        Task::Test(extra) => test::test(workspace, &extra)?,
        Task::Bench(args) => bench::bench(workspace, &args)?,
        Task::Lint => lint::lint(workspace)?,
        Task::Help => println!("{USAGE}"),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Task, Error> {
        let args: Vec<String> = words.iter().map(|word| word.to_string()).collect();
        Task::parse(&args)
    }

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn arguments_after_the_separator_pass_through() {
        assert_eq!(
            parse(&["run", "--", "--log-level", "debug"]).unwrap(),
            Task::Run(strings(&["--log-level", "debug"]))
        );
        assert_eq!(
            parse(&["test", "--", "-p", "tests", "--", "--nocapture"]).unwrap(),
            Task::Test(strings(&["-p", "tests", "--", "--nocapture"]))
        );
        assert_eq!(
            parse(&["bench", "--", "--list"]).unwrap(),
            Task::Bench(strings(&["--list"]))
        );
        assert_eq!(parse(&["test"]).unwrap(), Task::Test(vec![]));
    }

    #[test]
    fn help_and_lint() {
        assert_eq!(parse(&["help"]).unwrap(), Task::Help);
        assert_eq!(parse(&["--help"]).unwrap(), Task::Help);
        assert_eq!(parse(&["lint"]).unwrap(), Task::Lint);
        assert!(matches!(parse(&["lint", "--", "x"]), Err(Error::Usage(_))));
    }

    #[test]
    fn unknown_or_missing_commands_are_usage_errors() {
        assert!(matches!(parse(&[]), Err(Error::Usage(_))));
        assert!(matches!(parse(&["deploy"]), Err(Error::Usage(_))));
    }
}
