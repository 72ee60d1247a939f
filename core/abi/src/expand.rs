//! `${variable}` expansion, as FreeSWITCH's `switch_channel_expand_variables` does it for the
//! simple forms: the core expands application arguments with it, and a dialplan expands
//! condition fields with it, so both read a `${var}` the same way.

/// Replaces each `${name}` in `text` with `lookup(name)` (empty when unknown). Nested
/// references inside a name (`${a_${b}}`) are expanded first. `$${...}` globals were already
/// expanded when the configuration was loaded and are left alone here. Unterminated `${` is
/// kept as written.
pub fn expand_variables(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    expand_depth(text, lookup, 0)
}

const MAX_DEPTH: usize = 16;

fn expand_depth(text: &str, lookup: &dyn Fn(&str) -> Option<String>, depth: usize) -> String {
    if depth > MAX_DEPTH || !text.contains("${") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if start > 0 && rest.as_bytes()[start - 1] == b'$' {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match matching_brace(after) {
            Some(end) => {
                let name = expand_depth(&after[..end], lookup, depth + 1);
                out.push_str(&lookup(&name).unwrap_or_default());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (index, byte) in text.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' if depth == 0 => return Some(index),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "a" => Some("1".into()),
            "b" => Some("a".into()),
            _ => None,
        }
    }

    #[test]
    fn expands_plain_nested_unknown_and_unterminated() {
        assert_eq!(expand_variables("x${a}y", &lookup), "x1y");
        assert_eq!(expand_variables("${${b}}", &lookup), "1");
        assert_eq!(expand_variables("[${nope}]", &lookup), "[]");
        assert_eq!(expand_variables("keep ${a", &lookup), "keep ${a");
        assert_eq!(expand_variables("$${a}", &lookup), "$${a}");
    }

    #[test]
    fn no_input_panics() {
        let alphabet = ['$', '{', '}', 'a', 'b', '\\', 'é'];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 20) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let _ = expand_variables(&text, &lookup);
        }
    }
}
