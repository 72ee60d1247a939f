//! A call to a number no extension matches ends with NO_ROUTE_DESTINATION, which the caller
//! sees as 404 Not Found (FreeSWITCH's cause-to-SIP map).

use ferroswitch_tests::sip::{scenario, sip_profile, start, Sipp};
use ferroswitch_tests::TestConf;

#[test]
fn an_unrouted_number_is_answered_404() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[(
        "public.xml",
        r#"<include><context name="public"/></include>"#,
    )]);
    let port = sip_profile(
        &conf,
        r#"<param name="apply-inbound-acl" value="loopback.auto"/>"#,
    );
    let _switch = start(&conf);

    let scenario = scenario("uac_404.xml");
    let call = Sipp::uac(
        port,
        &[
            "-sf",
            scenario.to_str().expect("a UTF-8 path"),
            "-s",
            "nobody",
        ],
    )
    .run();
    assert!(call.success, "the INVITE must get 404: {}", call.report);
}
