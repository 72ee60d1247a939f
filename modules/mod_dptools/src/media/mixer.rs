//! Joining the two directions of a channel's audio into one recording, as FreeSWITCH's
//! `record_session` does: mixed into one channel (summed, clipped), or read on the left and
//! written on the right (`RECORD_STEREO`), or one direction alone (`RECORD_READ_ONLY`,
//! `RECORD_WRITE_ONLY`).
//!
//! The directions arrive separately and not in lockstep (a bridged peer's thread writes
//! while the channel's own thread reads). Samples are paired as they arrive; when one
//! direction falls silent (nothing is written to a channel nobody plays to), the other is
//! let through against silence once it runs more than `max_lag` samples ahead.

use std::collections::VecDeque;

use ferroswitch_abi::TapDirection;

/// How the two directions are laid out in the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Mixed,
    Stereo,
    ReadOnly,
    WriteOnly,
}

impl Layout {
    /// Channels in the recording.
    pub fn channels(self) -> u8 {
        if self == Self::Stereo {
            2
        } else {
            1
        }
    }
}

/// Pairs up the two directions.
pub struct Mixer {
    layout: Layout,
    read: VecDeque<i16>,
    write: VecDeque<i16>,
    max_lag: usize,
}

impl Mixer {
    /// A mixer letting one direction run at most `max_lag` samples ahead of the other.
    pub fn new(layout: Layout, max_lag: usize) -> Self {
        Self {
            layout,
            read: VecDeque::new(),
            write: VecDeque::new(),
            max_lag,
        }
    }

    /// Takes one frame of `direction`.
    pub fn push(&mut self, direction: TapDirection, pcm: &[i16]) {
        match (self.layout, direction) {
            (Layout::ReadOnly, TapDirection::Write) | (Layout::WriteOnly, TapDirection::Read) => {}
            (_, TapDirection::Read) => self.read.extend(pcm),
            (_, TapDirection::Write) => self.write.extend(pcm),
        }
    }

    /// Appends what is ready to `out` (interleaved when stereo); with `flush`, everything,
    /// the shorter direction padded with silence.
    pub fn drain(&mut self, out: &mut Vec<i16>, flush: bool) {
        match self.layout {
            Layout::ReadOnly => out.extend(self.read.drain(..)),
            Layout::WriteOnly => out.extend(self.write.drain(..)),
            Layout::Mixed | Layout::Stereo => {
                let shorter = self.read.len().min(self.write.len());
                let longer = self.read.len().max(self.write.len());
                let ready = if flush {
                    longer
                } else if longer - shorter > self.max_lag {
                    longer - self.max_lag
                } else {
                    shorter
                };
                for _ in 0..ready {
                    let read = self.read.pop_front().unwrap_or(0);
                    let write = self.write.pop_front().unwrap_or(0);
                    if self.layout == Layout::Stereo {
                        out.push(read);
                        out.push(write);
                    } else {
                        out.push(read.saturating_add(write));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drained(mixer: &mut Mixer, flush: bool) -> Vec<i16> {
        let mut out = Vec::new();
        mixer.drain(&mut out, flush);
        out
    }

    #[test]
    fn both_directions_are_summed_and_clipped() {
        let mut mixer = Mixer::new(Layout::Mixed, 100);
        mixer.push(TapDirection::Read, &[1, 2, i16::MAX]);
        assert!(
            drained(&mut mixer, false).is_empty(),
            "waits for the other side"
        );
        mixer.push(TapDirection::Write, &[10, 20, 30]);
        assert_eq!(drained(&mut mixer, false), vec![11, 22, i16::MAX]);
    }

    #[test]
    fn stereo_puts_read_left_and_written_right() {
        let mut mixer = Mixer::new(Layout::Stereo, 100);
        mixer.push(TapDirection::Read, &[1, 2]);
        mixer.push(TapDirection::Write, &[-1, -2]);
        assert_eq!(drained(&mut mixer, false), vec![1, -1, 2, -2]);
    }

    #[test]
    fn a_silent_direction_holds_the_other_back_only_so_far() {
        let mut mixer = Mixer::new(Layout::Mixed, 4);
        mixer.push(TapDirection::Read, &[1; 10]);
        assert_eq!(drained(&mut mixer, false), vec![1; 6]);
        assert_eq!(drained(&mut mixer, true), vec![1; 4]);
    }

    #[test]
    fn one_direction_alone_ignores_the_other() {
        let mut mixer = Mixer::new(Layout::ReadOnly, 4);
        mixer.push(TapDirection::Write, &[5; 3]);
        mixer.push(TapDirection::Read, &[7; 2]);
        assert_eq!(drained(&mut mixer, false), vec![7, 7]);
        let mut mixer = Mixer::new(Layout::WriteOnly, 4);
        mixer.push(TapDirection::Write, &[5; 3]);
        mixer.push(TapDirection::Read, &[7; 2]);
        assert_eq!(drained(&mut mixer, false), vec![5, 5, 5]);
    }
}
