//! The prompt: each line runs as an API command; `/` commands are the console's own. Events
//! and log lines are printed by a reader thread as they arrive, above the line being typed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

use ferroswitch_cli::client::{is_linger, Client, ClientError, CommandWriter, MessageReader};
use ferroswitch_cli::esl::content_type;
use rustyline::error::ReadlineError;
use rustyline::{Config, DefaultEditor, ExternalPrinter};

use super::args::Options;
use super::{address, render};

const HISTORY_FILE: &str = ".ferroswitch_cli_history";
const HISTORY_SIZE: usize = 800;

const HELP: &str = "\
Command                     Description
-----------------------------------------------------------------
<api command>               run it (status, show channels, originate ...)
/event <format> <events>    show events as they arrive (format plain, json or xml)
/noevent, /nixevent <ev>    stop all events, or stop some
/filter <header> <value>    only show events with this header value
/log <level>                show log lines of this level and worse
/nolog                      stop log lines
/help                       this text
/exit, /quit, /bye, ...     leave (so does Ctrl-D)
";

/// What one line typed at the prompt asks for.
#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Empty,
    Help,
    Exit,
    /// An event-socket command sent as it is: `event plain ALL`, `log debug`, `nolog` ...
    Command(&'a str),
    /// An API command: sent as `api <line>`.
    Api(&'a str),
    Unknown(&'a str),
}

impl<'a> Line<'a> {
    fn classify(line: &'a str) -> Line<'a> {
        let line = line.trim();
        if line.is_empty() {
            return Line::Empty;
        }
        if line == "..." {
            return Line::Exit;
        }
        let Some(command) = line.strip_prefix('/') else {
            return Line::Api(line);
        };
        let word = command.split_whitespace().next().unwrap_or_default();
        match word.to_ascii_lowercase().as_str() {
            "help" => Line::Help,
            "exit" | "quit" | "bye" | "..." => Line::Exit,
            "event" | "noevent" | "nixevent" | "log" | "nolog" | "filter" => Line::Command(command),
            _ => Line::Unknown(command),
        }
    }
}

/// Where the reader thread writes: above the prompt on a terminal, plainly otherwise.
enum Printer {
    AbovePrompt(Box<dyn ExternalPrinter + Send>),
    Plain,
}

impl Printer {
    fn print(&mut self, text: String) {
        if let Printer::AbovePrompt(printer) = self {
            if printer.print(text.clone()).is_ok() {
                return;
            }
            *self = Printer::Plain;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

/// Runs the prompt until `/exit` or end of input (exit 0) or until the connection is lost
/// (exit 1).
pub fn run(options: &Options, client: Client) -> ExitCode {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .map(|builder| builder.auto_add_history(false).build());
    let mut editor = match config.and_then(DefaultEditor::with_config) {
        Ok(editor) => editor,
        Err(error) => {
            eprintln!("ferroswitch-cli: cannot set up the line editor: {error}");
            return ExitCode::FAILURE;
        }
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    // Only what a person typed belongs in the history, not a script piped in.
    let history = history_file().filter(|_| interactive);
    if let Some(path) = &history {
        // A first run has no history yet.
        let _ = editor.load_history(path);
    }
    let printer = match editor.create_external_printer() {
        Ok(printer) if interactive => Printer::AbovePrompt(Box::new(printer)),
        _ => Printer::Plain,
    };
    let colour = std::io::stdout().is_terminal();

    let (mut writer, reader) = client.into_split();
    let link = Arc::new(Link::default());
    let (replies, reply_queue) = mpsc::channel();
    let reader_thread = {
        let link = Arc::clone(&link);
        thread::spawn(move || read_until_closed(reader, replies, printer, colour, &link))
    };
    let mut session = Session {
        writer: &mut writer,
        replies: &reply_queue,
        link: &link,
        reader_announces: interactive,
    };

    if interactive {
        println!(
            "ferroswitch-cli connected to {}. Type /help for the console's commands.",
            address(options)
        );
    }
    let mut status = ExitCode::SUCCESS;
    if let Some(level) = &options.log_level {
        if let Err(code) = session.run_command(&format!("log {level}")) {
            status = code;
        }
    }
    let prompt = if interactive {
        options.prompt()
    } else {
        String::new()
    };
    while status == ExitCode::SUCCESS {
        let read = editor.readline(&prompt);
        if session.is_lost() {
            status = session.connection_lost(None);
            break;
        }
        let line = match read {
            Ok(line) => line,
            // Ctrl-C abandons the line being typed, as in a shell.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => {
                eprintln!("ferroswitch-cli: reading the prompt: {error}");
                status = ExitCode::FAILURE;
                break;
            }
        };
        let typed = line.trim();
        if !typed.is_empty() {
            // A history that cannot grow is no reason to stop.
            let _ = editor.add_history_entry(typed);
        }
        let outcome = match Line::classify(typed) {
            Line::Empty => Ok(()),
            Line::Help => {
                print!("{HELP}");
                Ok(())
            }
            Line::Exit => break,
            Line::Command(command) => session.run_command(command),
            Line::Api(command) => session.run_api(command),
            Line::Unknown(command) => {
                println!("Unknown command [{command}]");
                Ok(())
            }
        };
        if let Err(code) = outcome {
            status = code;
        }
    }
    if let Some(path) = &history {
        if let Err(error) = editor.save_history(path) {
            eprintln!(
                "ferroswitch-cli: cannot save history to {}: {error}",
                path.display()
            );
        }
    }
    link.closing.store(true, Ordering::Relaxed);
    writer.shutdown();
    let _ = reader_thread.join();
    status
}

/// The prompt's side of the connection: sends commands and waits for their answers, which
/// the reader thread passes on.
struct Session<'a> {
    writer: &'a mut CommandWriter,
    replies: &'a Receiver<()>,
    link: &'a Link,
    /// On a terminal the reader thread announces a lost connection as it happens.
    reader_announces: bool,
}

impl Session<'_> {
    fn run_api(&mut self, command: &str) -> Result<(), ExitCode> {
        self.run_command(&format!("api {command}"))
    }

    /// Sends `command` and prints its answer; `Err` with the exit status once the connection
    /// is gone.
    fn run_command(&mut self, command: &str) -> Result<(), ExitCode> {
        if let Err(error) = self.writer.send_command(command) {
            return Err(self.connection_lost(Some(error)));
        }
        // The reader thread prints the answer itself, so that it stays in order with the
        // events around it; the prompt waits for it to have done so.
        match self.replies.recv() {
            Ok(()) => Ok(()),
            Err(_) => Err(self.connection_lost(None)),
        }
    }

    fn is_lost(&self) -> bool {
        self.link.lost.lock().is_ok_and(|lost| lost.is_some())
    }

    fn connection_lost(&self, error: Option<ClientError>) -> ExitCode {
        let known = self.link.lost.lock().ok().and_then(|lost| lost.clone());
        if known.is_none() || !self.reader_announces {
            let reason = known
                .or_else(|| error.map(|error| error.to_string()))
                .unwrap_or_else(|| "the connection was lost".to_owned());
            eprintln!("ferroswitch-cli: disconnected: {reason}");
        }
        ExitCode::FAILURE
    }
}

/// What the prompt and the reader thread share about the connection's end.
#[derive(Default)]
struct Link {
    /// The prompt is closing the connection itself: its end is no news.
    closing: AtomicBool,
    /// Why the connection ended, once it has.
    lost: Mutex<Option<String>>,
}

/// The reader thread: prints what arrives (answers to the prompt's commands, then telling the
/// prompt through `replies`; events, log lines, notices). Ends when the connection does,
/// leaving the reason in `link` and, on a terminal, saying so at once.
fn read_until_closed(
    mut reader: MessageReader,
    replies: Sender<()>,
    mut printer: Printer,
    colour: bool,
    link: &Link,
) {
    let reason = loop {
        let message = match reader.next_message() {
            Ok(message) => message,
            Err(error) => break error.to_string(),
        };
        match message.content_type() {
            Some(content_type::API_RESPONSE | content_type::COMMAND_REPLY) => {
                printer.print(render::reply(&message));
                if replies.send(()).is_err() {
                    return;
                }
            }
            Some(content_type::LOG_DATA) => printer.print(render::log_line(&message, colour)),
            Some(
                content_type::EVENT_PLAIN | content_type::EVENT_JSON | content_type::EVENT_XML,
            ) => printer.print(render::event(&message)),
            Some(content_type::DISCONNECT_NOTICE) if !is_linger(&message) => {
                break message.body_text().trim().to_owned()
            }
            _ => printer.print(render::other(&message)),
        }
    };
    if link.closing.load(Ordering::Relaxed) {
        return;
    }
    if let Printer::AbovePrompt(_) = printer {
        printer.print(format!(
            "ferroswitch-cli: disconnected: {reason} (press Enter to leave)\n"
        ));
    }
    if let Ok(mut lost) = link.lost.lock() {
        *lost = Some(reason);
    }
    // Dropping `replies` wakes a prompt waiting for an answer.
}

/// `$HOME/.ferroswitch_cli_history`, when `HOME` is set.
fn history_file() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| PathBuf::from(home).join(HISTORY_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_classified_as_fs_cli_does() {
        assert_eq!(Line::classify("  "), Line::Empty);
        assert_eq!(Line::classify("status"), Line::Api("status"));
        assert_eq!(
            Line::classify(" show channels "),
            Line::Api("show channels")
        );
        assert_eq!(
            Line::classify("/event plain ALL"),
            Line::Command("event plain ALL")
        );
        assert_eq!(Line::classify("/log debug"), Line::Command("log debug"));
        assert_eq!(Line::classify("/nolog"), Line::Command("nolog"));
        assert_eq!(
            Line::classify("/filter Unique-ID x"),
            Line::Command("filter Unique-ID x")
        );
        assert_eq!(Line::classify("/noevent"), Line::Command("noevent"));
        for exit in ["/exit", "/quit", "/BYE", "...", "/..."] {
            assert_eq!(Line::classify(exit), Line::Exit, "{exit}");
        }
        assert_eq!(Line::classify("/help"), Line::Help);
        assert_eq!(Line::classify("/frobnicate"), Line::Unknown("frobnicate"));
    }
}
