//! The one exported root of every module, and the macro that exports it.

use abi_stable::{
    declare_root_module_statics,
    library::RootModule,
    package_version_strings,
    sabi_types::VersionStrings,
    std_types::{RResult, RStr},
    StableAbi,
};

use crate::{registrar::FfiRegistrarMut, Error, Host};

/// A module's root: its name, and the entry points the core calls. A prefix type: fields are
/// only ever appended, so an older core can still load a newer module.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = ModuleRef)))]
#[sabi(missing_field(option))]
pub struct Module {
    /// The module's name (`mod_console`).
    pub name: RStr<'static>,
    /// What it does, for `show modules`.
    pub description: RStr<'static>,
    /// Registers the module's interfaces. Failing undoes every registration.
    pub load: extern "C" fn(Host, FfiRegistrarMut<'_>) -> RResult<(), Error>,
    /// Stops the module's threads and releases what it holds.
    pub shutdown: Option<extern "C" fn(Host) -> RResult<(), Error>>,
    /// Runs on a thread of its own after `load`, until it returns (after `shutdown`).
    #[sabi(last_prefix_field)]
    pub runtime: Option<extern "C" fn(Host) -> RResult<(), Error>>,
}

impl RootModule for ModuleRef {
    declare_root_module_statics! {ModuleRef}
    const BASE_NAME: &'static str = "ferroswitch_module";
    const NAME: &'static str = "ferroswitch module";
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}

/// Exports a module's root, with every entry point panic-contained. One line per module:
///
/// ```ignore
/// ferroswitch_abi::export_module!(
///     name: "mod_example",
///     description: "An example",
///     load: load,              // fn(Host, &mut Registrar<'_>) -> Result<(), Error>
///     shutdown: shutdown,      // optional: fn(Host) -> Result<(), Error>
///     runtime: runtime,        // optional: fn(Host) -> Result<(), Error>
/// );
/// ```
#[macro_export]
macro_rules! export_module {
    (
        name: $name:literal,
        description: $description:literal,
        load: $load:path
        $(, shutdown: $shutdown:path)?
        $(, runtime: $runtime:path)?
        $(,)?
    ) => {
        #[::abi_stable::export_root_module]
        pub fn ferroswitch_root_module() -> $crate::ModuleRef {
            use ::abi_stable::prefix_type::PrefixTypeTrait;

            extern "C" fn load_entry(
                host: $crate::Host,
                registrar: $crate::FfiRegistrarMut<'_>,
            ) -> ::abi_stable::std_types::RResult<(), $crate::Error> {
                $crate::guard::guard(concat!($name, " load"), || {
                    let mut registrar = $crate::Registrar::new(registrar);
                    $load(host, &mut registrar)
                })
            }

            #[allow(unused_mut, unused_assignments)]
            let mut shutdown: Option<extern "C" fn($crate::Host) -> ::abi_stable::std_types::RResult<(), $crate::Error>> = None;
            $(
                extern "C" fn shutdown_entry(host: $crate::Host) -> ::abi_stable::std_types::RResult<(), $crate::Error> {
                    $crate::guard::guard(concat!($name, " shutdown"), || $shutdown(host))
                }
                shutdown = Some(shutdown_entry);
            )?

            #[allow(unused_mut, unused_assignments)]
            let mut runtime: Option<extern "C" fn($crate::Host) -> ::abi_stable::std_types::RResult<(), $crate::Error>> = None;
            $(
                extern "C" fn runtime_entry(host: $crate::Host) -> ::abi_stable::std_types::RResult<(), $crate::Error> {
                    $crate::guard::guard(concat!($name, " runtime"), || $runtime(host))
                }
                runtime = Some(runtime_entry);
            )?

            $crate::Module {
                name: ::abi_stable::std_types::RStr::from_str($name),
                description: ::abi_stable::std_types::RStr::from_str($description),
                load: load_entry,
                shutdown,
                runtime,
            }
            .leak_into_prefix()
        }
    };
}
