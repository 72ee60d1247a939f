//! mod_sip: the SIP endpoint. This branch carries only its RTP engine.

pub mod rtp;
