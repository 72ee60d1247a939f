//! A reader that reports the end of its input as an error.
//!
//! hound reads exact amounts and, when a file ends early, reports it as an `Other` error
//! whose only mark is its message. Under this adapter the end of the file arrives as
//! `UnexpectedEof` instead, so a truncated file is told apart from a failing disk by kind.
//! hound never reads past what the header promises, so it never sees the end of a file that
//! is whole.

use std::io::{self, Read, Seek, SeekFrom};

/// `inner`, with `Ok(0)` for a non-empty buffer turned into `UnexpectedEof`.
#[derive(Debug)]
pub struct StrictEof<R>(pub R);

impl<R: Read> Read for StrictEof<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.read(buf)? {
            0 if !buf.is_empty() => Err(io::ErrorKind::UnexpectedEof.into()),
            count => Ok(count),
        }
    }
}

impl<R: Seek> Seek for StrictEof<R> {
    fn seek(&mut self, position: SeekFrom) -> io::Result<u64> {
        self.0.seek(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_an_error_and_everything_before_it_is_not() {
        let mut reader = StrictEof(io::Cursor::new(vec![1u8, 2, 3]));
        let mut buffer = [0u8; 2];
        assert_eq!(reader.read(&mut buffer).expect("data"), 2);
        assert_eq!(reader.read(&mut []).expect("an empty read is no end"), 0);
        assert_eq!(reader.read(&mut buffer).expect("data"), 1);
        let error = reader.read(&mut buffer).expect_err("the end");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        reader.seek(SeekFrom::Start(2)).expect("seeks");
        assert_eq!(reader.read(&mut buffer).expect("data again"), 1);
    }
}
