use super::*;
use crate::dialplan::Dialplan;
use crate::time::civil::seconds_from_civil;
use ferroswitch_abi::xml::XmlNode;

#[test]
fn arguments_fill_the_profile_and_the_variables() {
    let request = Request::parse("  public 5551234 1000 caller_id_name=Bob sip_user=bob x=1 x=2 ")
        .expect("parses");
    let profile = &request.profile;
    assert_eq!(profile.context.as_str(), "public");
    assert_eq!(profile.destination_number.as_str(), "5551234");
    assert_eq!(profile.caller_id_number.as_str(), "1000");
    assert_eq!(profile.ani.as_str(), "1000");
    assert_eq!(profile.caller_id_name.as_str(), "Bob");
    assert_eq!(profile.dialplan.as_str(), "XML");
    assert_eq!(
        request.variables,
        [
            ("sip_user".to_owned(), "bob".to_owned()),
            ("x".to_owned(), "2".to_owned())
        ]
    );
    let defaults = Request::parse("default 1").expect("parses");
    assert_eq!(defaults.profile.caller_id_number.as_str(), "0000000000");
    assert!(defaults.variables.is_empty());
}

#[test]
fn bad_arguments_show_the_usage() {
    for args in ["", "default", "default 1 1000 oops", "default 1 =x"] {
        let error = Request::parse(args).expect_err(args);
        assert!(
            error.contains("-USAGE: <context> <destination>"),
            "{args}: {error}"
        );
    }
}

#[test]
fn simulated_inline_applications() {
    let profile = CallerProfile {
        destination_number: "42".into(),
        ..CallerProfile::default()
    };
    let mut channel = Simulated {
        profile: &profile,
        variables: vec![("a".into(), "1".into())],
    };
    assert_eq!(
        channel.execute_inline("set", "b=${a}-${destination_number}"),
        InlineOutcome::Ran
    );
    assert_eq!(channel.variable("b").as_deref(), Some("1-42"));
    assert_eq!(channel.execute_inline("set", "b="), InlineOutcome::Ran);
    assert_eq!(channel.variable("b"), None, "an empty value unsets");
    assert_eq!(channel.execute_inline("export", "c=3"), InlineOutcome::Ran);
    assert_eq!(
        channel.execute_inline("export", "nolocal:d=4"),
        InlineOutcome::Ran
    );
    assert_eq!(channel.variable("c").as_deref(), Some("3"));
    assert_eq!(channel.variable("d"), None);
    assert_eq!(channel.execute_inline("unset", "a"), InlineOutcome::Ran);
    assert_eq!(channel.variable("a"), None);
    assert!(matches!(
        channel.execute_inline("set", "novalue"),
        InlineOutcome::Failed(_)
    ));
    assert_eq!(
        channel.execute_inline("answer", ""),
        InlineOutcome::NotSimulated
    );
}

#[test]
fn the_report_shows_every_step_and_the_result() {
    let text = r#"<section name="dialplan">
<context name="default">
  <extension name="one">
    <condition field="destination_number" expression="^(\d+)$">
      <action application="set" data="dest=$1"/>
      <action application="log" data="INFO ${caller_id_number}" inline="true"/>
    </condition>
    <condition wday="2-6" hour="9-17">
      <anti-action application="voicemail" data="default"/>
    </condition>
  </extension>
</context>
</section>"#;
    let dialplan = Dialplan::compile(
        &XmlNode::parse_str(text, "/conf/dialplan/default.xml").expect("well-formed"),
    );
    let request = Request::parse("default 1234 1000").expect("parses");
    let system = TimeZone::utc();
    let zone = |_: &str| None;
    // Monday 23 November 2026, 20:15:00 UTC: after hours.
    let clock = Clock {
        now: seconds_from_civil(2026, 11, 23, 20, 15, 0),
        system: &system,
        zone: &zone,
    };
    let mut channel = Simulated {
        profile: &request.profile,
        variables: Vec::new(),
    };
    let mut trace = Vec::new();
    let found = hunt(
        &dialplan,
        &request.profile,
        &mut channel,
        &clock,
        Some(&mut trace),
    )
    .expect("hunts");
    let report = render(&request.profile, &clock, &trace, found.as_ref());
    let expected = r#"route_test: context default, destination 1234, caller ferroswitch <1000>, time 2026-11-23 20:15:00 +0000
context default /conf/dialplan/default.xml:2
extension one /conf/dialplan/default.xml:3
  condition /conf/dialplan/default.xml:4: destination_number "1234" =~ /^(\d+)$/ (true) => true
    action set dest=1234
    action log INFO ${caller_id_number} [inline: not simulated]
  condition /conf/dialplan/default.xml:8: time wday="2-6" hour="9-17" (false) => false
    anti-action voicemail default
  break on-false
  => matched, the hunt stops
result: extension one, number 1234, 2 application(s)
  1. set dest=1234
  2. voicemail default
"#;
    assert_eq!(report, expected);
}

#[test]
fn the_report_of_regexes_nesting_and_no_route() {
    let text = r#"<section name="dialplan">
<context name="global">
  <extension name="r" continue="true">
    <condition regex="any">
      <regex field="caller_id_number" expression="^1000$"/>
      <condition field="destination_number" expression="^nope$"/>
    </condition>
  </extension>
</context>
</section>"#;
    let dialplan = Dialplan::compile(&XmlNode::parse_str(text, "d.xml").expect("well-formed"));
    let request = Request::parse("elsewhere 1 1000").expect("parses");
    let system = TimeZone::fixed(-5 * 3600);
    let zone = |_: &str| None;
    let clock = Clock {
        now: 0,
        system: &system,
        zone: &zone,
    };
    let mut channel = Simulated {
        profile: &request.profile,
        variables: Vec::new(),
    };
    let mut trace = Vec::new();
    let found = hunt(
        &dialplan,
        &request.profile,
        &mut channel,
        &clock,
        Some(&mut trace),
    )
    .expect("hunts");
    let report = render(&request.profile, &clock, &trace, found.as_ref());
    let expected = r#"route_test: context elsewhere, destination 1, caller ferroswitch <1000>, time 1969-12-31 19:00:00 -0500
context global d.xml:2 (no context elsewhere)
extension r d.xml:3
  condition d.xml:4: regex="any" 1 passed, 0 failed => true
    regex d.xml:5: caller_id_number "1000" =~ /^1000$/ (true) => true
    condition d.xml:6: destination_number "1" =~ /^nope$/ (false) => false
    break on-false
  nested conditions => false
  => no match
result: no route (NO_ROUTE_DESTINATION)
"#;
    assert_eq!(report, expected);
}
