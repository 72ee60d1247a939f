//! `event xml ...` delivers each event as FreeSWITCH's `<event><headers>...` document.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn xml_events_are_freeswitch_documents() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    let reply = client.command("event xml BACKGROUND_JOB");
    assert_eq!(
        reply.header("Reply-Text"),
        Some("+OK event listener enabled xml")
    );
    client.command("bgapi echo a <b> & c");
    let job = client.next_matching("the BACKGROUND_JOB", |message| message.is_event());
    assert_eq!(job.content_type(), "text/event-xml");
    assert!(
        job.body
            .starts_with("<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n"),
        "{}",
        job.body
    );
    assert!(
        job.body
            .contains("    <Job-Command-Arg>a%20%3Cb%3E%20%26%20c</Job-Command-Arg>\n"),
        "{}",
        job.body
    );
    assert!(
        job.body.ends_with(
            "  </headers>\n  <Content-Length>9</Content-Length>\n  <body>a &lt;b&gt; &amp; c</body>\n</event>\n"
        ),
        "{}",
        job.body
    );
}
