//! The state machine a session's thread runs: for each state, the handler chain in
//! FreeSWITCH's order, then the core's default for that state.

use std::sync::Arc;

use ferroswitch_abi::{
    ChannelState, HangupCause, LogLevel, ModuleId, StateFlow, StateHandlerRecord,
};

use crate::core::Core;
use crate::events::micros_since_epoch;
use crate::registry::Registered;

use super::{execute, ops, wait, SessionInner, SessionRef};

/// The session thread's body: runs every state the channel enters until DESTROY.
pub fn run(core: Core, session: SessionRef) {
    fire(core, &session, "CHANNEL_CREATE");
    let _ = ops::set_state(&session, ChannelState::Init);
    let mut last_generation = 0;
    loop {
        let state = match next_step(&session, &mut last_generation) {
            Step::Enter(state) => state,
            Step::RunQueued => {
                wait::run_queued(core, &session);
                continue;
            }
        };
        // The channel may already have moved on (an answer sets EXECUTE from another
        // thread); the event reports the state this thread is entering.
        session.fire_event(core, "CHANNEL_STATE", |event| {
            event.set_header("Channel-State", state.name());
            event.set_header("Channel-State-Number", &(state as u8).to_string());
        });
        if run_handlers(core, &session, state) {
            standard(core, &session, state);
        }
        if state == ChannelState::Destroy {
            break;
        }
    }
    fire(core, &session, "CHANNEL_DESTROY");
    core.inner().sessions.remove(&session);
}

/// What the session thread does next.
enum Step {
    /// Run the handlers and default of a state it entered.
    Enter(ChannelState),
    /// Run applications queued while it waits in a state without one of its own.
    RunQueued,
}

/// Waits until the channel's state generation moves past `last` (and returns the state to
/// run), or until an application is queued while the channel waits in a state that runs none
/// (parked, consuming or exchanging media). A hangup is run only once CHANNEL_HANGUP was fired
/// (see `ops::hangup`).
fn next_step(session: &SessionInner, last: &mut u64) -> Step {
    let mut channel = session.channel();
    loop {
        let hangup_pending = channel.state == ChannelState::Hangup && !channel.hangup_announced;
        if channel.state_generation != *last && !hangup_pending {
            *last = channel.state_generation;
            return Step::Enter(channel.state);
        }
        let idle = matches!(
            channel.state,
            ChannelState::Park
                | ChannelState::ConsumeMedia
                | ChannelState::ExchangeMedia
                | ChannelState::Hibernate
        );
        if idle && channel.is_ready() && !channel.queued_applications.is_empty() {
            return Step::RunQueued;
        }
        channel = session.wait_signal(channel);
    }
}

fn fire(core: Core, session: &SessionInner, name: &str) {
    session.fire_event(core, name, |_| {});
}

/// Runs the handler chain for `state`: per-channel pre-exec, global pre-exec, the
/// endpoint's own, per-channel, global. Returns whether the core's default should run: not
/// when a handler said stop, nor when a handler moved the channel to another state.
fn run_handlers(core: Core, session: &SessionInner, state: ChannelState) -> bool {
    let generation = session.channel().state_generation;
    // Each handler with the module that owns it: calls into it carry that module's id.
    let channel_handlers: Vec<(Arc<StateHandlerRecord>, ModuleId)> = session
        .channel()
        .state_handlers
        .iter()
        .map(|handler| (Arc::clone(&handler.record), handler.module()))
        .collect();
    let global_handlers: Vec<Arc<Registered<StateHandlerRecord>>> =
        core.inner().registry.read().state_handlers.clone();
    let global = || {
        global_handlers
            .iter()
            .map(|handler| (&handler.record, handler.module.id))
    };
    let per_channel = || {
        channel_handlers
            .iter()
            .map(|(record, module)| (record.as_ref(), *module))
    };

    let call = |(record, module): (&StateHandlerRecord, ModuleId)| -> StateFlow {
        if !record.desc.states.contains(state) {
            return StateFlow::Continue;
        }
        match record
            .object
            .on_state(session.handle(core, module), state)
            .into_result()
        {
            Ok(flow) => flow,
            Err(error) => {
                log(
                    core,
                    session,
                    LogLevel::Err,
                    format_args!(
                        "state handler {} failed on {state}: {error}",
                        record.desc.name
                    ),
                );
                StateFlow::Continue
            }
        }
    };
    let stopped = |handlers: &mut dyn Iterator<Item = (&StateHandlerRecord, ModuleId)>,
                   pre_exec: bool| {
        handlers
            .filter(|(record, _)| record.desc.pre_exec == pre_exec)
            .any(|handler| call(handler) == StateFlow::Stop)
    };
    if stopped(&mut per_channel(), true) || stopped(&mut global(), true) {
        return false;
    }
    if let Some(io) = session.io() {
        match io
            .object
            .on_state(io.session_handle(core, session), state)
            .into_result()
        {
            Ok(StateFlow::Stop) => return false,
            Ok(StateFlow::Continue) => {}
            Err(error) => {
                ops::log_endpoint_error(core, session, &format!("its {state} handler"), &error)
            }
        }
    }
    if stopped(&mut per_channel(), false) || stopped(&mut global(), false) {
        return false;
    }
    session.channel().state_generation == generation
}

/// The core's default for each state (FreeSWITCH's `switch_core_standard_on_*`).
fn standard(core: Core, session: &SessionInner, state: ChannelState) {
    match state {
        ChannelState::Init => {
            let _ = ops::set_state(session, ChannelState::Routing);
        }
        ChannelState::Routing => {
            if session.channel().originating {
                // An outbound leg still ringing for an originate: it waits in CONSUME_MEDIA
                // until the originator decides what it runs.
                let _ = ops::set_state(session, ChannelState::ConsumeMedia);
            } else {
                execute::route(core, session);
            }
        }
        ChannelState::Execute => execute::run_extension(core, session),
        ChannelState::ExchangeMedia => super::bridge::exchange_media(core, session),
        ChannelState::Hangup => {
            // Taps end with the call, before CHANNEL_HANGUP_COMPLETE, so that what they set
            // (`record_ms` ...) is in the channel's final variables, as in FreeSWITCH.
            session.media.taps.close_all();
            record_end(session);
            fire(core, session, "CHANNEL_HANGUP_COMPLETE");
            let _ = ops::set_state(session, ChannelState::Reporting);
        }
        ChannelState::Reporting => {
            let _ = ops::set_state(session, ChannelState::Destroy);
        }
        ChannelState::Destroy => {
            // Per-channel handlers hold leases on their modules: release them now.
            session.channel().state_handlers.clear();
        }
        // Parked, media and reset states wait until something moves the channel on.
        _ => {}
    }
}

/// Sets FreeSWITCH's end-of-call variables (`start_epoch`, `answer_epoch`, `end_epoch`,
/// `duration`, `billsec`, `hangup_cause`...), which CDR writers read.
fn record_end(session: &SessionInner) {
    let mut channel = session.channel();
    let times = channel.times;
    let end = if times.hungup > 0 {
        times.hungup
    } else {
        micros_since_epoch()
    };
    let seconds = |micros: u64| (micros / 1_000_000).to_string();
    let stamp = |micros: u64| crate::events::format_local(micros);
    let cause = channel.cause;
    let entries = [
        ("start_stamp", stamp(times.created)),
        ("start_epoch", seconds(times.created)),
        ("start_uepoch", times.created.to_string()),
        (
            "answer_stamp",
            if times.answered > 0 {
                stamp(times.answered)
            } else {
                String::new()
            },
        ),
        ("answer_epoch", seconds(times.answered)),
        ("answer_uepoch", times.answered.to_string()),
        ("end_stamp", stamp(end)),
        ("end_epoch", seconds(end)),
        ("end_uepoch", end.to_string()),
        (
            "duration",
            ((end.saturating_sub(times.created)) / 1_000_000).to_string(),
        ),
        (
            "billsec",
            if times.answered > 0 {
                ((end.saturating_sub(times.answered)) / 1_000_000).to_string()
            } else {
                "0".to_owned()
            },
        ),
        ("hangup_cause", cause.name().to_owned()),
        ("hangup_cause_q850", cause.number().to_string()),
    ];
    for (name, value) in entries {
        channel.set_variable(name, Some(&value));
    }
    if cause == HangupCause::NONE {
        channel.cause = HangupCause::NORMAL_CLEARING;
    }
}

/// Logs about a session; the message is formatted only when its level is enabled.
pub fn log(core: Core, session: &SessionInner, level: LogLevel, message: std::fmt::Arguments<'_>) {
    let logging = &core.inner().logging;
    if logging.enabled(level) {
        logging.log(&core, level, "core", &session.uuid, &message.to_string());
    }
}
