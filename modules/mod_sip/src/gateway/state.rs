//! A gateway's registration state and status, with FreeSWITCH's names: what `sofia status
//! gateway` prints and `sofia::gateway_state` events carry.

use std::fmt;

/// Where a gateway's registration stands (mod_sofia's `reg_state_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GatewayState {
    /// Not registered; a REGISTER is about to go.
    Unreged,
    /// A REGISTER is out, no final answer yet.
    Trying,
    /// A 2xx arrived; REGED follows at once.
    Register,
    /// Registered; a refresh is scheduled before the binding expires.
    Reged,
    /// An unregister (Expires: 0) is out.
    Unregister,
    /// The REGISTER was refused; FAIL_WAIT follows at once.
    Failed,
    /// Waiting `retry-seconds` (times the failures in a row) before the next attempt.
    FailWait,
    /// The binding expired.
    Expired,
    /// `register=false`: nothing to keep up.
    Noreg,
    /// Stopped.
    Down,
    /// The REGISTER got no answer at all; FAILED follows at once.
    Timeout,
}

impl GatewayState {
    /// FreeSWITCH's name.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayState::Unreged => "UNREGED",
            GatewayState::Trying => "TRYING",
            GatewayState::Register => "REGISTER",
            GatewayState::Reged => "REGED",
            GatewayState::Unregister => "UNREGISTER",
            GatewayState::Failed => "FAILED",
            GatewayState::FailWait => "FAIL_WAIT",
            GatewayState::Expired => "EXPIRED",
            GatewayState::Noreg => "NOREG",
            GatewayState::Down => "DOWN",
            GatewayState::Timeout => "TIMEOUT",
        }
    }
}

impl fmt::Display for GatewayState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether calls may go through the gateway (mod_sofia's `sofia_gateway_status_t`, shown
/// as `Status` and sent as `Ping-Status`). A registering gateway is up once registered and
/// down after a failure; one that does not register is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GatewayStatus {
    /// Calls are refused with GATEWAY_DOWN.
    Down,
    /// Calls go through.
    Up,
}

impl GatewayStatus {
    /// FreeSWITCH's name.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Down => "DOWN",
            GatewayStatus::Up => "UP",
        }
    }
}
