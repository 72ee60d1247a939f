//! A log file that rotates by size: before a line would take the file past `rollover`
//! bytes, `file` becomes `file.1` (`file.1` becomes `file.2` ... up to `maximum-rotate`, the
//! oldest dropped) and a fresh `file` takes the line. Lines are never split across files.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bytes buffered before a write reaches the file.
const BUFFER_BYTES: usize = 64 * 1024;

/// Why a line could not be handled as asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Rotation failed; the line was still written, to the file as it was. Rotation is
    /// tried again after another `rollover` bytes.
    #[error("cannot rotate {}: {error}", path.display())]
    Rotate {
        /// The log file.
        path: PathBuf,
        /// What the file system said.
        error: io::Error,
    },
    /// The line could not be written, even to a reopened file: it is lost.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The log file.
        path: PathBuf,
        /// What the file system said.
        error: io::Error,
    },
}

/// An open log file with its size and rotation settings.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    rollover: u64,
    maximum_rotate: u32,
    /// `None` after reopening failed; the next write tries again.
    writer: Option<BufWriter<File>>,
    /// Bytes in the file, buffered ones included.
    size: u64,
}

impl RotatingFile {
    /// Opens `path` for appending, creating it and its directory if missing. `rollover` 0
    /// never rotates by size; `maximum_rotate` counts the rotated files kept (at least one).
    pub fn open(path: &Path, rollover: u64, maximum_rotate: u32) -> io::Result<Self> {
        let (writer, size) = open_append(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            rollover,
            maximum_rotate: maximum_rotate.max(1),
            writer: Some(writer),
            size,
        })
    }

    /// The file written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `line` (newline included), rotating first if it would take the file past
    /// `rollover`. A line longer than `rollover` gets a file of its own.
    pub fn write_line(&mut self, line: &[u8]) -> Result<(), WriteError> {
        let mut rotate_error = None;
        let length = line.len() as u64;
        if self.rollover > 0 && self.size > 0 && self.size.saturating_add(length) > self.rollover {
            if let Err(error) = self.rotate() {
                // Keep writing where we can; counting from zero again spaces the retries
                // `rollover` bytes apart instead of failing on every line.
                self.size = 0;
                rotate_error = Some(error);
            }
        }
        if self.append(line).is_err() {
            // As FreeSWITCH does: reopen (the file may have been removed or the disk
            // replaced) and try the line once more; the second failure is the one reported.
            self.writer = None;
            if let Err(error) = self.append(line) {
                return Err(WriteError::Write {
                    path: self.path.clone(),
                    error,
                });
            }
        }
        match rotate_error {
            Some(error) => Err(WriteError::Rotate {
                path: self.path.clone(),
                error,
            }),
            None => Ok(()),
        }
    }

    /// Renames `file` to `file.1` (shifting older ones up, dropping the one past
    /// `maximum_rotate`) and starts an empty `file`.
    pub fn rotate(&mut self) -> io::Result<()> {
        let flushed = self.close();
        let shifted = self.shift_rotated();
        self.reopen()?;
        flushed.and(shifted)
    }

    /// Closes and reopens the file by name, so that writes go to whatever is at the path
    /// now (after an outside logrotate moved the old file away).
    pub fn reopen(&mut self) -> io::Result<()> {
        let _ = self.close();
        let (writer, size) = open_append(&self.path)?;
        self.writer = Some(writer);
        self.size = size;
        Ok(())
    }

    /// Writes buffered lines out to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.flush(),
            None => Ok(()),
        }
    }

    fn append(&mut self, line: &[u8]) -> io::Result<()> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => {
                let (writer, size) = open_append(&self.path)?;
                self.size = size;
                self.writer.insert(writer)
            }
        };
        writer.write_all(line)?;
        self.size = self.size.saturating_add(line.len() as u64);
        Ok(())
    }

    fn close(&mut self) -> io::Result<()> {
        match self.writer.take() {
            Some(mut writer) => writer.flush(),
            None => Ok(()),
        }
    }

    fn shift_rotated(&self) -> io::Result<()> {
        // `rename` replaces its target, so moving N-1 onto N drops the oldest.
        for n in (1..self.maximum_rotate).rev() {
            rename_if_present(
                &rotated_path(&self.path, n),
                &rotated_path(&self.path, n + 1),
            )?;
        }
        rename_if_present(&self.path, &rotated_path(&self.path, 1))
    }
}

impl Drop for RotatingFile {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// `file.n`.
pub fn rotated_path(path: &Path, n: u32) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

fn rename_if_present(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        result => result,
    }
}

fn open_append(path: &Path) -> io::Result<(BufWriter<File>, u64)> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let size = file.metadata()?.len();
    Ok((BufWriter::with_capacity(BUFFER_BYTES, file), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_default()
    }

    fn line(n: usize) -> String {
        format!("line {n:03}\n") // 9 bytes
    }

    #[test]
    fn rotates_keeps_maximum_and_never_splits_a_line() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("switch.log");
        let mut file = RotatingFile::open(&path, 20, 2).expect("open");
        for n in 0..10 {
            file.write_line(line(n).as_bytes()).expect("write");
        }
        file.flush().expect("flush");

        // 20 bytes hold two 9-byte lines: 10 lines made 5 files, of which 3 are kept.
        let current = read(&path);
        let first = read(&rotated_path(&path, 1));
        let second = read(&rotated_path(&path, 2));
        assert_eq!(current, format!("{}{}", line(8), line(9)));
        assert_eq!(first, format!("{}{}", line(6), line(7)));
        assert_eq!(second, format!("{}{}", line(4), line(5)));
        assert!(!rotated_path(&path, 3).exists(), "the oldest is dropped");
    }

    #[test]
    fn no_line_lost_across_many_rotations() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("switch.log");
        let mut file = RotatingFile::open(&path, 100, 50).expect("open");
        let lines: Vec<String> = (0..200).map(|n| format!("message number {n}\n")).collect();
        for text in &lines {
            file.write_line(text.as_bytes()).expect("write");
        }
        file.flush().expect("flush");

        let mut kept = String::new();
        for n in (1..=50).rev() {
            let rotated = read(&rotated_path(&path, n));
            assert!(rotated.len() <= 100, "file.{n} is {} bytes", rotated.len());
            assert!(rotated.is_empty() || rotated.ends_with('\n'));
            kept.push_str(&rotated);
        }
        kept.push_str(&read(&path));
        // 200 lines of about 19 bytes fill about 40 files, fewer than the 51 kept: every
        // line is there, whole and in order.
        assert_eq!(kept, lines.concat());
    }

    #[test]
    fn a_line_longer_than_rollover_gets_a_file_of_its_own() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("switch.log");
        let mut file = RotatingFile::open(&path, 10, 3).expect("open");
        file.write_line(b"short\n").expect("write");
        file.write_line(b"a line far longer than ten bytes\n")
            .expect("write");
        file.write_line(b"after\n").expect("write");
        file.flush().expect("flush");
        assert_eq!(read(&rotated_path(&path, 2)), "short\n");
        assert_eq!(
            read(&rotated_path(&path, 1)),
            "a line far longer than ten bytes\n"
        );
        assert_eq!(read(&path), "after\n");
    }

    #[test]
    fn appends_to_an_existing_file_counting_its_size() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("nested/dirs/switch.log");
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(&path, "0123456789012345\n").expect("seed the file");
        let mut file = RotatingFile::open(&path, 20, 1).expect("open");
        file.write_line(b"next line\n").expect("write");
        file.flush().expect("flush");
        assert_eq!(read(&rotated_path(&path, 1)), "0123456789012345\n");
        assert_eq!(read(&path), "next line\n");
    }

    #[test]
    fn creates_a_missing_directory() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("log/sub/switch.log");
        let mut file = RotatingFile::open(&path, 0, 1).expect("open");
        file.write_line(b"hello\n").expect("write");
        drop(file);
        assert_eq!(read(&path), "hello\n");
    }

    #[test]
    fn reopen_follows_an_outside_rename() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("switch.log");
        let moved = dir.path().join("switch.log.old");
        let mut file = RotatingFile::open(&path, 0, 1).expect("open");
        file.write_line(b"before\n").expect("write");
        file.flush().expect("flush");
        fs::rename(&path, &moved).expect("logrotate moves the file");
        file.reopen().expect("reopen");
        file.write_line(b"after\n").expect("write");
        file.flush().expect("flush");
        assert_eq!(read(&moved), "before\n");
        assert_eq!(read(&path), "after\n");
    }

    #[test]
    fn unwritable_path_is_an_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let blocker = dir.path().join("not-a-directory");
        fs::write(&blocker, "").expect("create a file");
        let error = RotatingFile::open(&blocker.join("switch.log"), 0, 1)
            .expect_err("a file is in the way");
        assert_ne!(error.kind(), io::ErrorKind::NotFound);
    }
}
