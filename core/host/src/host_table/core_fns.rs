//! Host functions for logging, configuration, events, API commands, modules and status.

use abi_stable::std_types::{ROption, RResult, RStr, RString, RVec};
use ferroswitch_abi::{
    guard::guard, CoreStatus, Error, Event, HostCtx, InterfaceInfo, InterfaceKind, LogLevel,
    ModuleId, ModuleInfo, SessionId,
};

use super::{core, quiet};

pub extern "C" fn log(
    ctx: HostCtx,
    module: ModuleId,
    level: LogLevel,
    session: ROption<SessionId>,
    message: RStr<'_>,
) {
    quiet((), || {
        let core = core(ctx);
        let module_name = core.inner().modules.name_of(module);
        let uuid = session
            .into_option()
            .and_then(|id| core.inner().sessions.get(id))
            .map(|s| s.uuid.clone())
            .unwrap_or_default();
        core.inner()
            .logging
            .log(&core, level, &module_name, &uuid, message.as_str());
    });
}

pub extern "C" fn configuration(ctx: HostCtx, name: RStr<'_>) -> ROption<RString> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .config
            .configuration_text(name.as_str())
            .map(RString::from)
            .into()
    })
}

pub extern "C" fn section(ctx: HostCtx, name: RStr<'_>) -> ROption<RString> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .config
            .section_text(name.as_str())
            .map(RString::from)
            .into()
    })
}

pub extern "C" fn config_generation(ctx: HostCtx) -> u64 {
    quiet(0, || core(ctx).inner().config.generation())
}

pub extern "C" fn application_flags(
    ctx: HostCtx,
    name: RStr<'_>,
) -> ROption<ferroswitch_abi::AppFlags> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .registry
            .read()
            .applications
            .get(name.as_str())
            .map(|app| app.record.desc.flags)
            .into()
    })
}

pub extern "C" fn global_variable(ctx: HostCtx, name: RStr<'_>) -> ROption<RString> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .config
            .global(name.as_str())
            .map(RString::from)
            .into()
    })
}

pub extern "C" fn fire_event(ctx: HostCtx, _module: ModuleId, event: Event) {
    quiet((), || {
        let core = core(ctx);
        core.inner().events.fire(core, event);
    });
}

pub extern "C" fn event_wanted(ctx: HostCtx, name: RStr<'_>) -> bool {
    quiet(false, || core(ctx).inner().events.wanted(name.as_str()))
}

pub extern "C" fn event_handlers_active(ctx: HostCtx, module: ModuleId, active: bool) {
    quiet((), || {
        core(ctx).inner().events.set_module_active(module, active)
    });
}

pub extern "C" fn api_execute(
    ctx: HostCtx,
    command: RStr<'_>,
    args: RStr<'_>,
    session: ROption<SessionId>,
) -> RResult<RString, Error> {
    guard("api", || {
        crate::api::execute(
            core(ctx),
            command.as_str(),
            args.as_str(),
            session.into_option(),
        )
        .map(RString::from)
    })
}

pub extern "C" fn modules(ctx: HostCtx) -> RVec<ModuleInfo> {
    quiet(RVec::new(), || {
        let core = core(ctx);
        let listing = core.inner().registry.list(None);
        core.inner()
            .modules
            .list()
            .iter()
            .map(|slot| ModuleInfo {
                name: slot.name.as_str().into(),
                path: slot.path.display().to_string().into(),
                description: slot.description.as_str().into(),
                users: slot.users(),
                interfaces: listing
                    .iter()
                    .filter(|info| info.module.as_str() == slot.name)
                    .count() as u32,
            })
            .collect()
    })
}

pub extern "C" fn interfaces(ctx: HostCtx, kind: ROption<InterfaceKind>) -> RVec<InterfaceInfo> {
    quiet(RVec::new(), || {
        core(ctx).inner().registry.list(kind.into_option()).into()
    })
}

pub extern "C" fn module_load(ctx: HostCtx, name: RStr<'_>) -> RResult<RString, Error> {
    guard("load", || {
        let core = core(ctx);
        let slot = core.inner().modules.load(core, name.as_str())?;
        Ok(format!("loaded {} from {}", slot.name, slot.path.display()).into())
    })
}

pub extern "C" fn module_unload(ctx: HostCtx, name: RStr<'_>) -> RResult<RString, Error> {
    guard("unload", || {
        let core = core(ctx);
        core.inner().modules.unload(core, name.as_str())?;
        Ok(format!("unloaded {}", name.as_str()).into())
    })
}

pub extern "C" fn module_reload(ctx: HostCtx, name: RStr<'_>) -> RResult<RString, Error> {
    guard("reload", || {
        let core = core(ctx);
        let slot = core.inner().modules.reload(core, name.as_str())?;
        Ok(format!("reloaded {} from {}", slot.name, slot.path.display()).into())
    })
}

pub extern "C" fn reload_xml(ctx: HostCtx) -> RResult<RString, Error> {
    guard("reloadxml", || {
        let core = core(ctx);
        match core.inner().config.reload() {
            Ok(tree) => {
                for warning in &tree.warnings {
                    core.log(LogLevel::Warning, &warning.to_string());
                }
                Ok("Success".into())
            }
            Err(error) => {
                core.log(
                    LogLevel::Err,
                    &format!("reloadxml refused, the running configuration stays: {error}"),
                );
                Err(Error::failed(error.to_string()))
            }
        }
    })
}

pub extern "C" fn core_status(ctx: HostCtx) -> CoreStatus {
    let core = core(ctx);
    let inner = core.inner();
    let (per_second, per_second_peak, peak_5min) = inner.stats.rates();
    CoreStatus {
        version: env!("CARGO_PKG_VERSION").into(),
        uptime_us: inner.started.elapsed().as_micros() as u64,
        sessions_since_startup: inner.stats.created(),
        sessions_now: inner.sessions.count(),
        sessions_peak: inner.stats.peak(),
        sessions_peak_5min: peak_5min,
        sessions_per_second_now: per_second,
        sessions_per_second_peak: per_second_peak,
        max_sessions: inner.settings.max_sessions,
        max_sessions_per_second: inner.settings.sessions_per_second,
        accepting_calls: inner.sessions.accepting(),
    }
}

pub extern "C" fn run_task(
    ctx: HostCtx,
    mut task: ferroswitch_abi::host::task::FfiTaskBox,
) -> RResult<(), Error> {
    guard("run_task", || {
        core(ctx)
            .inner()
            .threads
            .execute(move || task.run())
            .map_err(|error| {
                Error::failed(format!(
                    "no thread for a background job (it stays queued): {error}"
                ))
            })
    })
}

pub extern "C" fn shutdown(ctx: HostCtx) {
    quiet((), || core(ctx).request_shutdown());
}
