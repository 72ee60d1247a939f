//! The host functions modules call, behind the ABI's [`HostTable`]. Every function contains
//! its own panics (a panic must not unwind into a module) and answers with an error value.

mod core_fns;
pub mod media;
mod session_media;
mod sessions;

use std::panic::{catch_unwind, AssertUnwindSafe};

use abi_stable::prefix_type::PrefixTypeTrait;
use abi_stable::std_types::RResult;
use ferroswitch_abi::{guard::guard, Error, HostCtx, HostTable, HostTableRef, SessionId};

use crate::core::Core;
use crate::session::SessionRef;

/// The table handed to every module.
pub fn table() -> HostTableRef {
    HostTable {
        log: core_fns::log,
        configuration: core_fns::configuration,
        section: core_fns::section,
        config_generation: core_fns::config_generation,
        application_flags: core_fns::application_flags,
        global_variable: core_fns::global_variable,
        fire_event: core_fns::fire_event,
        event_wanted: core_fns::event_wanted,
        api_execute: core_fns::api_execute,
        session_create: sessions::session_create,
        session_locate: sessions::session_locate,
        session_uuid: sessions::session_uuid,
        channel_variable: sessions::channel_variable,
        channel_set_variable: sessions::channel_set_variable,
        channel_variables: sessions::channel_variables,
        channel_state: sessions::channel_state,
        channel_set_state: sessions::channel_set_state,
        channel_flags: sessions::channel_flags,
        channel_caller_profile: sessions::channel_caller_profile,
        channel_hangup_cause: sessions::channel_hangup_cause,
        session_answer: sessions::session_answer,
        session_hangup: sessions::session_hangup,
        session_sleep: sessions::session_sleep,
        session_park: sessions::session_park,
        session_execute: sessions::session_execute,
        session_add_state_handler: sessions::session_add_state_handler,
        session_read_frame: sessions::session_read_frame,
        session_write_frame: sessions::session_write_frame,
        session_send_dtmf: sessions::session_send_dtmf,
        channel_queue_dtmf: sessions::channel_queue_dtmf,
        channel_dequeue_dtmf: sessions::channel_dequeue_dtmf,
        session_message: sessions::session_message,
        session_transfer: sessions::session_transfer,
        originate: sessions::originate,
        session_run_extension: sessions::session_run_extension,
        channel_event_data: sessions::channel_event_data,
        channels: sessions::channels,
        hangup_all: sessions::hangup_all,
        codec_encoder: media::codec_encoder,
        codec_decoder: media::codec_decoder,
        file_open_read: media::file_open_read,
        file_open_write: media::file_open_write,
        timer_start: media::timer_start,
        modules: core_fns::modules,
        interfaces: core_fns::interfaces,
        module_load: core_fns::module_load,
        module_unload: core_fns::module_unload,
        module_reload: core_fns::module_reload,
        reload_xml: core_fns::reload_xml,
        core_status: core_fns::core_status,
        session_queue_application: sessions::session_queue_application,
        session_break: sessions::session_break,
        run_task: core_fns::run_task,
        shutdown: core_fns::shutdown,
        session_set_media: session_media::session_set_media,
        session_media: session_media::session_media,
        session_read_audio: session_media::session_read_audio,
        session_write_audio: session_media::session_write_audio,
        session_bridge: session_media::session_bridge,
        dialplan_hunt: session_media::dialplan_hunt,
        session_tap_start: session_media::session_tap_start,
        session_tap_stop: session_media::session_tap_stop,
        event_handlers_active: core_fns::event_handlers_active,
    }
    .leak_into_prefix()
}

fn core(ctx: HostCtx) -> Core {
    // SAFETY: modules only ever receive contexts made by `CoreInner::host_ctx`.
    unsafe { Core::from_ctx(ctx) }
}

/// Runs `body`, turning a panic into `default`.
fn quiet<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// Runs `body` with the session `id`, or fails naming the missing session.
fn with_session<T>(
    ctx: HostCtx,
    id: SessionId,
    what: &str,
    body: impl FnOnce(Core, SessionRef) -> Result<T, Error>,
) -> RResult<T, Error> {
    guard(what, || {
        let core = core(ctx);
        let session = core
            .inner()
            .sessions
            .get(id)
            .ok_or_else(|| Error::not_found(format!("{what}: no {id}")))?;
        body(core, session)
    })
}
