//! Dialplans: given a session in ROUTING, the list of applications to run.

use abi_stable::{
    sabi_trait,
    std_types::{RBox, ROption, RResult, RStr, RString, RVec},
    StableAbi,
};

use crate::{guard::guard, CallerProfile, Error, Session};

/// What `show dialplan` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct DialplanDesc {
    /// The dialplan's name (`XML`, `inline`).
    pub name: RString,
}

/// One application of an extension, with its argument string.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct ExtensionApp {
    pub name: RString,
    pub arg: RString,
}

/// What a hunt found: FreeSWITCH's caller extension.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The extension's name.
    pub name: RString,
    /// The number it matched.
    pub number: RString,
    /// The applications to run, in order.
    pub applications: RVec<ExtensionApp>,
}

/// A dialplan, as a module author writes it.
pub trait Dialplan: Send + Sync + 'static {
    /// Hunts for what `session` should do. `arg` is the text after the dialplan's name when
    /// a dialplan string names several (`XML:some-arg`), else empty. `Ok(None)` means no
    /// route: the core hangs up with `NO_ROUTE_DESTINATION`.
    fn hunt(
        &self,
        session: Session,
        caller: &CallerProfile,
        arg: &str,
    ) -> Result<Option<Extension>, Error>;
}

/// The FFI-safe form of [`Dialplan`].
#[sabi_trait]
pub trait FfiDialplan: Send + Sync {
    fn hunt(
        &self,
        session: Session,
        caller: &CallerProfile,
        arg: RStr<'_>,
    ) -> RResult<ROption<Extension>, Error>;
}

/// An owned FFI dialplan object.
pub type FfiDialplanBox = FfiDialplan_TO<'static, RBox<()>>;

struct Guarded<D>(D);

impl<D: Dialplan> FfiDialplan for Guarded<D> {
    fn hunt(
        &self,
        session: Session,
        caller: &CallerProfile,
        arg: RStr<'_>,
    ) -> RResult<ROption<Extension>, Error> {
        guard("dialplan", || {
            self.0
                .hunt(session, caller, arg.as_str())
                .map(ROption::from)
        })
    }
}

/// A dialplan ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct DialplanRecord {
    pub desc: DialplanDesc,
    pub object: FfiDialplanBox,
}

impl DialplanRecord {
    /// Wraps `dialplan` so that every hunt is panic-contained.
    pub fn new(desc: DialplanDesc, dialplan: impl Dialplan) -> Self {
        Self {
            desc,
            object: FfiDialplan_TO::from_value(
                Guarded(dialplan),
                abi_stable::sabi_trait::TD_Opaque,
            ),
        }
    }
}
