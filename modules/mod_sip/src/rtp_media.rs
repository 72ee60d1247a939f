//! The RTP engine ([`crate::rtp::RtpStream`]) behind the signalling's media seam
//! ([`MediaStream`]): what offer/answer agreed starts the stream, the session's thread reads
//! and writes through it directly (no thread hop per packet), and the engine's errors become
//! the core's (a closed stream is a hung-up channel, a read that found nothing a timeout).

use std::net::SocketAddr;
use std::time::Duration;

use ferroswitch_abi::{Dtmf, Error, ErrorKind, FrameMeta};
use ferroswitch_media::sdp::Direction;

use crate::media::{MediaStream, NegotiatedMedia};
use crate::rtp::{self, RtpError, RtpStream};

/// One leg's RTP stream.
pub struct RtpMedia {
    stream: RtpStream,
}

impl RtpMedia {
    /// Wraps a bound stream.
    pub fn new(stream: RtpStream) -> Self {
        Self { stream }
    }
}

fn core_error(error: RtpError) -> Error {
    let message = error.to_string();
    match error {
        RtpError::Closed { .. } => Error::hung_up(message),
        RtpError::Timeout { .. } => Error::new(ErrorKind::TIMEOUT, message),
        RtpError::NoTelephoneEvent | RtpError::NotSending { .. } => {
            Error::new(ErrorKind::UNSUPPORTED, message)
        }
        RtpError::BadMedia(_) => Error::invalid_argument(message),
        _ => Error::failed(message),
    }
}

impl MediaStream for RtpMedia {
    fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr()
    }

    fn start(&self, media: &NegotiatedMedia) -> Result<(), Error> {
        self.stream
            .start(rtp::NegotiatedMedia {
                remote: media.remote,
                payload_type: media.payload_type,
                codec: media.codec.clone(),
                clock_rate: media.clock_rate,
                rate: media.rate,
                ptime_ms: media.ptime_ms,
                telephone_event_pt: media.telephone_event_pt,
            })
            .map_err(core_error)
    }

    fn read_frame(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, Error> {
        self.stream.read_frame(buf, timeout_ms).map_err(core_error)
    }

    fn write_frame(&self, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error> {
        match self.stream.write_frame(meta, payload) {
            // On hold the far end asked us not to send: the frame is dropped, not an error.
            Err(RtpError::NotSending { .. }) => Ok(()),
            other => other.map_err(core_error),
        }
    }

    fn send_dtmf(&self, dtmf: Dtmf) -> Result<(), Error> {
        self.stream.send_dtmf(dtmf).map_err(core_error)
    }

    fn take_dtmf(&self) -> Option<Dtmf> {
        self.stream.take_dtmf()
    }

    fn idle_for(&self) -> Option<Duration> {
        Some(self.stream.idle_for())
    }

    fn set_direction(&self, direction: Direction) {
        self.stream.set_direction(direction);
    }

    fn set_pacing(&self, pacing: rtp::Pacing) {
        self.stream.set_pacing(pacing);
    }

    fn interrupt(&self) {
        // A read returns within one packet time, or the caller's timeout when reads follow
        // arrival; nothing to wake.
    }

    fn close(&self) {
        self.stream.close();
    }

    fn stats_variables(&self) -> Vec<(&'static str, String)> {
        let stats = self.stream.stats();
        vec![
            (
                "rtp_audio_in_packet_count",
                stats.packets_received.to_string(),
            ),
            ("rtp_audio_in_media_bytes", stats.bytes_received.to_string()),
            (
                "rtp_audio_in_skip_packet_count",
                stats.lost.max(0).to_string(),
            ),
            ("rtp_audio_in_jitter_packet_count", stats.late.to_string()),
            (
                "rtp_audio_in_dtmf_packet_count",
                stats.dtmf_digits_received.to_string(),
            ),
            (
                "rtp_audio_in_jitter_max_variance",
                (stats.jitter.as_secs_f64() * 1000.0).to_string(),
            ),
            ("rtp_audio_out_packet_count", stats.packets_sent.to_string()),
            ("rtp_audio_out_media_bytes", stats.bytes_sent.to_string()),
            (
                "rtp_audio_out_dtmf_packet_count",
                stats.dtmf_packets_sent.to_string(),
            ),
            (
                "rtp_audio_rtcp_packet_count",
                stats.rtcp_received.to_string(),
            ),
        ]
    }
}
