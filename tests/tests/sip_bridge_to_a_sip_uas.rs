//! `bridge sofia/<profile>/<user>@<host>:<port>`: a sipp UAC calls through ferroswitch to a
//! sipp UAS. When the UAS answers, the caller is answered; the caller's BYE ends both legs
//! (the UAS gets a BYE). When the UAS is busy (486), the caller gets 486 too; when the
//! originator gives up while the UAS rings, the UAS gets a CANCEL.

use ferroswitch_tests::sip::{self, free_sip_port, scenario, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, Switch, TestConf};

fn dialplan(uas_port: u16) -> String {
    format!(
        r#"<include>
  <context name="public">
    <extension name="bridge">
      <condition field="destination_number" expression="^bridge$">
        <action application="bridge" data="sofia/test/uas@127.0.0.1:{uas_port}"/>
      </condition>
    </extension>
  </context>
</include>
"#
    )
}

fn start(uas_port: u16) -> (TestConf, Switch, u16) {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", &dialplan(uas_port))]);
    let port = trusted_profile(&conf);
    let switch = sip::start(&conf);
    (conf, switch, port)
}

#[test]
fn a_bridged_call_is_answered_and_the_callers_bye_reaches_the_callee() {
    let uas_port = free_sip_port();
    let (_conf, mut switch, port) = start(uas_port);
    let uas = Sipp::uas(uas_port, &["-sn", "uas"]).spawn();

    let caller = Sipp::uac(port, &["-sn", "uac", "-s", "bridge"]).run();
    let callee = uas.wait();
    assert!(
        caller.success,
        "the caller's call must complete: {}",
        caller.report
    );
    assert!(
        callee.success,
        "the callee must be called and get BYE: {}",
        callee.report
    );
    wait_until("both SIP channels to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}

#[test]
fn a_busy_callee_makes_the_caller_busy() {
    let uas_port = free_sip_port();
    let (_conf, _switch, port) = start(uas_port);
    let busy = scenario("uas_486.xml");
    let uas = Sipp::uas(uas_port, &["-sf", busy.to_str().expect("a UTF-8 path")]).spawn();

    let caller = Sipp::uac_scenario(port, "uac_486.xml", "bridge").run();
    let callee = uas.wait();
    assert!(caller.success, "the caller must get 486: {}", caller.report);
    assert!(
        callee.success,
        "the callee must be called and ACKed: {}",
        callee.report
    );
}

#[test]
fn a_callee_that_only_rings_is_cancelled_when_the_originator_gives_up() {
    let uas_port = free_sip_port();
    let (_conf, mut switch, _port) = start(uas_port);
    let ringing = scenario("uas_ringing_cancelled.xml");
    let uas = Sipp::uas(uas_port, &["-sf", ringing.to_str().expect("a UTF-8 path")]).spawn();

    // The core gives up after originate_timeout; the leg then CANCELs its INVITE (once
    // the 180 is in, as RFC 3261 §9.1 asks).
    let output = switch.api(&format!(
        "originate {{originate_timeout=2}}sofia/test/uas@127.0.0.1:{uas_port} &park()"
    ));
    let callee = uas.wait();
    assert!(output.contains("NO_ANSWER"), "{output}");
    assert!(callee.success, "the callee is cancelled: {}", callee.report);
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
