//! Originate: place outbound legs through endpoints and wait for one to answer, as
//! FreeSWITCH's `switch_ivr_originate` does (ring-all groups, failover between groups).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferroswitch_abi::{
    AnswerMode, CallerProfile, ChannelFlags, ChannelState, Error, ErrorKind, HangupCause,
    OriginateRequest, OutgoingRequest,
};

use crate::core::Core;

use super::{
    dial_string, directory_user, ops, ChannelIo, Direction, NewChannel, Notifier, SessionRef,
};

const DEFAULT_TIMEOUT_S: u32 = 60;

/// Places the calls `request` describes; the answered leg, waiting in CONSUME_MEDIA for the
/// caller to give it something to do. Fails with the cause of the last leg that failed.
pub fn originate(core: Core, request: &OriginateRequest) -> Result<SessionRef, Error> {
    let mut dial = dial_string::parse(&request.dial_string).map_err(|reason| {
        Error::invalid_argument(reason).with_cause(HangupCause::INVALID_NUMBER_FORMAT)
    })?;
    directory_user::expand_user_legs(core, &mut dial);
    let originator = request
        .originator
        .into_option()
        .and_then(|id| core.inner().sessions.get(id));
    // The originator's exported variables first, so that `{}`, `[]` and the request's own
    // override them, as FreeSWITCH's `switch_channel_process_export` orders them.
    let mut common: Vec<(String, String)> = originator
        .as_ref()
        .map(exported_variables)
        .unwrap_or_default();
    common.extend(dial.variables.iter().cloned());
    common.extend(
        request
            .variables
            .iter()
            .map(|pair| (pair.0.to_string(), pair.1.to_string())),
    );
    let timeout_s = match request.timeout_s {
        0 => ["originate_timeout", "call_timeout"]
            .iter()
            .find_map(|name| lookup(&common, name).and_then(|value| value.parse().ok()))
            .unwrap_or(DEFAULT_TIMEOUT_S),
        given => given,
    };
    let base_profile = originator
        .as_ref()
        .map(|session| session.channel().profile.clone());

    let notifier = Arc::new(Notifier::default());
    // The originator hanging up cancels the legs it rings.
    if let Some(originator) = &originator {
        originator.channel().observers.push(Arc::clone(&notifier));
    }
    let watched = originator.as_ref().map(Originator::watch);
    let result = place_groups(
        core,
        &dial,
        &common,
        base_profile.as_ref(),
        request,
        timeout_s,
        watched.as_ref(),
        &notifier,
    );
    if let Some(originator) = &originator {
        originator
            .channel()
            .observers
            .retain(|observer| !Arc::ptr_eq(observer, &notifier));
    }
    result.map_err(|error| error.unwrap_or(last_error_default()))
}

/// The channel an originate rings for, and its state generation when the originate began:
/// a hangup or a move to another state (picked up by `intercept`, transferred) cancels it.
struct Originator<'a> {
    session: &'a SessionRef,
    generation: u64,
}

impl<'a> Originator<'a> {
    fn watch(session: &'a SessionRef) -> Originator<'a> {
        let generation = session.channel().state_generation;
        Originator {
            session,
            generation,
        }
    }

    /// Why the originate must stop ringing, if it must: ORIGINATOR_CANCEL when the originator
    /// hung up, PICKED_OFF when it was moved elsewhere.
    fn cancelled(&self) -> Option<Error> {
        let channel = self.session.channel();
        if !channel.is_ready() {
            Some(
                Error::new(
                    ErrorKind::HUNG_UP,
                    "originate cancelled: the originator hung up",
                )
                .with_cause(HangupCause::ORIGINATOR_CANCEL),
            )
        } else if channel.state_generation != self.generation {
            Some(
                Error::new(
                    ErrorKind::FAILED,
                    "originate cancelled: the originator was picked up or transferred",
                )
                .with_cause(HangupCause::PICKED_OFF),
            )
        } else {
            None
        }
    }
}

fn last_error_default() -> Error {
    Error::failed("no leg could be placed").with_cause(HangupCause::DESTINATION_OUT_OF_ORDER)
}

/// Tries each failover group in turn (`|`), ringing every leg of a group at once (`,`).
/// `Err(None)` when no leg could even be placed.
#[allow(clippy::too_many_arguments)]
fn place_groups(
    core: Core,
    dial: &dial_string::DialString,
    common: &[(String, String)],
    base_profile: Option<&CallerProfile>,
    request: &OriginateRequest,
    timeout_s: u32,
    originator: Option<&Originator<'_>>,
    notifier: &Arc<Notifier>,
) -> Result<SessionRef, Option<Error>> {
    let mut last_error = None;
    for group in &dial.groups {
        if let Some(cancelled) = originator.and_then(Originator::cancelled) {
            last_error = Some(cancelled);
            break;
        }
        let mut legs = Vec::new();
        for leg in group {
            let mut variables = common.to_vec();
            variables.extend(leg.variables.iter().cloned());
            let leg_timeout = lookup(&variables, "leg_timeout")
                .and_then(|value| value.parse::<u64>().ok())
                .filter(|seconds| *seconds > 0)
                .map_or(
                    Duration::from_secs(u64::from(timeout_s)),
                    Duration::from_secs,
                );
            match start_leg(
                core,
                leg,
                variables,
                base_profile,
                request,
                timeout_s,
                notifier,
            ) {
                Ok(session) => legs.push((session, Instant::now() + leg_timeout)),
                Err(error) => last_error = Some(error),
            }
        }
        if legs.is_empty() {
            continue;
        }
        let early_media =
            originator.is_some() && !lookup(common, "ignore_early_media").is_some_and(is_true);
        match wait_for_answer(core, &legs, notifier, originator, early_media) {
            Ok(winner) => {
                for (leg, _) in legs.iter().filter(|(leg, _)| leg.id != winner.id) {
                    ops::hangup(core, leg, HangupCause::LOSE_RACE);
                }
                let mut channel = winner.channel();
                channel.originating = false;
                channel
                    .observers
                    .retain(|observer| !Arc::ptr_eq(observer, notifier));
                drop(channel);
                return Ok(winner);
            }
            Err(error) => {
                let cancelled = matches!(
                    error.cause,
                    HangupCause::ORIGINATOR_CANCEL | HangupCause::PICKED_OFF
                );
                last_error = Some(error);
                if cancelled {
                    break;
                }
            }
        }
    }
    Err(last_error)
}

/// The variables `export` marked on `session` (see [`exports`]).
fn exported_variables(session: &SessionRef) -> Vec<(String, String)> {
    let channel = session.channel();
    exports(channel.variable("export_vars").as_deref(), |name| {
        channel.variable(name)
    })
}

/// The variables named in `export_vars` that have a value, with the `nolocal:` prefix
/// removed, and `export_vars` itself so that a leg passes them on when it originates in turn.
fn exports(
    export_vars: Option<&str>,
    variable: impl Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let Some(names) = export_vars.filter(|names| !names.is_empty()) else {
        return Vec::new();
    };
    let mut exported = vec![("export_vars".to_owned(), names.to_owned())];
    for name in names
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let Some(value) = variable(name) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        let bare = ["nolocal:", "_nolocal_"]
            .iter()
            .find(|prefix| lower.starts_with(*prefix))
            .map_or(name, |prefix| &name[prefix.len()..]);
        exported.push((bare.to_owned(), value));
    }
    exported
}

fn lookup<'a>(variables: &'a [(String, String)], name: &str) -> Option<&'a str> {
    variables
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn start_leg(
    core: Core,
    leg: &dial_string::DialLeg,
    variables: Vec<(String, String)>,
    base: Option<&CallerProfile>,
    request: &OriginateRequest,
    timeout_s: u32,
    notifier: &Arc<Notifier>,
) -> Result<SessionRef, Error> {
    if leg.endpoint == "error" {
        return Err(directory_user::error_leg(&leg.data));
    }
    let Some(endpoint) = core
        .inner()
        .registry
        .read()
        .endpoints
        .get(&leg.endpoint)
        .cloned()
    else {
        return Err(
            Error::not_found(format!("no endpoint named {}", leg.endpoint))
                .with_cause(HangupCause::CHAN_NOT_IMPLEMENTED),
        );
    };
    let lease = endpoint.lease();
    let mut profile = base.cloned().unwrap_or_else(|| CallerProfile {
        caller_id_name: "ferroswitch".into(),
        caller_id_number: "0000000000".into(),
        ..CallerProfile::default()
    });
    if let Some(name) = lookup(&variables, "origination_caller_id_name") {
        profile.caller_id_name = name.into();
    }
    if let Some(number) = lookup(&variables, "origination_caller_id_number") {
        profile.caller_id_number = number.into();
    }
    profile.destination_number = leg.data.as_str().into();
    profile.dialplan = "XML".into();
    if profile.context.is_empty() {
        profile.context = "default".into();
    }
    profile.source = endpoint.module.name.as_str().into();
    let sessions = &core.inner().sessions;
    let session = sessions.create(
        core,
        NewChannel {
            name: format!("{}/{}", leg.endpoint, leg.data),
            direction: Direction::Outbound,
            profile: profile.clone(),
            variables,
            partner: None,
        },
    )?;
    {
        let mut channel = session.channel();
        channel.originating = true;
        channel.flags.0 |= ChannelFlags::OUTBOUND.0;
        channel.observers.push(Arc::clone(notifier));
    }
    let outgoing = OutgoingRequest {
        dial_data: leg.data.as_str().into(),
        caller_profile: profile,
        originator: request.originator,
        timeout_s,
    };
    let handle = session.handle(core, endpoint.module.id);
    match endpoint
        .record
        .object
        .outgoing(handle, &outgoing)
        .into_result()
    {
        Ok(channel_out) => {
            {
                let mut channel = session.channel();
                channel.name = channel_out.name.to_string();
                channel.profile.chan_name = channel_out.name.clone();
            }
            sessions.attach_io(
                &session,
                ChannelIo::new(channel_out.io, leg.endpoint.clone(), lease),
            );
            sessions.start(core, Arc::clone(&session))?;
            Ok(session)
        }
        Err(error) => {
            sessions.remove(&session);
            let cause = if error.cause == HangupCause::NONE {
                HangupCause::DESTINATION_OUT_OF_ORDER
            } else {
                error.cause
            };
            core.inner().logging.log(
                &core,
                ferroswitch_abi::LogLevel::Err,
                "core",
                &session.uuid,
                &format!(
                    "Cannot create outgoing channel of type [{}] cause: [{}]: {}",
                    leg.endpoint,
                    cause.name(),
                    error.message
                ),
            );
            Err(error.with_cause(cause))
        }
    }
}

/// Waits until a leg answers (and has reached CONSUME_MEDIA, so its thread will not hunt the
/// dialplan), every leg ended, or the originator hung up (legs are then hung up with
/// ORIGINATOR_CANCEL) or moved to another state (picked up: PICKED_OFF). A leg still ringing at its own deadline is hung up with NO_ANSWER.
fn wait_for_answer(
    core: Core,
    legs: &[(SessionRef, Instant)],
    notifier: &Notifier,
    originator: Option<&Originator<'_>>,
    early_media: bool,
) -> Result<SessionRef, Error> {
    let mut seen = notifier.generation();
    let mut early = EarlyMedia::default();
    loop {
        if let Some(cancelled) = originator.and_then(Originator::cancelled) {
            // Nobody waits for the ringing legs any more.
            for (leg, _) in legs {
                ops::hangup(core, leg, cancelled.cause);
            }
            return Err(cancelled);
        }
        let now = Instant::now();
        let mut last_cause = HangupCause::NONE;
        let mut next_deadline: Option<Instant> = None;
        for (leg, deadline) in legs {
            let channel = leg.channel();
            if channel.state >= ChannelState::Hangup {
                last_cause = channel.cause;
                continue;
            }
            if channel.flags.contains(ChannelFlags::ANSWERED)
                && channel.state == ChannelState::ConsumeMedia
            {
                return Ok(Arc::clone(leg));
            }
            if now >= *deadline {
                drop(channel);
                ops::hangup(core, leg, HangupCause::NO_ANSWER);
                last_cause = HangupCause::NO_ANSWER;
                continue;
            }
            next_deadline = Some(next_deadline.map_or(*deadline, |next| next.min(*deadline)));
        }
        let Some(next_deadline) = next_deadline else {
            let cause = if last_cause == HangupCause::NONE {
                HangupCause::NORMAL_CLEARING
            } else {
                last_cause
            };
            let kind = if cause == HangupCause::NO_ANSWER {
                ErrorKind::TIMEOUT
            } else {
                ErrorKind::FAILED
            };
            return Err(
                Error::new(kind, format!("originate failed: {}", cause.name())).with_cause(cause),
            );
        };
        if let (true, Some(originator)) = (early_media, originator) {
            if early.relay(core, legs, originator.session) {
                continue;
            }
        }
        seen = notifier.wait_past(seen, next_deadline);
    }
}

/// Early media while legs ring: the first leg to present it (a 183, a loopback pre-answer)
/// is heard by the originator, which is pre-answered for it, as FreeSWITCH's originate does
/// unless `ignore_early_media` is set. The relay reads one frame per call, so the wait
/// above still checks answers, hangups and deadlines every frame.
#[derive(Default)]
struct EarlyMedia {
    buffer: Vec<u8>,
    announced: bool,
}

impl EarlyMedia {
    /// Relays one frame from the leg presenting early media; false when none does.
    fn relay(
        &mut self,
        core: Core,
        legs: &[(SessionRef, Instant)],
        originator: &SessionRef,
    ) -> bool {
        let Some(leg) = legs.iter().map(|(leg, _)| leg).find(|leg| {
            let channel = leg.channel();
            channel.flags.contains(ChannelFlags::EARLY_MEDIA)
                && !channel.flags.contains(ChannelFlags::ANSWERED)
                && channel.state < ChannelState::Hangup
        }) else {
            return false;
        };
        if !self.announced {
            self.announced = true;
            if ops::answer(core, originator, AnswerMode::PreAnswer, false).is_err() {
                return false;
            }
        }
        self.buffer.resize(8192, 0);
        match leg.media.read_frame(core, leg, &mut self.buffer, 40) {
            Ok(meta) => {
                let len = (meta.len as usize).min(self.buffer.len());
                // A frame the originator cannot take is dropped; ringing goes on.
                let _ = originator
                    .media
                    .write_frame(core, originator, &meta, &self.buffer[..len]);
                true
            }
            Err(_) => false,
        }
    }
}

fn is_true(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "1"
    )
}

#[cfg(test)]
mod tests {
    use super::exports;

    #[test]
    fn exported_variables_pass_to_new_legs_without_their_nolocal_prefix() {
        let variable = |name: &str| match name {
            "colour" => Some("blue".to_owned()),
            "nolocal:secret" => Some("42".to_owned()),
            _ => None,
        };
        assert_eq!(
            exports(Some("colour, nolocal:secret,unset"), variable),
            vec![
                (
                    "export_vars".to_owned(),
                    "colour, nolocal:secret,unset".to_owned()
                ),
                ("colour".to_owned(), "blue".to_owned()),
                ("secret".to_owned(), "42".to_owned()),
            ]
        );
        assert!(exports(None, variable).is_empty());
        assert!(exports(Some(""), variable).is_empty());
    }
}
