//! A `Job-UUID` header sent with `bgapi` becomes the job's UUID, in the reply and in its
//! BACKGROUND_JOB.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn client_job_uuid_is_used() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command("event plain BACKGROUND_JOB");
    let job = "11111111-2222-4333-8444-555555555555";
    client.send(&format!("bgapi status\nJob-UUID: {job}"));
    let reply = client.read_message();
    assert_eq!(
        reply.header("Reply-Text"),
        Some(format!("+OK Job-UUID: {job}").as_str())
    );
    assert_eq!(reply.header("Job-UUID"), Some(job));

    let event = client.next_event("the BACKGROUND_JOB", |event| {
        event.header("Event-Name") == Some("BACKGROUND_JOB")
    });
    assert_eq!(event.header("Job-UUID"), Some(job));
    assert_eq!(event.header("Job-Command-Arg"), None);
    assert!(event.body.starts_with("UP "), "{}", event.body);
}
