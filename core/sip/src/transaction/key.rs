//! Transaction matching (RFC 3261 §17.1.3, §17.2.3).

use crate::message::{HeaderError, Method, Request, Response};

/// What identifies a server transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ServerKey {
    /// RFC 3261: the top Via's branch and sent-by, and the method (ACK counts as INVITE).
    Branch {
        branch: String,
        sent_by: String,
        method: Method,
    },
    /// RFC 2543 peers have no unique branch: Request-URI, From tag, Call-ID, CSeq, top Via.
    Legacy {
        request_uri: String,
        from_tag: String,
        call_id: String,
        seq: u32,
        method: Method,
        via: String,
    },
}

impl ServerKey {
    /// The key of `request`, matching as `method` (INVITE for an ACK or a CANCEL's target).
    pub(crate) fn of(request: &Request, method: Method) -> Result<ServerKey, HeaderError> {
        let via = request.headers.top_via()?;
        if via.has_rfc3261_branch() {
            return Ok(ServerKey::Branch {
                branch: via.branch().unwrap_or_default().to_owned(),
                sent_by: via.sent_by().to_ascii_lowercase(),
                method,
            });
        }
        let h = &request.headers;
        Ok(ServerKey::Legacy {
            request_uri: request.uri.to_string(),
            from_tag: h.from()?.tag().unwrap_or_default().to_owned(),
            call_id: h.call_id()?.to_owned(),
            seq: h.cseq()?.seq,
            method,
            // Without received/rport, which this layer adds on arrival: a retransmission
            // arrives without them too.
            via: format!(
                "{}/{} {} {}",
                via.protocol,
                via.transport,
                via.sent_by(),
                via.branch().unwrap_or_default()
            ),
        })
    }
}

/// What identifies a client transaction: the branch it sent and the CSeq method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClientKey {
    pub(crate) branch: String,
    pub(crate) method: Method,
}

impl ClientKey {
    pub(crate) fn of_response(response: &Response) -> Result<ClientKey, HeaderError> {
        let via = response.headers.top_via()?;
        Ok(ClientKey {
            branch: via.branch().unwrap_or_default().to_owned(),
            method: response.headers.cseq()?.method,
        })
    }
}

/// What identifies the 2xx an ACK acknowledges: the dialog and the INVITE's CSeq number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AckKey {
    pub(crate) call_id: String,
    pub(crate) from_tag: String,
    pub(crate) seq: u32,
}

impl AckKey {
    pub(crate) fn of(request: &Request) -> Result<AckKey, HeaderError> {
        let h = &request.headers;
        Ok(AckKey {
            call_id: h.call_id()?.to_owned(),
            from_tag: h.from()?.tag().unwrap_or_default().to_owned(),
            seq: h.cseq()?.seq,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    fn req(via: &str, method: &str) -> Request {
        let raw = format!(
            "{method} sip:b@b SIP/2.0\r\nVia: {via}\r\nFrom: <sip:a@a>;tag=f\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: 1 {method}\r\n\r\n"
        );
        match Message::parse(raw.as_bytes()).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn ack_and_cancel_find_the_invite_by_branch() {
        let invite = ServerKey::of(
            &req("SIP/2.0/UDP h;branch=z9hG4bK1", "INVITE"),
            Method::Invite,
        )
        .unwrap();
        let ack =
            ServerKey::of(&req("SIP/2.0/UDP h;branch=z9hG4bK1", "ACK"), Method::Invite).unwrap();
        let cancel_target = ServerKey::of(
            &req("SIP/2.0/UDP H;branch=z9hG4bK1", "CANCEL"),
            Method::Invite,
        )
        .unwrap();
        assert_eq!(invite, ack);
        assert_eq!(invite, cancel_target);
        let cancel = ServerKey::of(
            &req("SIP/2.0/UDP h;branch=z9hG4bK1", "CANCEL"),
            Method::Cancel,
        )
        .unwrap();
        assert_ne!(invite, cancel);
        let other = ServerKey::of(
            &req("SIP/2.0/UDP h2;branch=z9hG4bK1", "INVITE"),
            Method::Invite,
        )
        .unwrap();
        assert_ne!(
            invite, other,
            "same branch from another sent-by is another transaction"
        );
    }

    #[test]
    fn branches_without_the_cookie_fall_back_to_rfc_2543_matching() {
        let a = ServerKey::of(
            &req("SIP/2.0/UDP h;branch=z9hG4bK", "OPTIONS"),
            Method::Options,
        )
        .unwrap();
        assert!(matches!(a, ServerKey::Legacy { .. }));
        let b = ServerKey::of(&req("SIP/2.0/UDP h", "OPTIONS"), Method::Options).unwrap();
        assert_eq!(
            a,
            ServerKey::of(
                &req("SIP/2.0/UDP h;branch=z9hG4bK", "OPTIONS"),
                Method::Options
            )
            .unwrap()
        );
        assert_ne!(a, b, "the top Via differs");
    }
}
