//! The library client: events that arrive while waiting for a reply are kept, in order, for
//! `recv`, as FreeSWITCH's own client library keeps them.

mod support;

use std::time::Duration;

use ferroswitch_cli::client::Client;
use ferroswitch_cli::esl::{content_type, Event};
use support::{api_response, plain_event, FakeServer};

#[test]
fn events_before_the_reply_are_queued() {
    let server = FakeServer::start(|_| {
        [
            plain_event(&[("Event-Name", "HEARTBEAT")]),
            plain_event(&[("Event-Name", "CUSTOM"), ("Event-Subclass", "a%3A%3Ab")]),
            api_response("+OK done\n"),
        ]
        .concat()
    });
    let mut client = Client::connect("127.0.0.1", server.port, "ClueCon", Duration::from_secs(5))
        .expect("connects");
    assert_eq!(client.api("anything").expect("answered"), "+OK done\n");
    let names: Vec<(String, Option<String>)> = (0..2)
        .map(|_| {
            let message = client.recv().expect("a queued event");
            assert_eq!(message.content_type(), Some(content_type::EVENT_PLAIN));
            let event = Event::parse_plain(message.body().unwrap_or_default()).expect("plain");
            (
                event.name().unwrap_or_default().to_owned(),
                event.header("Event-Subclass").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("HEARTBEAT".to_owned(), None),
            ("CUSTOM".to_owned(), Some("a::b".to_owned()))
        ]
    );
    assert!(client.api("two\nlines").is_err());
}
