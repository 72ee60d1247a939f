//! `bridge user/<id>`: the directory's dial-string for the user (its own, else its domain's)
//! is dialled with `dialed_user` / `dialed_domain` and the user's variables; a user missing
//! from the directory fails with SUBSCRIBER_ABSENT, an `error/<cause>` dial-string with that
//! cause, and a dial-string that expands to nothing (no registration) with
//! USER_NOT_REGISTERED.

use ferroswitch_tests::{wait_until, Switch, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="default">
    <extension name="answers">
      <condition field="destination_number" expression="^answers$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="call">
      <condition field="destination_number" expression="^call_(\w+)$">
        <action application="answer"/>
        <action application="set" data="continue_on_fail=true"/>
        <action application="bridge" data="user/$1@example.org"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

const DIRECTORY: &str = r#"<include>
  <domain name="example.org">
    <params>
      <param name="dial-string" value="${unregistered(${dialed_user})}"/>
    </params>
    <variables>
      <variable name="from_domain" value="yes"/>
    </variables>
    <users>
      <user id="2000">
        <params><param name="dial-string" value="{who=${dialed_user}}loopback/answers"/></params>
        <variables><variable name="from_user" value="2000"/></variables>
      </user>
      <user id="2001">
        <params><param name="dial-string" value="error/user_busy"/></params>
      </user>
      <user id="2002"/>
    </users>
  </domain>
</include>
"#;

fn start() -> (TestConf, Switch) {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("default.xml", DIALPLAN)]);
    conf.directory(&[("example.xml", DIRECTORY)]);
    let switch = Switch::start(&conf);
    (conf, switch)
}

fn caller(switch: &mut Switch, user: &str) -> String {
    switch.call_far_leg(&format!("loopback/call_{user}"), "&park()")
}

#[test]
fn a_user_is_reached_through_its_dial_string_with_its_variables() {
    let (_conf, mut switch) = start();
    let caller = caller(&mut switch, "2000");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "SUCCESS"
    );
    let peer = switch.var(&caller, "bridge_uuid");
    for (name, value) in [
        ("who", "2000"),
        ("dialed_user", "2000"),
        ("dialed_domain", "example.org"),
        ("from_user", "2000"),
        ("from_domain", "yes"),
    ] {
        assert_eq!(
            switch.api(&format!("uuid_getvar {peer} {name}")),
            value,
            "{name} on the user's leg"
        );
    }
}

#[test]
fn failures_carry_the_cause_of_why_the_user_was_not_reached() {
    let (conf, mut switch) = start();
    for (user, cause) in [
        ("2001", "USER_BUSY"),
        ("2002", "USER_NOT_REGISTERED"),
        ("2999", "SUBSCRIBER_ABSENT"),
    ] {
        let caller = caller(&mut switch, user);
        assert_eq!(
            switch.wait_for_var(&caller, "originate_disposition"),
            cause,
            "user {user}"
        );
    }
    wait_until("the missing user to be logged", || {
        conf.log()
            .contains("no user 2999 in directory domain example.org")
    });
}

#[test]
fn the_shipped_local_extension_ends_an_unregistered_user_call_with_its_cause() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_fixture_probe",
    ]);
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conf");
    let read = |relative: &str| std::fs::read_to_string(shipped.join(relative)).unwrap();
    conf.dialplan(&[("default.xml", &read("dialplan/default.xml"))]);
    conf.directory(&[("default.xml", &read("directory/default.xml"))]);
    let mut switch = Switch::start(&conf);
    // The far leg bridges without answering, as FreeSWITCH's Local_Extension does, so the
    // loopback originate fails with the cause the bridge ended the call with.
    assert_eq!(
        switch.api("originate loopback/1000 &park()"),
        "-ERR USER_NOT_REGISTERED"
    );
    assert_eq!(
        switch.api("originate loopback/1019 &park()"),
        "-ERR USER_NOT_REGISTERED"
    );
}
