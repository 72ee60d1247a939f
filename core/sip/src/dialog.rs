//! Dialogs (RFC 3261 §12): state created by INVITE and its 1xx/2xx, the route set, CSeq
//! bookkeeping, target refresh, and building in-dialog requests with loose or strict routing.

use crate::message::{CSeq, HeaderError, Method, NameAddr, Request, Response, Uri, Via};

/// What identifies a dialog from this side: Call-ID, our tag, their tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    /// The Call-ID.
    pub call_id: String,
    /// Our tag (From tag as UAC, To tag as UAS).
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
}

impl DialogId {
    /// The id of the dialog an arriving request belongs to (its To tag is ours).
    pub fn of_incoming_request(request: &Request) -> Result<DialogId, DialogError> {
        let h = &request.headers;
        Ok(DialogId {
            call_id: h.call_id()?.to_owned(),
            local_tag: h
                .to()?
                .tag()
                .ok_or(DialogError::MissingTag("To"))?
                .to_owned(),
            remote_tag: h
                .from()?
                .tag()
                .ok_or(DialogError::MissingTag("From"))?
                .to_owned(),
        })
    }

    /// The id of the dialog an arriving response belongs to (its From tag is ours).
    pub fn of_incoming_response(response: &Response) -> Result<DialogId, DialogError> {
        let h = &response.headers;
        Ok(DialogId {
            call_id: h.call_id()?.to_owned(),
            local_tag: h
                .from()?
                .tag()
                .ok_or(DialogError::MissingTag("From"))?
                .to_owned(),
            remote_tag: h
                .to()?
                .tag()
                .ok_or(DialogError::MissingTag("To"))?
                .to_owned(),
        })
    }
}

/// Early (after a 1xx with a To tag) or confirmed (after a 2xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogState {
    /// Created by a provisional response.
    Early,
    /// Created or confirmed by a 2xx.
    Confirmed,
}

/// Why a message cannot create or advance a dialog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialogError {
    /// A header the dialog needs is missing or malformed.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// A dialog needs both tags.
    #[error("missing tag in {0}")]
    MissingTag(&'static str),
    /// A dialog-creating message without a Contact (the remote target).
    #[error("missing Contact for the remote target")]
    MissingContact,
    /// Only 101-299 responses to INVITE create dialogs.
    #[error("status {0} does not create a dialog")]
    NotDialogCreating(u16),
    /// A request whose CSeq is not above the last one received (RFC 3261 §12.2.2).
    #[error("CSeq {received} is not above {last}")]
    OutOfOrder {
        /// The CSeq of the request.
        received: u32,
        /// The highest CSeq seen so far.
        last: u32,
    },
}

impl DialogError {
    /// The status to answer a request that failed with this error: 500 for an out-of-order
    /// CSeq (RFC 3261 §12.2.2), 400 otherwise.
    pub fn status(&self) -> (u16, &'static str) {
        match self {
            DialogError::OutOfOrder { .. } => (500, "CSeq Out of Order"),
            _ => (400, "Bad Request"),
        }
    }
}

/// One dialog, from either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// Call-ID and tags.
    pub id: DialogId,
    /// Early or confirmed.
    pub state: DialogState,
    /// Our address (From of our requests), with our tag.
    pub local_uri: NameAddr,
    /// Their address (To of our requests), with their tag.
    pub remote_uri: NameAddr,
    /// Where in-dialog requests go: the peer's latest Contact.
    pub remote_target: Uri,
    /// Proxies to route through, in the order our requests visit them.
    pub route_set: Vec<NameAddr>,
    /// The CSeq of our last request, if we sent one.
    pub local_seq: Option<u32>,
    /// The highest CSeq received from the peer.
    pub remote_seq: Option<u32>,
}

impl Dialog {
    /// The UAC's dialog from its INVITE and a 101-299 response with a To tag (§12.1.2).
    pub fn uac(invite: &Request, response: &Response) -> Result<Dialog, DialogError> {
        if !(101..=299).contains(&response.status) {
            return Err(DialogError::NotDialogCreating(response.status));
        }
        let local_uri = invite.headers.from()?;
        let remote_uri = response.headers.to()?;
        let id = DialogId::of_incoming_response(response)?;
        let mut route_set = response.headers.record_routes()?;
        // Our requests visit the proxies in reverse Record-Route order.
        route_set.reverse();
        Ok(Dialog {
            id,
            state: state_for(response.status),
            local_uri,
            remote_uri,
            remote_target: contact_uri(&response.headers)?,
            route_set,
            local_seq: Some(invite.headers.cseq()?.seq),
            remote_seq: None,
        })
    }

    /// The UAS's dialog from an INVITE it answers with `local_tag` in a 1xx or 2xx (§12.1.1).
    /// It starts early; [`Dialog::confirm`] it when the 2xx goes out.
    pub fn uas(invite: &Request, local_tag: &str) -> Result<Dialog, DialogError> {
        let h = &invite.headers;
        let remote_uri = h.from()?;
        let remote_tag = remote_uri
            .tag()
            .ok_or(DialogError::MissingTag("From"))?
            .to_owned();
        Ok(Dialog {
            id: DialogId {
                call_id: h.call_id()?.to_owned(),
                local_tag: local_tag.to_owned(),
                remote_tag,
            },
            state: DialogState::Early,
            local_uri: h.to()?.with_tag(local_tag),
            remote_uri,
            remote_target: contact_uri(h)?,
            route_set: h.record_routes()?,
            local_seq: None,
            remote_seq: Some(h.cseq()?.seq),
        })
    }

    /// The UAS sent its 2xx.
    pub fn confirm(&mut self) {
        self.state = DialogState::Confirmed;
    }

    /// A response to a request we sent in this dialog (UAC side): a 2xx to INVITE confirms
    /// an early dialog (taking its route set from the 2xx, §13.2.2.4) and a 2xx to a
    /// target-refresh request updates the remote target (§12.2.1.2).
    pub fn handle_response(&mut self, response: &Response) -> Result<(), DialogError> {
        let method = response.headers.cseq()?.method;
        if !(200..=299).contains(&response.status) {
            return Ok(());
        }
        if method == Method::Invite && self.state == DialogState::Early {
            let mut route_set = response.headers.record_routes()?;
            route_set.reverse();
            self.route_set = route_set;
            self.state = DialogState::Confirmed;
        }
        if is_target_refresh(&method) {
            if let Ok(target) = contact_uri(&response.headers) {
                self.remote_target = target;
            }
        }
        Ok(())
    }

    /// A request from the peer in this dialog: rejects an out-of-order CSeq (answer with
    /// [`DialogError::status`], 500) and applies a target refresh (re-INVITE, UPDATE).
    /// ACK and CANCEL reuse their INVITE's CSeq and are not ordered.
    pub fn handle_request(&mut self, request: &Request) -> Result<(), DialogError> {
        let seq = request.headers.cseq()?.seq;
        if !matches!(request.method, Method::Ack | Method::Cancel) {
            if let Some(last) = self.remote_seq {
                if seq <= last {
                    return Err(DialogError::OutOfOrder {
                        received: seq,
                        last,
                    });
                }
            }
            self.remote_seq = Some(seq);
        }
        if is_target_refresh(&request.method) {
            if let Ok(target) = contact_uri(&request.headers) {
                self.remote_target = target;
            }
        }
        Ok(())
    }

    /// A new request in this dialog (BYE, re-INVITE, INFO, UPDATE ...) with the next local
    /// CSeq, routed per §12.2.1.1. `via` should carry a fresh branch (or none: the
    /// transaction layer adds one); `contact` is needed for target-refresh requests.
    pub fn create_request(
        &mut self,
        method: Method,
        via: Via,
        contact: Option<&NameAddr>,
    ) -> Request {
        let seq = self
            .local_seq
            .map_or(1, |s| s.wrapping_add(1) & 0x7fff_ffff);
        self.local_seq = Some(seq);
        self.build(method, seq, via, contact)
    }

    /// The ACK for a 2xx to the INVITE (or re-INVITE) with CSeq `invite_seq` (§13.2.2.4):
    /// same routing as any in-dialog request, CSeq number of the INVITE.
    pub fn create_ack(&self, invite_seq: u32, via: Via) -> Request {
        self.build(Method::Ack, invite_seq, via, None)
    }

    fn build(&self, method: Method, seq: u32, via: Via, contact: Option<&NameAddr>) -> Request {
        let (uri, routes) = self.routing();
        let mut request = Request::new(method.clone(), uri);
        let h = &mut request.headers;
        h.push("Via", via.to_string());
        h.push("Max-Forwards", "70");
        h.push("From", self.local_uri.to_string());
        h.push("To", self.remote_uri.to_string());
        h.push("Call-ID", self.id.call_id.clone());
        h.push("CSeq", CSeq { seq, method }.to_string());
        for route in routes {
            h.push("Route", route);
        }
        if let Some(contact) = contact {
            h.push("Contact", contact.to_string());
        }
        request
    }

    /// The Request-URI and Route values for the next request (§12.2.1.1).
    fn routing(&self) -> (Uri, Vec<String>) {
        let Some(first) = self.route_set.first() else {
            return (self.remote_target.clone(), Vec::new());
        };
        let loose = first.uri.as_sip().is_some_and(|u| u.params.contains("lr"));
        if loose {
            let routes = self.route_set.iter().map(ToString::to_string).collect();
            return (self.remote_target.clone(), routes);
        }
        // A strict router (RFC 2543) expects itself in the Request-URI and the real target
        // as the last Route.
        let mut uri = first.uri.clone();
        if let Uri::Sip(sip) = &mut uri {
            sip.headers = None;
            sip.params.remove("method");
        }
        let mut routes: Vec<String> = self.route_set[1..]
            .iter()
            .map(ToString::to_string)
            .collect();
        routes.push(format!("<{}>", self.remote_target));
        (uri, routes)
    }
}

fn state_for(status: u16) -> DialogState {
    if status < 200 {
        DialogState::Early
    } else {
        DialogState::Confirmed
    }
}

fn is_target_refresh(method: &Method) -> bool {
    matches!(
        method,
        Method::Invite | Method::Update | Method::Subscribe | Method::Notify | Method::Refer
    )
}

fn contact_uri(h: &crate::message::Headers) -> Result<Uri, DialogError> {
    match h.contacts()?.into_iter().next() {
        Some(crate::message::Contact::Address(a)) => Ok(a.uri),
        _ => Err(DialogError::MissingContact),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    fn parse(raw: &str) -> Message {
        Message::parse(raw.replace('\n', "\r\n").as_bytes()).unwrap()
    }

    fn invite() -> Request {
        match parse(
            "INVITE sip:bob@b.example SIP/2.0\n\
             Via: SIP/2.0/UDP a.example;branch=z9hG4bK1\n\
             From: \"Alice\" <sip:alice@a.example>;tag=at\n\
             To: <sip:bob@b.example>\n\
             Call-ID: call1\n\
             CSeq: 10 INVITE\n\
             Contact: <sip:alice@192.0.2.1>\n\
             Record-Route: <sip:p2.example;lr>, <sip:p1.example;lr>\n\n",
        ) {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    fn response(status: u16, contact: &str) -> Response {
        match parse(&format!(
            "SIP/2.0 {status} X\n\
             Via: SIP/2.0/UDP a.example;branch=z9hG4bK1\n\
             From: \"Alice\" <sip:alice@a.example>;tag=at\n\
             To: <sip:bob@b.example>;tag=bt\n\
             Call-ID: call1\n\
             CSeq: 10 INVITE\n\
             Contact: <{contact}>\n\
             Record-Route: <sip:p2.example;lr>, <sip:p1.example;lr>\n\n"
        )) {
            Message::Response(r) => r,
            Message::Request(_) => unreachable!(),
        }
    }

    fn via() -> Via {
        Via::new("UDP", "a.example", None, "z9hG4bKnew")
    }

    #[test]
    fn uac_dialog_reverses_record_route_and_targets_the_contact() {
        let mut d = Dialog::uac(&invite(), &response(180, "sip:bob@192.0.2.2")).unwrap();
        assert_eq!(d.state, DialogState::Early);
        assert_eq!(d.id.local_tag, "at");
        assert_eq!(d.id.remote_tag, "bt");
        assert_eq!(d.route_set[0].uri.to_string(), "sip:p1.example;lr");
        d.handle_response(&response(200, "sip:bob@192.0.2.20"))
            .unwrap();
        assert_eq!(d.state, DialogState::Confirmed);
        assert_eq!(d.remote_target.to_string(), "sip:bob@192.0.2.20");

        let bye = d.create_request(Method::Bye, via(), None);
        assert_eq!(bye.uri.to_string(), "sip:bob@192.0.2.20");
        let routes: Vec<_> = bye.headers.get_all("Route").collect();
        assert_eq!(routes, ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]);
        assert_eq!(bye.headers.cseq().unwrap().seq, 11);
        assert_eq!(bye.headers.to().unwrap().tag(), Some("bt"));
        assert_eq!(bye.headers.from().unwrap().tag(), Some("at"));

        let ack = d.create_ack(10, via());
        assert_eq!(ack.headers.cseq().unwrap().to_string(), "10 ACK");
        assert_eq!(d.local_seq, Some(11), "ACK does not consume a CSeq");
    }

    #[test]
    fn uas_dialog_keeps_record_route_order_and_orders_cseq() {
        let mut d = Dialog::uas(&invite(), "bt").unwrap();
        assert_eq!(d.route_set[0].uri.to_string(), "sip:p2.example;lr");
        assert_eq!(d.remote_target.to_string(), "sip:alice@192.0.2.1");
        d.confirm();

        let mut reinvite = invite();
        reinvite.headers.set("CSeq", "11 INVITE");
        reinvite.headers.set("Contact", "<sip:alice@198.51.100.7>");
        d.handle_request(&reinvite).unwrap();
        assert_eq!(d.remote_target.to_string(), "sip:alice@198.51.100.7");

        let mut stale = invite();
        stale.method = Method::Info;
        stale.headers.set("CSeq", "11 INFO");
        let err = d.handle_request(&stale).unwrap_err();
        assert_eq!(
            err,
            DialogError::OutOfOrder {
                received: 11,
                last: 11
            }
        );
        assert_eq!(err.status().0, 500);

        let mut ack = invite();
        ack.method = Method::Ack;
        ack.headers.set("CSeq", "11 ACK");
        assert!(
            d.handle_request(&ack).is_ok(),
            "ACK shares the INVITE's CSeq"
        );

        let info = d.create_request(Method::Info, via(), None);
        assert_eq!(info.headers.cseq().unwrap().seq, 1);
        assert_eq!(info.uri.to_string(), "sip:alice@198.51.100.7");
        assert_eq!(info.headers.from().unwrap().tag(), Some("bt"));
        assert_eq!(info.headers.get("Route"), Some("<sip:p2.example;lr>"));
    }

    #[test]
    fn strict_router_goes_in_the_request_uri_and_the_target_last() {
        let mut d = Dialog::uas(&invite(), "bt").unwrap();
        d.route_set = vec![
            NameAddr::parse("<sip:strict.example;maddr=10.0.0.1>").unwrap(),
            NameAddr::parse("<sip:p2.example;lr>").unwrap(),
        ];
        let bye = d.create_request(Method::Bye, via(), None);
        assert_eq!(bye.uri.to_string(), "sip:strict.example;maddr=10.0.0.1");
        let routes: Vec<_> = bye.headers.get_all("Route").collect();
        assert_eq!(routes, ["<sip:p2.example;lr>", "<sip:alice@192.0.2.1>"]);
    }

    #[test]
    fn reinvite_carries_our_contact() {
        let mut d = Dialog::uac(&invite(), &response(200, "sip:bob@192.0.2.2")).unwrap();
        let contact = NameAddr::parse("<sip:alice@192.0.2.1>").unwrap();
        let reinvite = d.create_request(Method::Invite, via(), Some(&contact));
        assert_eq!(
            reinvite.headers.get("Contact"),
            Some("<sip:alice@192.0.2.1>")
        );
        assert_eq!(reinvite.headers.cseq().unwrap().to_string(), "11 INVITE");
    }

    #[test]
    fn only_101_to_299_with_tags_and_contact_create_dialogs() {
        assert_eq!(
            Dialog::uac(&invite(), &response(486, "sip:x@y")).unwrap_err(),
            DialogError::NotDialogCreating(486)
        );
        let mut no_tag = response(180, "sip:x@y");
        no_tag.headers.set("To", "<sip:bob@b.example>");
        assert_eq!(
            Dialog::uac(&invite(), &no_tag).unwrap_err(),
            DialogError::MissingTag("To")
        );
        let mut no_contact = response(200, "sip:x@y");
        no_contact.headers.remove("Contact");
        assert_eq!(
            Dialog::uac(&invite(), &no_contact).unwrap_err(),
            DialogError::MissingContact
        );
    }

    #[test]
    fn ids_match_from_both_directions() {
        let d = Dialog::uac(&invite(), &response(200, "sip:bob@192.0.2.2")).unwrap();
        assert_eq!(
            DialogId::of_incoming_response(&response(200, "sip:z@z")).unwrap(),
            d.id
        );
        let mut bye = d.clone().create_request(Method::Bye, via(), None);
        // Seen from Bob, the same request's tags swap roles.
        let id = DialogId::of_incoming_request(&bye).unwrap();
        assert_eq!(
            (id.local_tag.as_str(), id.remote_tag.as_str()),
            ("bt", "at")
        );
        bye.headers.set("To", "<sip:bob@b.example>");
        assert!(DialogId::of_incoming_request(&bye).is_err());
    }
}
