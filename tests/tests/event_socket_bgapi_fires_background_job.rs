//! `bgapi` answers at once with the job's UUID, runs the command in the background, and
//! delivers its output as the body of a BACKGROUND_JOB event carrying that UUID.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn bgapi_reply_then_background_job() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command("event plain BACKGROUND_JOB");
    client.send("bgapi echo in the background");
    let reply = client.read_message();
    let job = reply
        .header("Job-UUID")
        .expect("a Job-UUID header")
        .to_owned();
    assert_eq!(job.len(), 36, "{}", reply.raw);
    assert_eq!(
        reply.raw,
        format!(
            "Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job}\nJob-UUID: {job}\n\n"
        )
    );

    let event = client.next_event("the BACKGROUND_JOB", |event| {
        event.header("Event-Name") == Some("BACKGROUND_JOB")
    });
    assert_eq!(event.header("Job-UUID"), Some(job.as_str()));
    assert_eq!(event.header("Job-Command"), Some("echo"));
    assert_eq!(event.header("Job-Command-Arg"), Some("in the background"));
    assert_eq!(event.header("Content-Length"), Some("17"));
    assert_eq!(event.body, "in the background");
}
