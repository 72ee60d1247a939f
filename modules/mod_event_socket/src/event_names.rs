//! The event names a client may subscribe to, as FreeSWITCH knows them (`EVENT_NAMES` in
//! `switch_event.c`), and how a name a client writes is looked up (`switch_name_event`).

/// Every event name FreeSWITCH defines, `ALL` last.
pub const EVENT_NAMES: &[&str] = &[
    "CUSTOM",
    "CLONE",
    "CHANNEL_CREATE",
    "CHANNEL_DESTROY",
    "CHANNEL_STATE",
    "CHANNEL_CALLSTATE",
    "CHANNEL_ANSWER",
    "CHANNEL_HANGUP",
    "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_HOLD",
    "CHANNEL_UNHOLD",
    "CHANNEL_BRIDGE",
    "CHANNEL_UNBRIDGE",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_OUTGOING",
    "CHANNEL_PARK",
    "CHANNEL_UNPARK",
    "CHANNEL_APPLICATION",
    "CHANNEL_ORIGINATE",
    "CHANNEL_UUID",
    "API",
    "LOG",
    "INBOUND_CHAN",
    "OUTBOUND_CHAN",
    "STARTUP",
    "SHUTDOWN",
    "PUBLISH",
    "UNPUBLISH",
    "TALK",
    "NOTALK",
    "SESSION_CRASH",
    "MODULE_LOAD",
    "MODULE_UNLOAD",
    "DTMF",
    "MESSAGE",
    "PRESENCE_IN",
    "NOTIFY_IN",
    "PRESENCE_OUT",
    "PRESENCE_PROBE",
    "MESSAGE_WAITING",
    "MESSAGE_QUERY",
    "ROSTER",
    "CODEC",
    "BACKGROUND_JOB",
    "DETECTED_SPEECH",
    "DETECTED_TONE",
    "PRIVATE_COMMAND",
    "HEARTBEAT",
    "TRAP",
    "ADD_SCHEDULE",
    "DEL_SCHEDULE",
    "EXE_SCHEDULE",
    "RE_SCHEDULE",
    "RELOADXML",
    "NOTIFY",
    "PHONE_FEATURE",
    "PHONE_FEATURE_SUBSCRIBE",
    "SEND_MESSAGE",
    "RECV_MESSAGE",
    "REQUEST_PARAMS",
    "CHANNEL_DATA",
    "GENERAL",
    "COMMAND",
    "SESSION_HEARTBEAT",
    "CLIENT_DISCONNECTED",
    "SERVER_DISCONNECTED",
    "SEND_INFO",
    "RECV_INFO",
    "RECV_RTCP_MESSAGE",
    "CALL_SECURE",
    "NAT",
    "RECORD_START",
    "RECORD_STOP",
    "PLAYBACK_START",
    "PLAYBACK_STOP",
    "CALL_UPDATE",
    "FAILURE",
    "SOCKET_DATA",
    "MEDIA_BUG_START",
    "MEDIA_BUG_STOP",
    "CONFERENCE_DATA_QUERY",
    "CONFERENCE_DATA",
    "CALL_SETUP_REQ",
    "CALL_SETUP_RESULT",
    "CALL_DETAIL",
    "DEVICE_STATE",
    "REAL_TIME_TEXT",
    "ALL",
];

/// The events `myevents` subscribes to: those about one channel.
pub const MYEVENTS: &[&str] = &[
    "CHANNEL_ANSWER",
    "CHANNEL_APPLICATION",
    "CHANNEL_BRIDGE",
    "CHANNEL_CREATE",
    "CHANNEL_DATA",
    "CHANNEL_DESTROY",
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_HANGUP",
    "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_ORIGINATE",
    "CHANNEL_UUID",
    "CHANNEL_OUTGOING",
    "CHANNEL_PARK",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_STATE",
    "CHANNEL_UNBRIDGE",
    "CHANNEL_UNPARK",
    "DETECTED_SPEECH",
    "DTMF",
    "NOTALK",
    "TALK",
];

/// The canonical name a client's word stands for: any case, and FreeSWITCH also takes the
/// C enum's spelling (`SWITCH_EVENT_CHANNEL_ANSWER`: anything longer than 13 characters is
/// also compared without its first 13).
pub fn lookup(word: &str) -> Option<&'static str> {
    let shortened = word.get(13..).filter(|_| word.len() > 13);
    EVENT_NAMES.iter().copied().find(|name| {
        name.eq_ignore_ascii_case(word)
            || shortened.is_some_and(|rest| name.eq_ignore_ascii_case(rest))
    })
}

/// The canonical spelling of an event's own name, if FreeSWITCH knows it.
pub fn canonical(name: &str) -> Option<&'static str> {
    EVENT_NAMES.iter().copied().find(|known| *known == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_any_case() {
        assert_eq!(lookup("channel_answer"), Some("CHANNEL_ANSWER"));
        assert_eq!(lookup("ALL"), Some("ALL"));
        assert_eq!(lookup("Custom"), Some("CUSTOM"));
        assert_eq!(lookup("NOPE"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn the_c_enum_spelling_works_too() {
        assert_eq!(
            lookup("SWITCH_EVENT_CHANNEL_HANGUP"),
            Some("CHANNEL_HANGUP")
        );
        assert_eq!(lookup("xxxxxxxxxxxxxHEARTBEAT"), Some("HEARTBEAT"));
        // Not a character boundary at 13: no panic, no match.
        assert_eq!(lookup("éééééééééééééé"), None);
    }

    #[test]
    fn myevents_names_are_known_names() {
        for name in MYEVENTS {
            assert_eq!(canonical(name), Some(*name));
        }
        assert_eq!(EVENT_NAMES.last(), Some(&"ALL"));
    }
}
