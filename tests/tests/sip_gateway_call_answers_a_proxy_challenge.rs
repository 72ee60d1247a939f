//! `bridge sofia/gateway/<name>/<number>` sends the INVITE to the gateway's proxy for
//! `<number>`, From the gateway's from-user@from-domain; the proxy (sipp) challenges with
//! 407 and checks the digest answered with the gateway's credentials, then answers.

use std::io::Write;
use std::process::{Command, Stdio};

use ferroswitch_tests::sip::{
    bridge_out_to, free_sip_port, scenario, start, trusted_profile_with_gateways, Sipp,
};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn a_gateway_call_is_sent_again_with_the_gateways_credentials() {
    let proxy_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    bridge_out_to(&conf, "sofia/gateway/provider/5551234");
    let port = trusted_profile_with_gateways(
        &conf,
        &format!(
            r#"<gateway name="provider">
  <param name="username" value="gw-user"/>
  <param name="password" value="secret"/>
  <param name="realm" value="far.example"/>
  <param name="proxy" value="127.0.0.1:{proxy_port}"/>
  <param name="register" value="false"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    assert!(
        switch.api("sofia status gateway").contains("\tNOREG\t"),
        "a gateway that does not register is NOREG"
    );
    let challenging = scenario("uas_proxy_challenge.xml");
    // RFC 2617 without qop: H(H(user:realm:password):nonce:H(method:uri)).
    let ha1 = md5_hex("gw-user:far.example:secret");
    let ha2 = md5_hex(&format!("INVITE:sip:5551234@127.0.0.1:{proxy_port}"));
    let expected = md5_hex(&format!("{ha1}:5b4c3d2e:{ha2}"));
    let proxy = Sipp::uas(
        proxy_port,
        &[
            "-sf",
            challenging.to_str().expect("a UTF-8 path"),
            "-key",
            "expected_response",
            &expected,
        ],
    )
    .spawn();

    let caller = Sipp::uac(port, &["-sn", "uac", "-s", "out"]).run();
    let proxy = proxy.wait();
    assert!(
        caller.success,
        "the call goes through: {}\n{}\nswitch: {}",
        caller.report,
        proxy.report,
        switch.stderr()
    );
    assert!(
        proxy.success,
        "the proxy sees the gateway's number, From and digest: {}",
        proxy.report
    );
    wait_until("both SIP channels to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    let details = switch.api("sofia status gateway provider");
    assert!(details.contains("CallsOUT\t1"), "{details}");
    assert!(details.contains("FailedCallsOUT\t0"), "{details}");
}

/// MD5 of `text` in lower-case hex, from coreutils' md5sum (the test crate has no hash
/// dependency, and an independent implementation is the point).
fn md5_hex(text: &str) -> String {
    let mut child = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("md5sum runs");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(text.as_bytes())
        .expect("md5sum reads");
    let output = child.wait_with_output().expect("md5sum ends");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_owned()
}
