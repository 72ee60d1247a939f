//! Framing the commands a client sends, as FreeSWITCH's `read_packet` does.
//!
//! A command is a block of lines ending in an empty line: the first line is the command
//! (`api status`), the others are `Name: value` headers. A `Content-Length` header announces
//! a body of that many bytes after the empty line. Line ends may be `\n` or `\r\n` (a `\r`
//! never counts either way), and empty lines before a command are skipped.
//!
//! [`Framer`] is sans-IO: the driver hands it whatever bytes the socket produced with
//! [`Framer::handle_bytes`] and takes complete commands out with [`Framer::poll_command`].
//! Malformed input never panics; a block or body past the limits is a [`FrameError`], after
//! which the connection should be closed.

/// The largest header block accepted (FreeSWITCH stops at 10 MiB; real commands are a few
/// hundred bytes).
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;

/// The largest body accepted.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// One command as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The first line (`api status`), without its line end.
    pub line: String,
    /// The `Name: value` lines after it, in order; the value without the spaces after the
    /// colon. Lines without a colon are left out, as FreeSWITCH leaves them out.
    pub headers: Vec<(String, String)>,
    /// The `Content-Length` bytes after the block, if any.
    pub body: Option<String>,
}

impl Command {
    /// A command of one line, without headers or body.
    pub fn new(line: &str) -> Self {
        Self {
            line: line.to_owned(),
            ..Self::default()
        }
    }

    /// The first header named `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why the input cannot be framed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// No empty line within [`MAX_HEADER_BYTES`].
    #[error("a command's header block is longer than {MAX_HEADER_BYTES} bytes")]
    HeaderTooLong,
    /// A `Content-Length` past [`MAX_BODY_BYTES`].
    #[error("a command's body of {0} bytes is longer than {MAX_BODY_BYTES} bytes")]
    BodyTooLong(usize),
}

/// Where the framer is in the current command.
#[derive(Debug)]
enum State {
    /// Reading the header block; `scanned` bytes of it were looked at, ending in
    /// `newlines` line ends with nothing but `\r` between them.
    Headers { scanned: usize, newlines: u8 },
    /// The header block was parsed; `length` body bytes are awaited.
    Body { command: Command, length: usize },
    /// A limit was passed; nothing more is framed.
    Failed,
}

/// Turns a byte stream into [`Command`]s.
#[derive(Debug)]
pub struct Framer {
    buffer: Vec<u8>,
    state: State,
}

impl Default for Framer {
    fn default() -> Self {
        Self {
            buffer: Vec::new(),
            state: State::Headers {
                scanned: 0,
                newlines: 0,
            },
        }
    }
}

impl Framer {
    /// Takes bytes read from the socket.
    pub fn handle_bytes(&mut self, bytes: &[u8]) {
        if !matches!(self.state, State::Failed) {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// The next complete command, if one is buffered. After an error, returns `None`.
    #[must_use]
    pub fn poll_command(&mut self) -> Option<Result<Command, FrameError>> {
        loop {
            match &mut self.state {
                State::Failed => return None,
                State::Headers { scanned, newlines } => {
                    if *scanned == 0 {
                        // Line ends between commands are noise ("bah", says FreeSWITCH).
                        let noise = self
                            .buffer
                            .iter()
                            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
                            .count();
                        self.buffer.drain(..noise);
                    }
                    let end = find_block_end(&self.buffer, scanned, newlines);
                    let Some(end) = end else {
                        if self.buffer.len() > MAX_HEADER_BYTES {
                            return Some(self.fail(FrameError::HeaderTooLong));
                        }
                        return None;
                    };
                    let block = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
                    self.buffer.drain(..end);
                    let command = parse_block(&block);
                    let length = content_length(&command);
                    if length > MAX_BODY_BYTES {
                        return Some(self.fail(FrameError::BodyTooLong(length)));
                    }
                    if length == 0 {
                        self.state = State::Headers {
                            scanned: 0,
                            newlines: 0,
                        };
                        return Some(Ok(command));
                    }
                    self.state = State::Body { command, length };
                }
                State::Body { command, length } => {
                    if self.buffer.len() < *length {
                        return None;
                    }
                    let body: Vec<u8> = self.buffer.drain(..*length).collect();
                    let mut command = std::mem::take(command);
                    command.body = Some(String::from_utf8_lossy(&body).into_owned());
                    self.state = State::Headers {
                        scanned: 0,
                        newlines: 0,
                    };
                    return Some(Ok(command));
                }
            }
        }
    }

    fn fail(&mut self, error: FrameError) -> Result<Command, FrameError> {
        self.state = State::Failed;
        self.buffer = Vec::new();
        Err(error)
    }
}

/// The length of the header block in `buffer` (through its final line end), continuing the
/// scan from `scanned`.
fn find_block_end(buffer: &[u8], scanned: &mut usize, newlines: &mut u8) -> Option<usize> {
    while *scanned < buffer.len() {
        let byte = buffer[*scanned];
        *scanned += 1;
        match byte {
            b'\n' => {
                *newlines += 1;
                if *newlines == 2 {
                    return Some(*scanned);
                }
            }
            b'\r' => {}
            _ => *newlines = 0,
        }
    }
    None
}

/// The command line and headers of one block.
fn parse_block(block: &str) -> Command {
    let mut lines = block.split(['\r', '\n']).filter(|line| !line.is_empty());
    let line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.to_owned(), value.trim_start_matches(' ').to_owned()))
        })
        .collect();
    Command {
        line,
        headers,
        body: None,
    }
}

/// The announced body length: the first `Content-Length` header read as C's `atoi` reads it
/// (leading digits; anything else, or a negative number, is no body).
fn content_length(command: &Command) -> usize {
    command.header("content-length").map_or(0, |value| {
        leading_number(value).max(0).unsigned_abs() as usize
    })
}

/// C's `atoi`: optional spaces and sign, then digits; 0 when there are none. Saturates
/// instead of overflowing.
pub fn leading_number(text: &str) -> i64 {
    let text = text.trim_start();
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let mut number: i64 = 0;
    for byte in digits.bytes().take_while(u8::is_ascii_digit) {
        number = number
            .saturating_mul(10)
            .saturating_add(i64::from(byte - b'0'));
    }
    if negative {
        -number
    } else {
        number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_all(input: &[u8]) -> Vec<Result<Command, FrameError>> {
        let mut framer = Framer::default();
        framer.handle_bytes(input);
        std::iter::from_fn(|| framer.poll_command()).collect()
    }

    #[test]
    fn a_command_line_alone() {
        let commands = frame_all(b"auth ClueCon\n\n");
        assert_eq!(commands, vec![Ok(Command::new("auth ClueCon"))]);
    }

    #[test]
    fn crlf_line_ends_and_headers() {
        let commands =
            frame_all(b"sendmsg abc\r\ncall-command: execute\r\nexecute-app-name:   set\r\n\r\n");
        let command = commands[0].clone().expect("framed");
        assert_eq!(command.line, "sendmsg abc");
        assert_eq!(command.header("Call-Command"), Some("execute"));
        assert_eq!(command.header("execute-app-name"), Some("set"));
        assert_eq!(command.body, None);
    }

    #[test]
    fn a_body_follows_content_length() {
        let commands = frame_all(
            b"sendmsg\ncontent-type: text/plain\ncontent-length: 11\n\nhello\nworldapi status\n\n",
        );
        let first = commands[0].clone().expect("framed");
        assert_eq!(first.body.as_deref(), Some("hello\nworld"));
        assert_eq!(commands[1], Ok(Command::new("api status")));
    }

    #[test]
    fn every_split_of_the_input_frames_the_same() {
        let input: &[u8] =
            b"\r\n\nevent plain ALL\n\nbgapi status\nJob-UUID: j1\n\nsendmsg\ncontent-length: 3\n\nabc";
        let whole = frame_all(input);
        assert_eq!(whole.len(), 3);
        for split in 0..input.len() {
            let mut framer = Framer::default();
            let mut commands = Vec::new();
            framer.handle_bytes(&input[..split]);
            commands.extend(std::iter::from_fn(|| framer.poll_command()));
            framer.handle_bytes(&input[split..]);
            commands.extend(std::iter::from_fn(|| framer.poll_command()));
            assert_eq!(commands, whole, "split at {split}");
        }
    }

    #[test]
    fn a_carriage_return_between_line_ends_still_ends_the_block() {
        let commands = frame_all(b"exit\n\r\n");
        assert_eq!(commands, vec![Ok(Command::new("exit"))]);
        // A line of spaces is not empty: the block goes on.
        assert!(frame_all(b"exit\n \n").is_empty());
    }

    #[test]
    fn lines_without_a_colon_are_ignored() {
        let command = frame_all(b"api status\nnonsense\nA:b\n\n")[0]
            .clone()
            .expect("framed");
        assert_eq!(command.headers, vec![("A".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn a_bad_content_length_means_no_body() {
        for value in ["abc", "-5", "0", ""] {
            let input = format!("api status\ncontent-length: {value}\n\nnext\n\n");
            let commands = frame_all(input.as_bytes());
            assert_eq!(commands.len(), 2, "{value}");
            assert_eq!(commands[1], Ok(Command::new("next")));
        }
    }

    #[test]
    fn limits_are_errors_and_end_the_framing() {
        let huge = vec![b'a'; MAX_HEADER_BYTES + 1];
        assert_eq!(frame_all(&huge), vec![Err(FrameError::HeaderTooLong)]);
        let body = format!("sendmsg\ncontent-length: {}\n\n", MAX_BODY_BYTES + 1);
        let mut framer = Framer::default();
        framer.handle_bytes(body.as_bytes());
        assert_eq!(
            framer.poll_command(),
            Some(Err(FrameError::BodyTooLong(MAX_BODY_BYTES + 1)))
        );
        framer.handle_bytes(b"api status\n\n");
        assert_eq!(framer.poll_command(), None);
    }

    #[test]
    fn invalid_utf8_never_panics() {
        let commands = frame_all(b"api \xff\xfe\nX: \xc3\n\n");
        let command = commands[0].clone().expect("framed");
        assert!(command.line.starts_with("api "));
    }

    /// A deterministic pseudo-random byte source (xorshift64).
    pub(crate) fn noise(seed: u64, length: usize) -> Vec<u8> {
        let mut state = seed.max(1);
        (0..length)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly protocol characters, so that blocks and headers do form.
                const ALPHABET: &[u8] = b"\n\n\r:: -content-length0123456789\xff\xc3api";
                ALPHABET[(state % ALPHABET.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn random_input_never_panics() {
        for seed in 1..300 {
            let input = noise(seed, 2000);
            let mut framer = Framer::default();
            for chunk in input.chunks((seed % 17 + 1) as usize) {
                framer.handle_bytes(chunk);
                while let Some(result) = framer.poll_command() {
                    if result.is_err() {
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn leading_number_reads_like_atoi() {
        assert_eq!(leading_number("42abc"), 42);
        assert_eq!(leading_number("  -7"), -7);
        assert_eq!(leading_number("+3"), 3);
        assert_eq!(leading_number("x1"), 0);
        assert_eq!(leading_number(""), 0);
        assert_eq!(leading_number("99999999999999999999999"), i64::MAX);
    }
}
