//! A call to a number no extension matches ends with NO_ROUTE_DESTINATION, which the caller
//! sees as 404 Not Found (FreeSWITCH's cause-to-SIP map).

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::TestConf;

#[test]
fn an_unrouted_number_is_answered_404() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[(
        "public.xml",
        r#"<include><context name="public"/></include>"#,
    )]);
    let port = trusted_profile(&conf);
    let _switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_404.xml", "nobody").run();
    assert!(call.success, "the INVITE must get 404: {}", call.report);
}
