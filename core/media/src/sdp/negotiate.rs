//! RFC 3264 offer/answer for one audio stream.
//!
//! [`OfferAnswer`] holds our side of a session: it builds offers from
//! [`LocalMedia`], answers the peer's offers under a [`CodecPolicy`], and
//! reads the peer's answers, each time returning what was agreed as a
//! [`Negotiated`]. Codecs are matched by encoding name, clock rate and
//! channels, never by payload type; an answer keeps the offerer's payload
//! types, so one payload type serves both directions.

use std::net::{IpAddr, SocketAddr};

use thiserror::Error;

use super::{
    Attribute, Codec, Connection, Direction, MediaDescription, Origin, RtpMap, SessionDescription,
    Timing,
};

/// `fmtp` for the DTMF events 0-15 and flash (16).
const TELEPHONE_EVENT_FMTP: &str = "0-16";
const TELEPHONE_EVENT_RATE: u32 = 8000;

/// What we can do for audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    /// Where we receive RTP.
    pub address: IpAddr,
    pub port: u16,
    /// In order of preference.
    pub codecs: Vec<Codec>,
    /// Payload type to offer RFC 4733 telephone-event with (8000 Hz), or
    /// `None` to neither offer nor accept it.
    pub telephone_event: Option<u8>,
    /// Packet time we want to receive, in ms.
    pub ptime: Option<u32>,
    /// SendOnly or Inactive puts the peer on hold.
    pub direction: Direction,
    /// Offer and accept RTCP on the RTP port (RFC 5761).
    pub rtcp_mux: bool,
}

/// Whose codec order wins when answering, as FreeSWITCH's
/// `inbound-codec-negotiation` chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CodecPolicy {
    /// Our order: the first of our codecs the offer has (`greedy`).
    #[default]
    Greedy,
    /// The offerer's order: the first offered codec we have (`generous`).
    Generous,
}

/// What an offer/answer exchange agreed for the audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// The codec, with the payload type to send and expect.
    pub codec: Codec,
    /// The telephone-event payload type, if both sides do RFC 4733.
    pub telephone_event: Option<u8>,
    /// Where to send RTP; `None` while the peer holds with `c=0.0.0.0`.
    pub remote_rtp: Option<SocketAddr>,
    /// Where to send RTCP: the RTP address under rtcp-mux, else `a=rtcp`
    /// or the RTP port + 1.
    pub remote_rtcp: Option<SocketAddr>,
    /// The packet time the peer asked for.
    pub remote_ptime: Option<u32>,
    /// What we do: send, receive, both or neither.
    pub direction: Direction,
    /// The peer put us on hold (sendonly, inactive or `c=0.0.0.0`).
    pub remote_hold: bool,
    pub rtcp_mux: bool,
}

/// Why offer/answer failed; a SIP endpoint answers 488 to most of these.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NegotiationError {
    #[error("no common codec: offered {}, we support {}", .offered.join(", "), .local.join(", "))]
    NoCommonCodec {
        offered: Vec<String>,
        local: Vec<String>,
    },
    #[error("no RTP/AVP audio stream in the description")]
    NoAudio,
    #[error("the answer rejected our audio stream (port 0)")]
    MediaRejected,
    #[error("an answer arrived but no offer of ours is pending")]
    NoOfferPending,
    #[error("an offer arrived while ours is pending")]
    OfferPending,
    #[error("the answer has {answered} media lines, our offer had {offered}")]
    MediaCountMismatch { offered: usize, answered: usize },
    #[error("no connection address for the audio stream")]
    NoConnectionAddress,
    #[error("connection address {0:?} is not an IP address")]
    NotAnIpAddress(String),
}

/// Our side of the offer/answer exchanges of one session.
#[derive(Debug, Clone)]
pub struct OfferAnswer {
    local: LocalMedia,
    username: String,
    session_id: u64,
    session_version: u64,
    last_generated: Option<SessionDescription>,
    pending_offer: Option<SessionDescription>,
}

impl OfferAnswer {
    /// `session_id` goes into `o=` (and starts the version); a driver
    /// picks something unique, e.g. from the time or a random source.
    pub fn new(local: LocalMedia, session_id: u64) -> Self {
        OfferAnswer {
            local,
            username: "ferroswitch".to_owned(),
            session_id,
            session_version: session_id,
            last_generated: None,
            pending_offer: None,
        }
    }

    pub fn local(&self) -> &LocalMedia {
        &self.local
    }

    /// Changes what the next offer or answer says (hold, new port, codecs).
    pub fn local_mut(&mut self) -> &mut LocalMedia {
        &mut self.local
    }

    /// True between [`create_offer`](Self::create_offer) and the answer.
    pub fn has_pending_offer(&self) -> bool {
        self.pending_offer.is_some()
    }

    /// Our offer (or re-offer): every local codec, telephone-event,
    /// ptime, direction, rtcp-mux. The session version increases when the
    /// description differs from the last one we sent.
    pub fn create_offer(&mut self) -> SessionDescription {
        let mut formats: Vec<String> = self
            .local
            .codecs
            .iter()
            .map(|codec| codec.payload_type.to_string())
            .collect();
        let mut attributes: Vec<Attribute> = Vec::new();
        for codec in &self.local.codecs {
            push_codec_attributes(&mut attributes, codec);
        }
        if let Some(payload_type) = self.local.telephone_event {
            formats.push(payload_type.to_string());
            push_codec_attributes(
                &mut attributes,
                &telephone_event(payload_type, TELEPHONE_EVENT_RATE, None),
            );
        }
        self.push_stream_attributes(&mut attributes, self.local.direction, self.local.rtcp_mux);
        let media = MediaDescription {
            kind: "audio".to_owned(),
            port: self.local.port,
            port_count: None,
            protocol: "RTP/AVP".to_owned(),
            formats,
            connection: None,
            bandwidths: Vec::new(),
            attributes,
            other_lines: Vec::new(),
        };
        let offer = self.describe(vec![media]);
        self.pending_offer = Some(offer.clone());
        offer
    }

    /// Reads the answer to our pending offer.
    pub fn handle_answer(
        &mut self,
        answer: &SessionDescription,
    ) -> Result<Negotiated, NegotiationError> {
        let offer = self
            .pending_offer
            .take()
            .ok_or(NegotiationError::NoOfferPending)?;
        if answer.media.len() != offer.media.len() {
            return Err(NegotiationError::MediaCountMismatch {
                offered: offer.media.len(),
                answered: answer.media.len(),
            });
        }
        // Our offers carry one audio stream, first.
        let media = &answer.media[0];
        if media.port == 0 {
            return Err(NegotiationError::MediaRejected);
        }
        let answered = offered_codecs(media);
        let codec = answered
            .iter()
            .find(|codec| self.local.codecs.iter().any(|ours| ours.same_codec(codec)))
            .cloned()
            .ok_or_else(|| self.no_common_codec(&answered))?;
        let telephone_event = self
            .local
            .telephone_event
            .and_then(|_| pick_telephone_event(media, &codec))
            .map(|event| event.payload_type);
        let rtcp_mux = self.local.rtcp_mux && media.rtcp_mux();
        let direction = self
            .local
            .direction
            .intersect(remote_direction(answer, media).answer_to());
        remote_result(answer, media, codec, telephone_event, direction, rtcp_mux)
    }

    /// Answers the peer's offer: the first usable audio stream gets a
    /// codec chosen under `policy` (and telephone-event, echoed with the
    /// offerer's payload type); every other stream is rejected with port 0.
    pub fn handle_offer(
        &mut self,
        offer: &SessionDescription,
        policy: CodecPolicy,
    ) -> Result<(SessionDescription, Negotiated), NegotiationError> {
        if self.pending_offer.is_some() {
            return Err(NegotiationError::OfferPending);
        }
        let mut all_offered = Vec::new();
        let mut chosen = None;
        for (index, media) in offer.media.iter().enumerate() {
            if !is_rtp_audio(media) || media.port == 0 {
                continue;
            }
            let offered = offered_codecs(media);
            if let Some(codec) = self.choose(&offered, policy) {
                chosen = Some((index, codec));
                break;
            }
            all_offered.extend(offered);
        }
        let Some((index, codec)) = chosen else {
            if all_offered.is_empty() {
                return Err(NegotiationError::NoAudio);
            }
            return Err(self.no_common_codec(&all_offered));
        };
        let media = &offer.media[index];
        let telephone_event = self
            .local
            .telephone_event
            .and_then(|_| pick_telephone_event(media, &codec));
        let rtcp_mux = self.local.rtcp_mux && media.rtcp_mux();
        let direction = remote_direction(offer, media)
            .answer_to()
            .intersect(self.local.direction);
        let negotiated = remote_result(
            offer,
            media,
            codec.clone(),
            telephone_event.as_ref().map(|event| event.payload_type),
            direction,
            rtcp_mux,
        )?;

        let mut answer_media = Vec::with_capacity(offer.media.len());
        for (i, offered) in offer.media.iter().enumerate() {
            if i == index {
                answer_media.push(self.answer_media(
                    offered,
                    &codec,
                    telephone_event.as_ref(),
                    direction,
                    rtcp_mux,
                ));
            } else {
                answer_media.push(rejected(offered));
            }
        }
        Ok((self.describe(answer_media), negotiated))
    }

    fn choose(&self, offered: &[Codec], policy: CodecPolicy) -> Option<Codec> {
        let offered = offered.iter().filter(|codec| !codec.is_telephone_event());
        let (offered_codec, local_codec) = match policy {
            CodecPolicy::Greedy => self.local.codecs.iter().find_map(|ours| {
                offered
                    .clone()
                    .find(|theirs| ours.same_codec(theirs))
                    .map(|theirs| (theirs, ours))
            })?,
            CodecPolicy::Generous => offered.clone().find_map(|theirs| {
                self.local
                    .codecs
                    .iter()
                    .find(|ours| ours.same_codec(theirs))
                    .map(|ours| (theirs, ours))
            })?,
        };
        // The offerer's payload type and spelling; our fmtp when we have one.
        let mut codec = offered_codec.clone();
        if local_codec.fmtp.is_some() {
            codec.fmtp.clone_from(&local_codec.fmtp);
        }
        Some(codec)
    }

    fn answer_media(
        &self,
        offered: &MediaDescription,
        codec: &Codec,
        telephone_event: Option<&Codec>,
        direction: Direction,
        rtcp_mux: bool,
    ) -> MediaDescription {
        let mut formats = vec![codec.payload_type.to_string()];
        let mut attributes = Vec::new();
        push_codec_attributes(&mut attributes, codec);
        if let Some(event) = telephone_event {
            formats.push(event.payload_type.to_string());
            push_codec_attributes(&mut attributes, event);
        }
        self.push_stream_attributes(&mut attributes, direction, rtcp_mux);
        MediaDescription {
            kind: offered.kind.clone(),
            port: self.local.port,
            port_count: None,
            protocol: offered.protocol.clone(),
            formats,
            connection: None,
            bandwidths: Vec::new(),
            attributes,
            other_lines: Vec::new(),
        }
    }

    fn push_stream_attributes(
        &self,
        attributes: &mut Vec<Attribute>,
        direction: Direction,
        rtcp_mux: bool,
    ) {
        if let Some(ptime) = self.local.ptime {
            attributes.push(Attribute::Ptime(ptime));
        }
        attributes.push(Attribute::Direction(direction));
        if rtcp_mux {
            attributes.push(Attribute::RtcpMux);
        }
    }

    /// Wraps media lines in a session, bumping the version only if
    /// something changed since the last description we generated.
    fn describe(&mut self, media: Vec<MediaDescription>) -> SessionDescription {
        let mut description = SessionDescription {
            origin: Origin {
                username: self.username.clone(),
                session_id: self.session_id,
                session_version: self.session_version,
                network_type: "IN".to_owned(),
                address_type: Connection::from_ip(self.local.address).address_type,
                address: self.local.address.to_string(),
            },
            session_name: "ferroswitch".to_owned(),
            connection: Some(Connection::from_ip(self.local.address)),
            bandwidths: Vec::new(),
            timing: vec![Timing { start: 0, stop: 0 }],
            attributes: Vec::new(),
            media,
            other_lines: Vec::new(),
        };
        if self
            .last_generated
            .as_ref()
            .is_some_and(|last| *last != description)
        {
            self.session_version = self.session_version.wrapping_add(1);
            description.origin.session_version = self.session_version;
        }
        self.last_generated = Some(description.clone());
        description
    }

    fn no_common_codec(&self, offered: &[Codec]) -> NegotiationError {
        NegotiationError::NoCommonCodec {
            offered: offered
                .iter()
                .filter(|codec| !codec.is_telephone_event())
                .map(Codec::describe)
                .collect(),
            local: self.local.codecs.iter().map(Codec::describe).collect(),
        }
    }
}

fn is_rtp_audio(media: &MediaDescription) -> bool {
    media.kind == "audio"
        && (media.protocol.eq_ignore_ascii_case("RTP/AVP")
            || media.protocol.eq_ignore_ascii_case("RTP/AVPF"))
}

/// The codecs of a media line in its order; unknown dynamic types are skipped.
fn offered_codecs(media: &MediaDescription) -> Vec<Codec> {
    media
        .payload_types()
        .filter_map(|payload_type| Codec::from_media(media, payload_type))
        .collect()
}

/// telephone-event at the audio codec's clock rate if offered, else at 8000.
fn pick_telephone_event(media: &MediaDescription, codec: &Codec) -> Option<Codec> {
    let events: Vec<Codec> = offered_codecs(media)
        .into_iter()
        .filter(Codec::is_telephone_event)
        .collect();
    let event = events
        .iter()
        .find(|event| event.clock_rate == codec.clock_rate)
        .or_else(|| {
            events
                .iter()
                .find(|event| event.clock_rate == TELEPHONE_EVENT_RATE)
        })?;
    let fmtp = event.fmtp.as_deref().unwrap_or(TELEPHONE_EVENT_FMTP);
    Some(telephone_event(
        event.payload_type,
        event.clock_rate,
        Some(fmtp),
    ))
}

fn telephone_event(payload_type: u8, clock_rate: u32, fmtp: Option<&str>) -> Codec {
    Codec::new("telephone-event", payload_type, clock_rate)
        .with_fmtp(fmtp.unwrap_or(TELEPHONE_EVENT_FMTP))
}

/// What the peer's description says it does, `c=0.0.0.0` meaning "do not
/// send to me" as RFC 2543 hold did.
fn remote_direction(description: &SessionDescription, media: &MediaDescription) -> Direction {
    let direction = description.direction(media);
    let unspecified = description
        .connection_for(media)
        .and_then(Connection::ip)
        .is_some_and(|ip| ip.is_unspecified());
    if unspecified {
        direction.intersect(Direction::SendOnly)
    } else {
        direction
    }
}

fn remote_result(
    description: &SessionDescription,
    media: &MediaDescription,
    codec: Codec,
    telephone_event: Option<u8>,
    direction: Direction,
    rtcp_mux: bool,
) -> Result<Negotiated, NegotiationError> {
    let connection = description
        .connection_for(media)
        .ok_or(NegotiationError::NoConnectionAddress)?;
    let ip = connection
        .ip()
        .ok_or_else(|| NegotiationError::NotAnIpAddress(connection.address.clone()))?;
    let remote_rtp = (!ip.is_unspecified()).then(|| SocketAddr::new(ip, media.port));
    let remote_rtcp = remote_rtp.map(|rtp| {
        if rtcp_mux {
            return rtp;
        }
        match media.rtcp() {
            Some((port, connection)) => {
                let ip = connection.and_then(Connection::ip).unwrap_or(rtp.ip());
                SocketAddr::new(ip, port)
            }
            None => SocketAddr::new(rtp.ip(), rtp.port().wrapping_add(1)),
        }
    });
    Ok(Negotiated {
        codec,
        telephone_event,
        remote_rtp,
        remote_rtcp,
        remote_ptime: media.ptime(),
        direction,
        remote_hold: description.is_hold(media),
        rtcp_mux,
    })
}

fn push_codec_attributes(attributes: &mut Vec<Attribute>, codec: &Codec) {
    attributes.push(Attribute::RtpMap(RtpMap {
        payload_type: codec.payload_type,
        encoding: codec.name.clone(),
        clock_rate: codec.clock_rate,
        channels: (codec.channels != 1).then_some(codec.channels),
    }));
    if let Some(fmtp) = &codec.fmtp {
        attributes.push(Attribute::Fmtp {
            payload_type: codec.payload_type,
            parameters: fmtp.clone(),
        });
    }
}

/// RFC 3264 §6: a stream we do not take keeps its line, with port 0.
fn rejected(offered: &MediaDescription) -> MediaDescription {
    MediaDescription {
        kind: offered.kind.clone(),
        port: 0,
        port_count: None,
        protocol: offered.protocol.clone(),
        formats: offered.formats.clone(),
        connection: None,
        bandwidths: Vec::new(),
        attributes: Vec::new(),
        other_lines: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
