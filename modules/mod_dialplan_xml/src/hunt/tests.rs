//! One test per rule of the hunt, on dialplans written for it, without a host.

use super::*;
use crate::route_test::Simulated;
use crate::time::civil::seconds_from_civil;
use ferroswitch_abi::xml::XmlNode;

fn compile(contexts: &str) -> Dialplan {
    let text = format!("<section name=\"dialplan\">\n{contexts}\n</section>");
    let dialplan =
        Dialplan::compile(&XmlNode::parse_str(&text, "dialplan.xml").expect("well-formed"));
    for context in dialplan.contexts() {
        if let Err(errors) = &context.extensions {
            panic!("{} does not compile: {errors:?}", context.name);
        }
    }
    dialplan
}

/// One `default` context.
fn default_context(extensions: &str) -> Dialplan {
    compile(&format!(
        "<context name=\"default\">\n{extensions}\n</context>"
    ))
}

fn profile(context: &str, destination: &str) -> CallerProfile {
    CallerProfile {
        context: context.into(),
        destination_number: destination.into(),
        caller_id_name: "Alice".into(),
        caller_id_number: "1000".into(),
        network_addr: "192.0.2.7".into(),
        ..CallerProfile::default()
    }
}

struct Run {
    found: Option<Found>,
    trace: Vec<Step>,
    variables: Vec<(String, String)>,
}

impl Run {
    /// The applications queued, as `app data`.
    fn applications(&self) -> Vec<String> {
        self.found
            .as_ref()
            .map(|found| {
                found
                    .applications
                    .iter()
                    .map(|(app, data)| {
                        if data.is_empty() {
                            app.clone()
                        } else {
                            format!("{app} {data}")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The extensions tried, and whether each matched.
    fn extensions(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut current = String::new();
        for step in &self.trace {
            match step {
                Step::Extension { name, .. } => current = name.clone(),
                Step::ExtensionDone { matched, .. } => out.push((current.clone(), *matched)),
                _ => {}
            }
        }
        out
    }
}

/// Monday 2026-11-23 15:56:32 UTC.
const NOW: i64 = 1_795_449_392;

fn run_at(
    dialplan: &Dialplan,
    profile: &CallerProfile,
    variables: &[(&str, &str)],
    now: i64,
) -> Run {
    try_run_at(dialplan, profile, variables, now).expect("the hunt completes")
}

fn try_run_at(
    dialplan: &Dialplan,
    profile: &CallerProfile,
    variables: &[(&str, &str)],
    now: i64,
) -> Result<Run, HuntError> {
    let system = TimeZone::utc();
    let zone = |name: &str| (name == "Asia/Tokyo").then(|| Arc::new(TimeZone::fixed(9 * 3600)));
    let clock = Clock {
        now,
        system: &system,
        zone: &zone,
    };
    let mut channel = Simulated {
        profile,
        variables: variables
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
    };
    let mut trace = Vec::new();
    let found = hunt(dialplan, profile, &mut channel, &clock, Some(&mut trace))?;
    Ok(Run {
        found,
        trace,
        variables: channel.variables,
    })
}

fn run(dialplan: &Dialplan, destination: &str) -> Run {
    run_at(dialplan, &profile("default", destination), &[], NOW)
}

fn run_with(dialplan: &Dialplan, destination: &str, variables: &[(&str, &str)]) -> Run {
    run_at(dialplan, &profile("default", destination), variables, NOW)
}

#[test]
fn context_by_name_else_global_else_none() {
    let dialplan = compile(
        r#"<context name="global"><extension name="g"><condition><action application="from_global"/></condition></extension></context>
<context name="default"><extension name="d"><condition><action application="from_default"/></condition></extension></context>"#,
    );
    let applications =
        |context: &str| run_at(&dialplan, &profile(context, "1"), &[], NOW).applications();
    assert_eq!(applications("default"), ["from_default"]);
    assert_eq!(applications(""), ["from_default"], "empty means default");
    assert_eq!(applications("elsewhere"), ["from_global"]);
    let lonely = compile(r#"<context name="default"/>"#);
    let run = run_at(&lonely, &profile("elsewhere", "1"), &[], NOW);
    assert!(run.found.is_none());
    assert_eq!(
        run.trace,
        [Step::NoContext {
            requested: "elsewhere".into()
        }]
    );
}

#[test]
fn first_matching_extension_ends_the_hunt() {
    let dialplan = default_context(
        r#"<extension name="a"><condition field="destination_number" expression="^2"><action application="a"/></condition></extension>
<extension name="b"><condition field="destination_number" expression="^1"><action application="b"/></condition></extension>
<extension name="c"><condition field="destination_number" expression="^1"><action application="c"/></condition></extension>"#,
    );
    let run = run(&dialplan, "1234");
    assert_eq!(run.applications(), ["b"]);
    assert_eq!(
        run.extensions(),
        [("a".to_owned(), false), ("b".to_owned(), true)]
    );
    let found = run.found.expect("found");
    assert_eq!((found.name.as_str(), found.number.as_str()), ("b", "1234"));
}

#[test]
fn continue_true_goes_on_and_the_list_accumulates() {
    let dialplan = default_context(
        r#"<extension name="a" continue="true"><condition><action application="a"/></condition></extension>
<extension name="b"><condition><action application="b"/></condition></extension>
<extension name="c"><condition><action application="c"/></condition></extension>"#,
    );
    let run = run(&dialplan, "1");
    assert_eq!(run.applications(), ["a", "b"]);
    assert_eq!(run.found.expect("found").name, "a", "named by the first");
}

#[test]
fn captures_are_substituted_only_when_the_expression_has_groups() {
    let dialplan = default_context(
        r#"<extension name="a" continue="true"><condition field="destination_number" expression="^(\d\d)(\d+)$">
  <action application="bridge" data="user/$1@${domain} ext ${2} all $0"/>
</condition></extension>
<extension name="b"><condition field="destination_number" expression="^\d+$">
  <action application="log" data="$1 stays"/>
</condition></extension>"#,
    );
    assert_eq!(
        run(&dialplan, "1234").applications(),
        ["bridge user/12@${domain} ext 34 all 1234", "log $1 stays"]
    );
}

#[test]
fn fields_read_the_profile_or_expand_variables() {
    let dialplan = default_context(
        r#"<extension name="e">
  <condition field="caller_id_number" expression="^1000$"/>
  <condition field="network_addr" expression="^192\.0\.2\."/>
  <condition field="${sip_user}@${domain}" expression="^bob@example\.com$"/>
  <condition field="${destination_number}" expression="^77$"/>
  <condition field="no_such_field" expression="^$">
    <action application="ok"/>
  </condition>
</extension>"#,
    );
    let variables = [("sip_user", "bob"), ("domain", "example.com")];
    assert_eq!(run_with(&dialplan, "77", &variables).applications(), ["ok"]);
    assert!(run_with(&dialplan, "77", &[("sip_user", "eve")])
        .found
        .is_none());
}

#[test]
fn expression_element_wins_over_the_attribute() {
    let dialplan = default_context(
        r#"<extension name="e"><condition field="destination_number" expression="^nothing$">
  <expression><![CDATA[^(\d+)$]]></expression>
  <action application="got" data="$1"/>
</condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "42").applications(), ["got 42"]);
}

#[test]
fn expressions_with_variables_are_expanded_at_each_hunt() {
    let dialplan = default_context(
        r#"<extension name="e"><condition field="destination_number" expression="^${prefix}(\d+)$">
  <action application="got" data="$1"/>
</condition></extension>"#,
    );
    assert_eq!(
        run_with(&dialplan, "99123", &[("prefix", "99")]).applications(),
        ["got 123"]
    );
    assert!(run_with(&dialplan, "99123", &[("prefix", "88")])
        .found
        .is_none());
    let error = try_run_at(
        &dialplan,
        &profile("default", "1"),
        &[("prefix", "(?=x)")],
        NOW,
    )
    .err()
    .expect("does not compile");
    let message = error.to_string();
    assert!(
        message.starts_with("dialplan.xml:3: expression \"^${prefix}(\\d+)$\", once expanded:"),
        "{message}"
    );
    assert!(message.contains("look-around"), "{message}");
}

#[test]
fn a_condition_without_field_always_matches() {
    let dialplan = default_context(
        r#"<extension name="e"><condition><action application="always"/></condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "anything").applications(), ["always"]);
}

#[test]
fn stacked_conditions_must_all_match_but_earlier_actions_stay_queued() {
    let dialplan = default_context(
        r#"<extension name="first">
  <condition field="destination_number" expression="^1"><action application="early"/></condition>
  <condition field="caller_id_number" expression="^9999$"><action application="never"/></condition>
</extension>
<extension name="second"><condition field="destination_number" expression="^12"><action application="second"/></condition></extension>"#,
    );
    // FreeSWITCH's quirk: "early" was queued before the second condition failed, and stays.
    let run = run(&dialplan, "123");
    assert_eq!(run.applications(), ["early", "second"]);
    assert_eq!(
        run.extensions(),
        [("first".to_owned(), false), ("second".to_owned(), true)]
    );
    // And with no later match, the call still runs what was queued.
    let run = self::run(&dialplan, "19");
    assert_eq!(run.applications(), ["early"]);
    assert_eq!(run.found.expect("found").name, "first");
}

#[test]
fn a_failed_condition_with_anti_actions_counts_as_a_match() {
    let dialplan = default_context(
        r#"<extension name="closed"><condition field="destination_number" expression="^open$">
  <action application="welcome"/>
  <anti-action application="closed"/>
</condition></extension>
<extension name="never"><condition><action application="never"/></condition></extension>"#,
    );
    let run = run(&dialplan, "5");
    assert_eq!(run.applications(), ["closed"]);
    assert_eq!(run.extensions(), [("closed".to_owned(), true)]);
}

#[test]
fn break_modes() {
    let extension = |mode: &str, expression: &str| {
        default_context(&format!(
            r#"<extension name="e" continue="true">
  <condition field="destination_number" expression="{expression}" break="{mode}"><action application="first"/><anti-action application="first_anti"/></condition>
  <condition><action application="second"/></condition>
</extension>"#
        ))
    };
    let apps = |mode: &str, expression: &str| run(&extension(mode, expression), "1").applications();
    assert_eq!(apps("on-false", "^1$"), ["first", "second"]);
    assert_eq!(apps("on-false", "^2$"), ["first_anti"]);
    assert_eq!(apps("on-true", "^1$"), ["first"]);
    assert_eq!(apps("on-true", "^2$"), ["first_anti", "second"]);
    assert_eq!(apps("always", "^1$"), ["first"]);
    assert_eq!(apps("always", "^2$"), ["first_anti"]);
    assert_eq!(apps("never", "^2$"), ["first_anti", "second"]);
    let default_break = default_context(
        r#"<extension name="e">
  <condition field="destination_number" expression="^2$"/>
  <condition><action application="second"/></condition>
</extension>"#,
    );
    assert!(
        run(&default_break, "1").found.is_none(),
        "on-false is the default"
    );
}

#[test]
fn break_never_lets_a_later_condition_decide_the_match() {
    let dialplan = default_context(
        r#"<extension name="e">
  <condition field="destination_number" expression="^2$" break="never"><action application="skipped"/></condition>
  <condition field="destination_number" expression="^1$"><action application="second"/></condition>
</extension>
<extension name="next"><condition><action application="next"/></condition></extension>"#,
    );
    let run = run(&dialplan, "1");
    assert_eq!(run.applications(), ["second"]);
    assert_eq!(run.extensions(), [("e".to_owned(), true)]);
}

#[test]
fn nested_conditions_run_when_the_parent_matches() {
    let dialplan = default_context(
        r#"<extension name="outer">
  <condition field="destination_number" expression="^1(\d+)$">
    <action application="parent" data="$1"/>
    <condition field="caller_id_number" expression="^1000$">
      <action application="child"/>
      <condition field="caller_id_name" expression="^Alice$"><action application="grandchild"/></condition>
    </condition>
  </condition>
  <condition><action application="after"/></condition>
</extension>"#,
    );
    let run = run(&dialplan, "123");
    assert_eq!(
        run.applications(),
        ["parent 23", "child", "grandchild", "after"]
    );
    let skipped = self::run(&dialplan, "923");
    assert!(
        skipped.found.is_none(),
        "nested ones not tested: {:?}",
        skipped.trace
    );
}

#[test]
fn failing_nested_conditions_fail_the_parent_unless_not_required() {
    let make = |required: &str, break_mode: &str| {
        default_context(&format!(
            r#"<extension name="outer">
  <condition require-nested="{required}" break="{break_mode}">
    <action application="parent"/>
    <condition field="destination_number" expression="^nope$"><action application="child"/></condition>
  </condition>
  <condition><action application="after"/></condition>
</extension>
<extension name="next"><condition><action application="next"/></condition></extension>"#
        ))
    };
    // Required (the default): the extension fails at once; its queued action stays.
    let run = run(&make("true", "on-false"), "1");
    assert_eq!(run.applications(), ["parent", "next"]);
    assert_eq!(run.extensions()[0], ("outer".to_owned(), false));
    // Not required: the nested result counts as a pass.
    let run = self::run(&make("false", "on-false"), "1");
    assert_eq!(run.applications(), ["parent", "after"]);
    // break="never" goes on to the later conditions even when the nested ones fail.
    let run = self::run(&make("true", "never"), "1");
    assert_eq!(run.applications(), ["parent", "after"]);
}

#[test]
fn the_first_queued_action_names_the_extension_even_when_nested() {
    let dialplan = default_context(
        r#"<extension name="outer"><condition><condition><action application="deep"/></condition></condition></extension>"#,
    );
    assert_eq!(
        run(&dialplan, "1").found.expect("found").name,
        "outer_recur_1"
    );
}

#[test]
fn regex_all_needs_every_regex() {
    let dialplan = default_context(
        r#"<extension name="e"><condition regex="all">
  <regex field="caller_id_number" expression="^(10)(\d\d)$"/>
  <regex field="destination_number" expression="^(\d)(\d+)$"/>
  <action application="both" data="$1-$2"/>
  <anti-action application="not_both"/>
</condition></extension>"#,
    );
    let run = run(&dialplan, "555");
    // The captures are those of the last regex with groups.
    assert_eq!(run.applications(), ["both 5-55"]);
    assert_eq!(
        run.variable("DP_REGEX_MATCH_1"),
        Some("ARRAY::1000|:10|:00")
    );
    assert_eq!(run.variable("DP_REGEX_MATCH_2"), Some("ARRAY::555|:5|:55"));
    assert_eq!(self::run(&dialplan, "x").applications(), ["not_both"]);
}

#[test]
fn regex_any_needs_one_and_stops_at_it() {
    let dialplan = default_context(
        r#"<extension name="e"><condition regex="any">
  <regex field="destination_number" expression="^9(\d+)$"/>
  <regex field="destination_number" expression="^8(\d+)$"/>
  <regex field="caller_id_number" expression="^never$"/>
  <action application="one" data="[$1]"/>
  <anti-action application="none"/>
</condition></extension>"#,
    );
    let run = run(&dialplan, "8123");
    assert_eq!(run.applications(), ["one [123]"]);
    let regexes = run
        .trace
        .iter()
        .filter(|step| matches!(step, Step::Regex { .. }))
        .count();
    assert_eq!(regexes, 2, "the third is not tested");
    assert_eq!(self::run(&dialplan, "7").applications(), ["none"]);
}

#[test]
fn regex_xor_needs_exactly_one() {
    let dialplan = default_context(
        r#"<extension name="e"><condition regex="xor">
  <regex field="destination_number" expression="^1"/>
  <regex field="caller_id_number" expression="^1000$"/>
  <action application="exactly_one"/>
  <anti-action application="not_one"/>
</condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "2").applications(), ["exactly_one"]);
    assert_eq!(run(&dialplan, "1").applications(), ["not_one"]);
}

#[test]
fn regex_conditions_clear_old_regex_matches() {
    let dialplan = default_context(
        r#"<extension name="e"><condition regex="all"><regex field="destination_number" expression="^\d+$"/><action application="ok"/></condition></extension>"#,
    );
    let run = run_with(&dialplan, "1", &[("DP_REGEX_MATCH_7", "stale")]);
    assert_eq!(run.variable("DP_REGEX_MATCH_7"), None);
}

#[test]
fn captures_also_go_to_dp_match() {
    let dialplan = default_context(
        r#"<extension name="e"><condition field="destination_number" expression="^(\d)(\d)$"><action application="ok"/></condition></extension>"#,
    );
    assert_eq!(
        run(&dialplan, "12").variable("DP_MATCH"),
        Some("ARRAY::12|:1|:2")
    );
}

#[test]
fn inline_actions_run_during_the_hunt_and_later_conditions_see_them() {
    let dialplan = default_context(
        r#"<extension name="setter" continue="true"><condition field="destination_number" expression="^(\d+)$">
  <action application="set" data="target=x$1" inline="true"/>
  <action application="log" data="INFO inline" inline="true"/>
</condition></extension>
<extension name="reader"><condition field="${target}" expression="^x42$">
  <action application="reached" data="${target}"/>
</condition></extension>"#,
    );
    let run = run(&dialplan, "42");
    assert_eq!(
        run.applications(),
        ["reached ${target}"],
        "inline ones are not queued"
    );
    assert_eq!(run.variable("target"), Some("x42"));
    let outcomes: Vec<&InlineOutcome> = run
        .trace
        .iter()
        .filter_map(|step| match step {
            Step::Inline { outcome, .. } => Some(outcome),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [&InlineOutcome::Ran, &InlineOutcome::NotSimulated]
    );
}

#[test]
fn an_extension_with_only_inline_actions_is_still_found() {
    let dialplan = default_context(
        r#"<extension name="e"><condition><action application="set" data="a=1" inline="true"/></condition></extension>"#,
    );
    let found = run(&dialplan, "1")
        .found
        .expect("an empty extension, as in FreeSWITCH");
    assert!(found.applications.is_empty());
}

#[test]
fn loop_repeats_an_action() {
    let dialplan = default_context(
        r#"<extension name="e"><condition field="destination_number" expression="^(\d)$">
  <action application="beep" data="$1" loop="3"/>
  <action application="never" loop="0"/>
</condition></extension>"#,
    );
    assert_eq!(
        run(&dialplan, "7").applications(),
        ["beep 7", "beep 7", "beep 7"]
    );
}

#[test]
fn time_conditions_use_the_system_zone_by_default() {
    let dialplan = default_context(
        r#"<extension name="office"><condition wday="mon-fri" time-of-day="09:00-17:00">
  <action application="office"/>
  <anti-action application="after_hours"/>
</condition></extension>"#,
    );
    let at = |hour| seconds_from_civil(2026, 11, 23, hour, 0, 0);
    let profile = profile("default", "1");
    assert_eq!(
        run_at(&dialplan, &profile, &[], at(10)).applications(),
        ["office"]
    );
    assert_eq!(
        run_at(&dialplan, &profile, &[], at(20)).applications(),
        ["after_hours"]
    );
    let saturday = seconds_from_civil(2026, 11, 28, 10, 0, 0);
    assert_eq!(
        run_at(&dialplan, &profile, &[], saturday).applications(),
        ["after_hours"]
    );
}

#[test]
fn tod_tz_offset_then_timezone_choose_the_zone() {
    let dialplan = default_context(
        r#"<extension name="e"><condition hour="9"><action application="nine"/><anti-action application="not_nine"/></condition></extension>"#,
    );
    let profile = profile("default", "1");
    // 00:30 UTC is 09:30 in Tokyo.
    let now = seconds_from_civil(2026, 11, 23, 0, 30, 0);
    let apps =
        |variables: &[(&str, &str)]| run_at(&dialplan, &profile, variables, now).applications();
    assert_eq!(apps(&[]), ["not_nine"]);
    assert_eq!(apps(&[("tod_tz_offset", "9")]), ["nine"]);
    assert_eq!(apps(&[("timezone", "Asia/Tokyo")]), ["nine"]);
    assert_eq!(
        apps(&[("tod_tz_offset", "1"), ("timezone", "Asia/Tokyo")]),
        ["not_nine"],
        "tod_tz_offset wins"
    );
    assert_eq!(
        apps(&[("tod_tz_offset", "nine"), ("timezone", "Asia/Tokyo")]),
        ["nine"]
    );
    let error = try_run_at(&dialplan, &profile, &[("timezone", "Mars/Olympus")], now)
        .err()
        .expect("unknown zone");
    assert_eq!(
        error.to_string(),
        "dialplan.xml:3: the channel variable timezone names no known time zone: \"Mars/Olympus\""
    );
}

#[test]
fn time_and_field_in_one_condition_follow_freeswitch() {
    // FreeSWITCH tests the time first, then the field; a failing field after a passing time
    // still runs the actions, but the condition does not count as a match.
    let dialplan = default_context(
        r#"<extension name="e"><condition year="2026" field="destination_number" expression="^1$">
  <action application="action"/><anti-action application="anti"/>
</condition></extension>
<extension name="next"><condition><action application="next"/></condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "1").applications(), ["action"]);
    let run = self::run(&dialplan, "2");
    assert_eq!(run.applications(), ["action", "next"]);
    assert_eq!(run.extensions()[0], ("e".to_owned(), false));
    // A failing time with a matching field: the field alone decides.
    let past = default_context(
        r#"<extension name="e"><condition year="1999" field="destination_number" expression="^1$">
  <action application="action"/><anti-action application="anti"/>
</condition></extension>"#,
    );
    assert_eq!(self::run(&past, "1").applications(), ["action"]);
    assert_eq!(self::run(&past, "2").applications(), ["anti"]);
}

#[test]
fn a_regex_without_field_passes_on_its_time() {
    let dialplan = default_context(
        r#"<extension name="e"><condition regex="any">
  <regex year="1999"/>
  <regex field="destination_number" expression="^5$"/>
  <action application="ok"/><anti-action application="no"/>
</condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "5").applications(), ["ok"]);
    assert_eq!(run(&dialplan, "6").applications(), ["no"]);
}

#[test]
fn auto_hunt_starts_at_the_extension_named_like_the_destination() {
    let dialplan = default_context(
        r#"<extension name="first"><condition><action application="first"/></condition></extension>
<extension name="1234"><condition><action application="named"/></condition></extension>"#,
    );
    assert_eq!(run(&dialplan, "1234").applications(), ["first"]);
    assert_eq!(
        run_with(&dialplan, "1234", &[("auto_hunt", "true")]).applications(),
        ["named"]
    );
    assert_eq!(
        run_with(&dialplan, "999", &[("auto_hunt", "true")]).applications(),
        ["first"]
    );
}

#[test]
fn a_context_that_does_not_compile_fails_every_hunt_in_it() {
    let text = r#"<section name="dialplan">
<context name="default"><extension name="e"><condition field="destination_number" expression="(a)\1"/></extension></context>
<context name="other"><extension name="o"><condition><action application="ok"/></condition></extension></context>
</section>"#;
    let dialplan =
        Dialplan::compile(&XmlNode::parse_str(text, "dialplan.xml").expect("well-formed"));
    let error = try_run_at(&dialplan, &profile("default", "1"), &[], NOW)
        .err()
        .expect("broken");
    let message = error.to_string();
    assert!(
        message.starts_with("context \"default\" does not compile: dialplan.xml:2: <condition"),
        "{message}"
    );
    assert!(
        message.contains("backreferences are not supported"),
        "{message}"
    );
    assert_eq!(
        run_at(&dialplan, &profile("other", "1"), &[], NOW).applications(),
        ["ok"]
    );
}

/// The prefilter (used by untraced hunts) skips only extensions that could not have done
/// anything: on a dialplan mixing skippable first conditions with ones it must not skip
/// (anti-actions, `break="never"`, time attributes, flags, expanded fields), untraced and
/// traced hunts find the same applications and leave the same variables.
#[test]
fn prefiltered_hunts_find_what_full_hunts_find() {
    let dialplan = default_context(
        r#"<extension name="plain"><condition field="destination_number" expression="^1(\d\d)$"><action application="set" data="a=$1"/></condition></extension>
<extension name="anti"><condition field="destination_number" expression="^2\d\d$"><action application="set" data="b=1"/><anti-action application="set" data="not_two=yes"/></condition></extension>
<extension name="never" continue="true"><condition field="destination_number" expression="^3" break="never"><action application="set" data="c=1"/></condition><condition field="caller_id_number" expression="^1000$"><action application="set" data="after_never=yes"/></condition></extension>
<extension name="timed"><condition field="destination_number" expression="^4" wday="1-7"><action application="set" data="d=1"/></condition></extension>
<extension name="flagged"><condition field="destination_number" expression="/^five$/i"><action application="set" data="e=1"/></condition></extension>
<extension name="expanded"><condition field="${marker}" expression="^on$"><action application="set" data="f=1"/></condition></extension>
<extension name="caller"><condition field="caller_id_number" expression="^1000$"/><condition field="destination_number" expression="^6(\d)$"><action application="set" data="g=$1"/></condition></extension>
<extension name="last"><condition field="destination_number" expression="^\d+$"><action application="set" data="h=1"/></condition></extension>"#,
    );
    let system = TimeZone::utc();
    let zone = |_: &str| None;
    let clock = Clock {
        now: NOW,
        system: &system,
        zone: &zone,
    };
    for destination in ["142", "200", "300", "4", "FIVE", "61", "999", "x"] {
        for marker in ["on", "off"] {
            let profile = profile("default", destination);
            let start = vec![("marker".to_owned(), marker.to_owned())];
            let mut traced = Simulated {
                profile: &profile,
                variables: start.clone(),
            };
            let mut trace = Vec::new();
            let full =
                hunt(&dialplan, &profile, &mut traced, &clock, Some(&mut trace)).expect("hunts");
            let mut untraced = Simulated {
                profile: &profile,
                variables: start,
            };
            let filtered = hunt(&dialplan, &profile, &mut untraced, &clock, None).expect("hunts");
            assert_eq!(filtered, full, "destination {destination}, marker {marker}");
            assert_eq!(
                untraced.variables, traced.variables,
                "destination {destination}, marker {marker}"
            );
        }
    }
}
