//! ROUTING and EXECUTE: hunting the dialplan, and running applications.

use ferroswitch_abi::{ChannelState, Error, ErrorKind, Extension, HangupCause, LogLevel};

use crate::core::Core;
use ferroswitch_abi::expand::expand_variables;

use super::{machine::log, ops, SessionInner};

/// Hunts the dialplans the caller profile names (`XML`, `inline`, or a comma list of
/// `name[:arg]`); the first extension found runs in EXECUTE. No route hangs up with
/// `NO_ROUTE_DESTINATION`, as FreeSWITCH does.
pub fn route(core: Core, session: &SessionInner) {
    let profile = {
        let mut channel = session.channel();
        channel.hit_dialplan = true;
        channel.profile.clone()
    };
    if let Some(extension) = find_extension(core, session, &profile) {
        if !session.channel().is_ready() {
            return;
        }
        let mut channel = session.channel();
        if channel.state == ChannelState::Routing {
            channel.extension = Some(extension);
            channel.set_state(ChannelState::Execute);
            session.notify(&channel);
        }
        return;
    }
    if session.channel().state == ChannelState::Routing {
        log(
            core,
            session,
            LogLevel::Info,
            format_args!(
                "No route, aborting: {} in context {}",
                profile.destination_number, profile.context
            ),
        );
        ops::hangup(core, session, HangupCause::NO_ROUTE_DESTINATION);
    }
}

/// Hunts `destination` in `dialplan` and `context` (empty: the channel's own) without
/// running or routing anything: what `execute_extension` runs in place.
pub fn hunt(
    core: Core,
    session: &SessionInner,
    destination: &str,
    dialplan: &str,
    context: &str,
) -> Result<Option<Extension>, Error> {
    let mut profile = session.channel().profile.clone();
    profile.destination_number = destination.into();
    if !dialplan.is_empty() {
        profile.dialplan = dialplan.into();
    }
    if !context.is_empty() {
        profile.context = context.into();
    }
    Ok(find_extension(core, session, &profile))
}

/// The first extension the dialplans `profile` names find for it.
fn find_extension(
    core: Core,
    session: &SessionInner,
    profile: &ferroswitch_abi::CallerProfile,
) -> Option<Extension> {
    let dialplans = if profile.dialplan.is_empty() {
        "XML".to_owned()
    } else {
        profile.dialplan.to_string()
    };
    for entry in dialplans
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let (name, arg) = entry.split_once(':').unwrap_or((entry, ""));
        let Some(dialplan) = core.inner().registry.read().dialplans.get(name).cloned() else {
            log(
                core,
                session,
                LogLevel::Err,
                format_args!("No dialplan named {name}"),
            );
            continue;
        };
        let _lease = dialplan.lease();
        let handle = session.handle(core, dialplan.module.id);
        match dialplan
            .record
            .object
            .hunt(handle, profile, arg.into())
            .into_result()
        {
            Ok(found) => {
                if let Some(extension) = found.into_option() {
                    log(
                        core,
                        session,
                        LogLevel::Info,
                        format_args!(
                            "Dialplan {name}: {} matched {} application(s)",
                            profile.destination_number,
                            extension.applications.len()
                        ),
                    );
                    return Some(extension);
                }
            }
            Err(error) => log(
                core,
                session,
                LogLevel::Err,
                format_args!(
                    "Dialplan {name} of {} failed: {error}",
                    dialplan.module.name
                ),
            ),
        }
    }
    None
}

/// Runs the extension's applications in order while the channel stays ready and in
/// EXECUTE; when they are done, hangs up with `NORMAL_CLEARING`.
pub fn run_extension(core: Core, session: &SessionInner) {
    let Some(Extension { applications, .. }) = session.channel().extension.clone() else {
        ops::hangup(core, session, HangupCause::NORMAL_CLEARING);
        return;
    };
    let generation = session.channel().state_generation;
    for app in applications.iter() {
        {
            let channel = session.channel();
            if !channel.is_ready() || channel.state_generation != generation {
                return;
            }
        }
        // A failing application was already reported (and hung up where it must); the
        // extension goes on, as FreeSWITCH's does.
        let _ = execute(core, session, &app.name, &app.arg, "");
        super::wait::run_queued(core, session);
    }
    let channel = session.channel();
    if channel.is_ready() && channel.state_generation == generation {
        drop(channel);
        ops::hangup(core, session, HangupCause::NORMAL_CLEARING);
    }
}

/// Runs application `name` on the session, on the calling thread: expands `${vars}` in
/// `arg`, fires CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE, leases the module while it runs.
/// A panicking application hangs its call up with `CRASH`; an error carrying a cause hangs up
/// with that cause.
/// `app_uuid` names this run in its events (FreeSWITCH's `app_uuid`); empty: a new one.
pub fn execute(
    core: Core,
    session: &SessionInner,
    name: &str,
    arg: &str,
    app_uuid: &str,
) -> Result<(), Error> {
    let Some(app) = core.inner().registry.read().applications.get(name).cloned() else {
        log(
            core,
            session,
            LogLevel::Err,
            format_args!("Invalid Application {name}"),
        );
        ops::hangup(core, session, HangupCause::DESTINATION_OUT_OF_ORDER);
        return Err(Error::not_found(format!("no application named {name}")));
    };
    let _lease = app.lease();
    let arg = {
        let channel = session.channel();
        expand_variables(arg, &|variable| channel.variable(variable))
    };
    // Only events carry it; a random id per application is not worth a syscall otherwise.
    let events = &core.inner().events;
    let application_uuid = if !app_uuid.is_empty() {
        app_uuid.to_owned()
    } else if events.wanted("CHANNEL_EXECUTE") || events.wanted("CHANNEL_EXECUTE_COMPLETE") {
        uuid::Uuid::new_v4().to_string()
    } else {
        String::new()
    };
    // An application may run inside another (a queued one while `park` waits): when it ends,
    // the outer one is current again.
    let outer = {
        let mut channel = session.channel();
        let outer = channel.current_application.take();
        channel.current_application = Some((name.to_owned(), arg.clone()));
        channel.set_variable("current_application", Some(name));
        channel.set_variable("current_application_data", Some(&arg));
        outer
    };
    log(
        core,
        session,
        LogLevel::Debug,
        format_args!("EXECUTE {} {name}({arg})", session.uuid),
    );
    fire_execute(
        core,
        session,
        "CHANNEL_EXECUTE",
        name,
        &arg,
        &application_uuid,
        None,
    );
    let handle = session.handle(core, app.module.id);
    let result = app
        .record
        .object
        .run(handle, arg.as_str().into())
        .into_result();
    let response = match &result {
        Ok(()) => "_none_".to_owned(),
        Err(error) => error.to_string(),
    };
    if let Err(error) = &result {
        let level = if error.kind == ErrorKind::HUNG_UP || error.kind == ErrorKind::INTERRUPTED {
            LogLevel::Debug
        } else {
            LogLevel::Err
        };
        log(
            core,
            session,
            level,
            format_args!("application {name} of {} failed: {error}", app.module.name),
        );
        let cause = if error.kind == ErrorKind::PANICKED {
            HangupCause::CRASH
        } else {
            error.cause
        };
        if cause != HangupCause::NONE {
            ops::hangup(core, session, cause);
        }
    }
    session.channel().current_application = outer;
    fire_execute(
        core,
        session,
        "CHANNEL_EXECUTE_COMPLETE",
        name,
        &arg,
        &application_uuid,
        Some(&response),
    );
    result
}

fn fire_execute(
    core: Core,
    session: &SessionInner,
    event_name: &str,
    app: &str,
    arg: &str,
    application_uuid: &str,
    response: Option<&str>,
) {
    session.fire_event(core, event_name, |event| {
        event
            .add_header("Application", app)
            .add_header("Application-Data", arg)
            .add_header("Application-UUID", application_uuid);
        if let Some(response) = response {
            event.add_header("Application-Response", response);
        }
    });
}
