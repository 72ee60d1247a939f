//! Any text as an expression and as action data: compiling, matching and substituting never
//! panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mod_dialplan_xml::pattern::{substitute, Pattern};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expression, subject) = text.split_once('\n').unwrap_or((text, text));
    if let Ok(pattern) = Pattern::new(expression) {
        let captures = pattern.captures(subject);
        let _ = substitute(subject, captures.as_ref());
        if let Some(captures) = captures {
            let _ = captures.as_array_variable();
        }
    }
    let _ = substitute(text, None);
});
