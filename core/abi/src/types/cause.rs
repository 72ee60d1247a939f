//! Hangup causes: Q.850 numbers and FreeSWITCH's names.

use std::fmt;

use abi_stable::StableAbi;

/// Why a call ended. A number rather than an enum so causes from the wire that we do not name
/// still travel intact.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HangupCause(pub u16);

macro_rules! causes {
    ($($name:ident = $number:literal,)*) => {
        impl HangupCause {
            $(
                #[doc = concat!("`", stringify!($name), "` (", stringify!($number), ")")]
                pub const $name: HangupCause = HangupCause($number);
            )*

            /// Every named cause, in number order.
            pub const NAMED: &'static [(HangupCause, &'static str)] =
                &[$((HangupCause($number), stringify!($name)),)*];
        }
    };
}

causes! {
    NONE = 0,
    UNALLOCATED_NUMBER = 1,
    NO_ROUTE_TRANSIT_NET = 2,
    NO_ROUTE_DESTINATION = 3,
    CHANNEL_UNACCEPTABLE = 6,
    CALL_AWARDED_DELIVERED = 7,
    NORMAL_CLEARING = 16,
    USER_BUSY = 17,
    NO_USER_RESPONSE = 18,
    NO_ANSWER = 19,
    SUBSCRIBER_ABSENT = 20,
    CALL_REJECTED = 21,
    NUMBER_CHANGED = 22,
    REDIRECTION_TO_NEW_DESTINATION = 23,
    EXCHANGE_ROUTING_ERROR = 25,
    DESTINATION_OUT_OF_ORDER = 27,
    INVALID_NUMBER_FORMAT = 28,
    FACILITY_REJECTED = 29,
    RESPONSE_TO_STATUS_ENQUIRY = 30,
    NORMAL_UNSPECIFIED = 31,
    NORMAL_CIRCUIT_CONGESTION = 34,
    NETWORK_OUT_OF_ORDER = 38,
    NORMAL_TEMPORARY_FAILURE = 41,
    SWITCH_CONGESTION = 42,
    ACCESS_INFO_DISCARDED = 43,
    REQUESTED_CHAN_UNAVAIL = 44,
    PRE_EMPTED = 45,
    FACILITY_NOT_SUBSCRIBED = 50,
    OUTGOING_CALL_BARRED = 52,
    INCOMING_CALL_BARRED = 54,
    BEARERCAPABILITY_NOTAUTH = 57,
    BEARERCAPABILITY_NOTAVAIL = 58,
    SERVICE_UNAVAILABLE = 63,
    BEARERCAPABILITY_NOTIMPL = 65,
    CHAN_NOT_IMPLEMENTED = 66,
    FACILITY_NOT_IMPLEMENTED = 69,
    SERVICE_NOT_IMPLEMENTED = 79,
    INVALID_CALL_REFERENCE = 81,
    INCOMPATIBLE_DESTINATION = 88,
    INVALID_MSG_UNSPECIFIED = 95,
    MANDATORY_IE_MISSING = 96,
    MESSAGE_TYPE_NONEXIST = 97,
    WRONG_MESSAGE = 98,
    IE_NONEXIST = 99,
    INVALID_IE_CONTENTS = 100,
    WRONG_CALL_STATE = 101,
    RECOVERY_ON_TIMER_EXPIRE = 102,
    MANDATORY_IE_LENGTH_ERROR = 103,
    PROTOCOL_ERROR = 111,
    INTERWORKING = 127,
    SUCCESS = 142,
    ORIGINATOR_CANCEL = 487,
    CRASH = 500,
    SYSTEM_SHUTDOWN = 501,
    LOSE_RACE = 502,
    MANAGER_REQUEST = 503,
    BLIND_TRANSFER = 600,
    ATTENDED_TRANSFER = 601,
    ALLOTTED_TIMEOUT = 602,
    USER_CHALLENGE = 603,
    MEDIA_TIMEOUT = 604,
    PICKED_OFF = 605,
    USER_NOT_REGISTERED = 606,
    PROGRESS_TIMEOUT = 607,
    INVALID_GATEWAY = 608,
    GATEWAY_DOWN = 609,
    INVALID_URL = 610,
    INVALID_PROFILE = 611,
    NO_PICKUP = 612,
    SRTP_READ_ERROR = 613,
    BOWOUT = 614,
    BUSY_EVERYWHERE = 615,
    DECLINE = 616,
    DOES_NOT_EXIST_ANYWHERE = 617,
    NOT_ACCEPTABLE = 618,
    UNWANTED = 619,
    NO_IDENTITY = 620,
    BAD_IDENTITY_INFO = 621,
    UNSUPPORTED_CERTIFICATE = 622,
    INVALID_IDENTITY = 623,
    STALE_DATE = 624,
    REJECT_ALL = 625,
}

impl HangupCause {
    /// FreeSWITCH's name, e.g. `NORMAL_CLEARING`; `UNKNOWN` for a number we do not name.
    pub fn name(self) -> &'static str {
        Self::NAMED
            .iter()
            .find(|(cause, _)| *cause == self)
            .map_or("UNKNOWN", |(_, name)| name)
    }

    /// The cause for `text`: a name (any case) or a number, as `hangup` and `uuid_kill` accept.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(number) = text.parse::<u16>() {
            return Some(HangupCause(number));
        }
        Self::NAMED
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(text))
            .map(|(cause, _)| *cause)
    }

    /// The Q.850 number.
    pub fn number(self) -> u16 {
        self.0
    }
}

impl fmt::Display for HangupCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        assert_eq!(
            HangupCause::parse("normal_clearing"),
            Some(HangupCause::NORMAL_CLEARING)
        );
        assert_eq!(HangupCause::parse("17"), Some(HangupCause::USER_BUSY));
        assert_eq!(HangupCause::SYSTEM_SHUTDOWN.name(), "SYSTEM_SHUTDOWN");
        assert_eq!(HangupCause(4000).name(), "UNKNOWN");
        assert_eq!(HangupCause::parse("NO_SUCH_CAUSE"), None);
    }
}
