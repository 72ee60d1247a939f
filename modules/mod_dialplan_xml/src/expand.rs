//! `${variable}` expansion of condition fields and expressions during the hunt.
//!
//! The same forms the core expands in application arguments when they run, so a field reads
//! exactly what an action's `${var}` would: `${name}` (nested `${a_${b}}` too); an unknown
//! variable reads as empty; `$${...}` (already expanded at load) and an unterminated `${` stay
//! as written.

const MAX_DEPTH: usize = 16;

/// Replaces each `${name}` in `text` with `lookup(name)`.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    expand_depth(text, lookup, 0)
}

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
        assert_eq!(expand("x${a}y", &lookup), "x1y");
        assert_eq!(expand("${${b}}", &lookup), "1");
        assert_eq!(expand("[${nope}]", &lookup), "[]");
        assert_eq!(expand("keep ${a", &lookup), "keep ${a");
        assert_eq!(expand("$${a}", &lookup), "$${a}");
        assert_eq!(expand("no variables", &lookup), "no variables");
    }
}
