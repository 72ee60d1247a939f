//! The codec and format modules load from disk and are listed: `show codec` has PCMU, PCMA,
//! L16 and opus, `show file` has wav; mod_opus unloads (opus is gone, the others stay) and
//! loads again; a bad opus.conf value stops mod_opus with the file, line and reason.

use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};

const CODEC_MODULES: [&str; 4] = ["mod_g711", "mod_l16", "mod_opus", "mod_wav"];

fn codec_conf() -> TestConf {
    for name in CODEC_MODULES {
        module_file(name);
    }
    TestConf::new().modules(&CODEC_MODULES)
}

fn lists(listing: &str, row: &str) -> bool {
    listing.lines().any(|line| line == row)
}

#[test]
fn codecs_and_the_wav_format_are_listed() {
    let conf = codec_conf();
    let mut switch = Switch::start(&conf);

    let codecs = switch.api("show codec");
    for row in [
        "codec,PCMU,mod_g711",
        "codec,PCMA,mod_g711",
        "codec,L16,mod_l16",
        "codec,opus,mod_opus",
    ] {
        assert!(lists(&codecs, row), "`show codec` lacks {row}:\n{codecs}");
    }
    assert!(codecs.trim_end().ends_with("4 total."), "{codecs}");

    let files = switch.api("show file");
    assert!(
        lists(&files, "file,wav,mod_wav"),
        "`show file` lacks wav:\n{files}"
    );
}

#[test]
fn opus_unloads_and_loads_again() {
    let conf = codec_conf();
    let mut switch = Switch::start(&conf);
    assert!(lists(&switch.api("show codec"), "codec,opus,mod_opus"));

    assert_eq!(switch.api("unload mod_opus"), "+OK");
    let codecs = switch.api("show codec");
    assert!(
        !codecs.contains("opus"),
        "opus is gone after unload:\n{codecs}"
    );
    assert!(
        lists(&codecs, "codec,PCMU,mod_g711"),
        "the others stay:\n{codecs}"
    );
    assert!(codecs.trim_end().ends_with("3 total."), "{codecs}");

    assert_eq!(switch.api("load mod_opus"), "+OK");
    let codecs = switch.api("show codec");
    assert!(
        lists(&codecs, "codec,opus,mod_opus"),
        "opus is back:\n{codecs}"
    );
    assert!(codecs.trim_end().ends_with("4 total."), "{codecs}");
}

#[test]
fn a_bad_opus_conf_value_names_file_line_and_reason() {
    let conf = codec_conf();
    conf.write(
        "autoload_configs/opus.conf.xml",
        "<configuration name=\"opus.conf\">\n  <settings>\n    \
         <param name=\"complexity\" value=\"11\"/>\n  </settings>\n</configuration>\n",
    );
    let mut switch = Switch::start(&conf);
    wait_until("the refusal to be logged", || {
        conf.log().contains("mod_opus failed to load")
    });
    let log = conf.log();
    assert!(
        log.contains(
            "opus.conf.xml:3: <param name=\"complexity\" value=\"11\"/>: \"11\" is not a whole number from 0 to 10"
        ),
        "{log}"
    );
    let codecs = switch.api("show codec");
    assert!(!codecs.contains("opus"), "{codecs}");
    assert!(
        lists(&codecs, "codec,PCMA,mod_g711"),
        "the others load:\n{codecs}"
    );
}
