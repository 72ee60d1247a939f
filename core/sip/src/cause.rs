//! SIP status codes to Q.850 hangup causes and back, as FreeSWITCH's mod_sofia maps them.
//!
//! The two directions are deliberately not inverses: `sofia_glue_sip_cause_to_freeswitch`
//! follows RFC 4497 §8.4.4 (SIP → QSIG) and `hangup_cause_to_sip` follows §8.4.1 (QSIG → SIP),
//! so for example 404 becomes UNALLOCATED_NUMBER (1) while NO_ROUTE_DESTINATION (3) becomes 404,
//! and 480 becomes NO_USER_RESPONSE (18) while NO_USER_RESPONSE becomes 408. Existing dialplans
//! and CDR tooling depend on these exact pairs, so the tables below copy FreeSWITCH's behaviour
//! case by case, not the RFC's prose.
//!
//! Causes are plain `u16` codes: the Q.850 values (1..=127) plus FreeSWITCH's own range
//! (ORIGINATOR_CANCEL = 487, 500..=613), named in comments with FreeSWITCH's spelling.

/// The Q.850 cause FreeSWITCH records when a call leg ends with SIP `status`
/// (`sofia_glue_sip_cause_to_freeswitch`). Unlisted codes give NORMAL_UNSPECIFIED (31).
pub fn sip_status_to_cause(status: u16) -> u16 {
    match status {
        200 => 16,                                            // NORMAL_CLEARING
        401 | 402 | 403 | 407 | 603 => 21,                    // CALL_REJECTED
        404 => 1,                                             // UNALLOCATED_NUMBER
        485 | 604 => 3,                                       // NO_ROUTE_DESTINATION
        408 | 504 => 102,                                     // RECOVERY_ON_TIMER_EXPIRE
        410 => 22,                                            // NUMBER_CHANGED
        413 | 414 | 416 | 420 | 421 | 423 | 505 | 513 => 127, // INTERWORKING
        480 => 18,                                            // NO_USER_RESPONSE
        400 | 481 | 500 | 503 => 41,                          // NORMAL_TEMPORARY_FAILURE
        486 | 600 => 17,                                      // USER_BUSY
        484 => 28,                                            // INVALID_NUMBER_FORMAT
        488 | 606 => 88,                                      // INCOMPATIBLE_DESTINATION
        502 => 38,                                            // NETWORK_OUT_OF_ORDER
        405 => 63,                                            // SERVICE_UNAVAILABLE
        406 | 415 | 501 => 79,                                // SERVICE_NOT_IMPLEMENTED
        482 | 483 => 25,                                      // EXCHANGE_ROUTING_ERROR
        487 => 487,                                           // ORIGINATOR_CANCEL
        _ => 31,                                              // NORMAL_UNSPECIFIED
    }
}

/// The SIP status FreeSWITCH answers an unanswered inbound INVITE with when the channel hangs
/// up with `cause` (`hangup_cause_to_sip`). Unlisted causes give 480.
pub fn cause_to_sip_status(cause: u16) -> u16 {
    match cause {
        // UNALLOCATED_NUMBER, NO_ROUTE_TRANSIT_NET, NO_ROUTE_DESTINATION
        1..=3 => 404,
        17 => 486, // USER_BUSY
        18 => 408, // NO_USER_RESPONSE
        // NO_ANSWER, SUBSCRIBER_ABSENT
        19 | 20 => 480,
        21 => 603, // CALL_REJECTED
        // NUMBER_CHANGED, REDIRECTION_TO_NEW_DESTINATION
        22 | 23 => 410,
        // DESTINATION_OUT_OF_ORDER, INVALID_PROFILE
        27 | 611 => 502,
        // INVALID_NUMBER_FORMAT, INVALID_URL, INVALID_GATEWAY
        28 | 610 | 608 => 484,
        29 => 501, // FACILITY_REJECTED
        31 => 480, // NORMAL_UNSPECIFIED
        // REQUESTED_CHAN_UNAVAIL, NORMAL_CIRCUIT_CONGESTION, NETWORK_OUT_OF_ORDER,
        // NORMAL_TEMPORARY_FAILURE, SWITCH_CONGESTION, GATEWAY_DOWN
        44 | 34 | 38 | 41 | 42 | 609 => 503,
        // OUTGOING_CALL_BARRED, INCOMING_CALL_BARRED, BEARERCAPABILITY_NOTAUTH
        52 | 54 | 57 => 403,
        58 => 503, // BEARERCAPABILITY_NOTAVAIL
        // BEARERCAPABILITY_NOTIMPL, INCOMPATIBLE_DESTINATION
        65 | 88 => 488,
        // FACILITY_NOT_IMPLEMENTED, SERVICE_NOT_IMPLEMENTED
        69 | 79 => 501,
        102 => 504, // RECOVERY_ON_TIMER_EXPIRE
        487 => 487, // ORIGINATOR_CANCEL
        25 => 483,  // EXCHANGE_ROUTING_ERROR
        _ => 480,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_to_cause_matches_freeswitch_table() {
        let table: &[(u16, u16)] = &[
            (200, 16),
            (401, 21),
            (402, 21),
            (403, 21),
            (407, 21),
            (603, 21),
            (404, 1),
            (485, 3),
            (604, 3),
            (408, 102),
            (504, 102),
            (410, 22),
            (413, 127),
            (414, 127),
            (416, 127),
            (420, 127),
            (421, 127),
            (423, 127),
            (505, 127),
            (513, 127),
            (480, 18),
            (400, 41),
            (481, 41),
            (500, 41),
            (503, 41),
            (486, 17),
            (600, 17),
            (484, 28),
            (488, 88),
            (606, 88),
            (502, 38),
            (405, 63),
            (406, 79),
            (415, 79),
            (501, 79),
            (482, 25),
            (483, 25),
            (487, 487),
            // Not in FreeSWITCH's switch: NORMAL_UNSPECIFIED.
            (180, 31),
            (302, 31),
            (422, 31),
            (699, 31),
        ];
        for &(status, cause) in table {
            assert_eq!(sip_status_to_cause(status), cause, "SIP {status}");
        }
    }

    #[test]
    fn cause_to_sip_matches_freeswitch_table() {
        let table: &[(u16, u16)] = &[
            (1, 404),
            (2, 404),
            (3, 404),
            (17, 486),
            (18, 408),
            (19, 480),
            (20, 480),
            (21, 603),
            (22, 410),
            (23, 410),
            (27, 502),
            (611, 502),
            (28, 484),
            (610, 484),
            (608, 484),
            (29, 501),
            (31, 480),
            (34, 503),
            (38, 503),
            (41, 503),
            (42, 503),
            (44, 503),
            (609, 503),
            (52, 403),
            (54, 403),
            (57, 403),
            (58, 503),
            (65, 488),
            (88, 488),
            (69, 501),
            (79, 501),
            (102, 504),
            (487, 487),
            (25, 483),
            // Everything else, NORMAL_CLEARING included, falls to the default.
            (16, 480),
            (127, 480),
            (500, 480),
            (607, 480),
        ];
        for &(cause, status) in table {
            assert_eq!(cause_to_sip_status(cause), status, "cause {cause}");
        }
    }

    #[test]
    fn the_two_directions_differ_where_freeswitch_differs() {
        // 480 -> NO_USER_RESPONSE -> 408, not back to 480.
        assert_eq!(cause_to_sip_status(sip_status_to_cause(480)), 408);
        // 404 -> UNALLOCATED_NUMBER -> 404 round-trips; 485 -> NO_ROUTE_DESTINATION -> 404 does not.
        assert_eq!(cause_to_sip_status(sip_status_to_cause(404)), 404);
        assert_eq!(cause_to_sip_status(sip_status_to_cause(485)), 404);
    }
}
