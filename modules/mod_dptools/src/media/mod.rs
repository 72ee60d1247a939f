//! The media applications: playing, recording, echoing, generating tones, reading and
//! sending digits, with FreeSWITCH's names, arguments, variables and events.
//!
//! Each runs a [`media_loop::MediaLoop`] on the session's thread: read one frame (the
//! endpoint paces reads, one per packet time), do that frame's work, repeat, until the work
//! is done or the call hangs up, is broken or is transferred. Audio goes to and from the core
//! as linear samples; the core decodes, resamples and encodes.

mod digits;
mod dtmf;
mod dtmf_detect;
mod echo;
mod gentones;
mod inband_dtmf;
mod media_loop;
mod mixer;
mod playback;
mod player;
mod read_digits;
mod record;
mod record_session;
mod source;
mod tone_stream;

use ferroswitch_abi::prelude::*;

/// Registers every media application.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("playback", "Playback File", playback::SYNTAX),
        playback::Playback,
    )?;
    registrar.add_application(
        ApplicationDesc::new("gentones", "Generate Tones", gentones::SYNTAX),
        gentones::Gentones,
    )?;
    registrar.add_application(
        ApplicationDesc::new("record", "Record File", record::SYNTAX),
        record::Record,
    )?;
    registrar.add_application(
        ApplicationDesc::new("record_session", "Record Session", record_session::SYNTAX),
        record_session::RecordSession,
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "stop_record_session",
            "Stop Record Session",
            record_session::STOP_SYNTAX,
        ),
        record_session::StopRecordSession,
    )?;
    registrar.add_application(ApplicationDesc::new("echo", "Echo", ""), echo::Echo)?;
    registrar.add_application(
        ApplicationDesc::new("read", "Read Digits", digits::READ_SYNTAX),
        digits::Read,
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "play_and_get_digits",
            "Play and get Digits",
            digits::PAGD_SYNTAX,
        ),
        digits::PlayAndGetDigits,
    )?;
    registrar.add_application(
        ApplicationDesc::new("send_dtmf", "Send dtmf to be sent", dtmf::SYNTAX),
        dtmf::SendDtmf,
    )?;
    registrar.add_application(
        ApplicationDesc::new("start_dtmf", "Detect dtmf", ""),
        inband_dtmf::StartDtmf,
    )?;
    registrar.add_application(
        ApplicationDesc::new("stop_dtmf", "stop inband dtmf", ""),
        inband_dtmf::StopDtmf,
    )
}

/// Fires channel event `name` with the channel's data and `headers`, if anyone listens.
fn fire(session: &Session, name: &str, headers: &[(&str, &str)]) {
    let host = session.host();
    if !host.event_wanted(name) {
        return;
    }
    let Some(mut event) = session.event_data() else {
        return;
    };
    event.name = name.into();
    for (header, value) in headers {
        event.add_header(header, value);
    }
    host.fire_event(event);
}
