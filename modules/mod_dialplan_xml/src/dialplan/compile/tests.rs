use super::*;

fn compile(contexts: &str) -> Dialplan {
    let text = format!("<section name=\"dialplan\">\n{contexts}\n</section>");
    Dialplan::compile(&XmlNode::parse_str(&text, "dialplan.xml").expect("well-formed"))
}

fn errors(dialplan: &Dialplan, context: &str) -> Vec<String> {
    match &dialplan
        .context(context)
        .expect("context exists")
        .extensions
    {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn warnings(dialplan: &Dialplan) -> Vec<String> {
    dialplan
        .warnings()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn compiles_extensions_conditions_and_actions() {
    let dialplan = compile(
        r#"<context name="default">
  <extension name="a" continue="true">
    <condition field="destination_number" expression="^(\d+)$" break="never">
      <action application="set" data="x=$1" inline="true"/>
      <action application="log" loop="3">INFO text data wins</action>
      <anti-action application="hangup"/>
      <condition wday="2-6"><action application="answer"/></condition>
    </condition>
  </extension>
  <extension><condition/></extension>
</context>"#,
    );
    let context = dialplan.context("default").expect("present");
    let extensions = context.extensions.as_ref().expect("compiles");
    assert_eq!(extensions.len(), 2);
    let first = &extensions[0];
    assert_eq!((first.name.as_str(), first.continue_on_match), ("a", true));
    let condition = &first.conditions[0];
    assert_eq!(condition.origin.line, 4);
    assert_eq!(condition.break_on, Break::Never);
    assert!(matches!(
        &condition.test,
        Test::Field { field: Field::Profile(name), expression: Expression::Fixed(_) }
            if name == "destination_number"
    ));
    assert_eq!(condition.actions[0].data, "x=$1");
    assert!(condition.actions[0].inline);
    assert_eq!(condition.actions[1].data, "INFO text data wins");
    assert_eq!(condition.actions[1].repeat, 3);
    assert_eq!(condition.anti_actions[0].application, "hangup");
    assert!(condition.nested[0].time.is_some());
    assert_eq!(extensions[1].name, "UNKNOWN");
    assert!(matches!(extensions[1].conditions[0].test, Test::Absolute));
    assert!(warnings(&dialplan).is_empty(), "{:?}", warnings(&dialplan));
}

#[test]
fn variables_in_fields_and_expressions_wait_for_the_hunt() {
    let dialplan = compile(
        r#"<context name="c"><extension name="e">
  <condition field="${sip_user}" expression="^${wanted}$"/>
  <condition field="caller_id_number"><expression><![CDATA[^(1\d{3})$]]></expression></condition>
</extension></context>"#,
    );
    let extensions = dialplan
        .context("c")
        .expect("present")
        .extensions
        .as_ref()
        .expect("compiles");
    let conditions = &extensions[0].conditions;
    assert!(matches!(
        &conditions[0].test,
        Test::Field { field: Field::Expanded(field), expression: Expression::Expanded(text) }
            if field == "${sip_user}" && text == "^${wanted}$"
    ));
    assert!(matches!(
        &conditions[1].test,
        Test::Field { expression: Expression::Fixed(pattern), .. } if pattern.source() == r"^(1\d{3})$"
    ));
}

#[test]
fn errors_name_file_line_element_and_reason_and_break_only_their_context() {
    let dialplan = compile(
        r#"<context name="broken">
  <extension name="e">
    <condition field="destination_number" expression="^(?!9)"/>
    <condition break="sometimes"/>
    <condition regex="most"/>
    <condition hour="25"/>
    <condition><action data="no application"/></condition>
    <condition><action application="log" loop="many"/></condition>
    <condition><action application="log" inline="perhaps"/></condition>
    <condition><acton application="log"/></condition>
  </extension>
  <extension name="f" continue="sure"/>
  <bogus/>
</context>
<context name="fine"><extension name="ok"><condition/></extension></context>"#,
    );
    let errors = errors(&dialplan, "broken");
    let expected = [
        "dialplan.xml:4: <condition field=\"destination_number\" expression=\"^(?!9)\"/>: \
         regular expression \"^(?!9)\" does not compile: look-around",
        "dialplan.xml:5: <condition break=\"sometimes\"/>: break=\"sometimes\" is not one of",
        "dialplan.xml:6: <condition regex=\"most\"/>: regex=\"most\" is not one of all, any, xor",
        "dialplan.xml:7: <condition hour=\"25\"/>: hour: \"25\" is not",
        "dialplan.xml:8: <action data=\"no application\"/>: an action needs an application",
        "dialplan.xml:9: <action application=\"log\" loop=\"many\"/>: loop=\"many\" is not",
        "dialplan.xml:10: <action application=\"log\" inline=\"perhaps\"/>: inline: \"perhaps\"",
        "dialplan.xml:11: <acton application=\"log\"/>: a condition holds",
        "dialplan.xml:13: <extension name=\"f\" continue=\"sure\"/>: continue:",
        "dialplan.xml:14: <bogus/>: a context holds only <extension> elements",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (error, expected) in errors.iter().zip(expected) {
        assert!(
            error.starts_with(expected),
            "{error}\n  expected {expected}"
        );
    }
    assert!(dialplan
        .context("fine")
        .expect("present")
        .extensions
        .is_ok());
}

#[test]
fn harmless_oddities_are_warnings() {
    let dialplan = compile(
        r#"<context name="a" colour="blue"><extension name="e">
  <condition field="destination_number"/>
  <condition expression="^1$"/>
  <condition><regex field="ani" expression="1"/></condition>
  <condition regex="all"><regex field="ani" expression="1" hour="9"/></condition>
</extension></context>
<context name="a"/>
<context/>
<notacontext/>"#,
    );
    assert!(dialplan.context("a").expect("present").extensions.is_ok());
    let warnings = warnings(&dialplan);
    let expected = [
        "unknown attribute \"colour\"",
        "a field without an expression matches anything",
        "an expression without a field is not tested",
        "<regex> children are only tested with regex=",
        "its time attributes are ignored",
        "context \"a\" is already defined at dialplan.xml:2",
        "a context needs a name",
        "holds <context> elements",
    ];
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for (warning, expected) in warnings.iter().zip(expected) {
        assert!(
            warning.contains(expected),
            "{warning}\n  expected {expected}"
        );
    }
}

#[test]
fn loop_counts_below_one_run_nothing() {
    let dialplan = compile(
        r#"<context name="c"><extension name="e"><condition>
  <action application="a" loop="0"/><action application="b" loop="-2"/>
</condition></extension></context>"#,
    );
    let extensions = dialplan
        .context("c")
        .expect("present")
        .extensions
        .as_ref()
        .expect("compiles");
    let repeats: Vec<u32> = extensions[0].conditions[0]
        .actions
        .iter()
        .map(|action| action.repeat)
        .collect();
    assert_eq!(repeats, [0, 0]);
}
