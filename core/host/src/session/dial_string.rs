//! Dial strings, as FreeSWITCH writes them: `{var=val,...}` for every leg, then legs joined by
//! `|` (try in turn) and `,` (ring at once), each `[var=val,...]endpoint/data`. A `\,` or
//! `\|` is a literal comma or bar.

/// One leg to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialLeg {
    /// The endpoint's name (`loopback`).
    pub endpoint: String,
    /// What follows `endpoint/`.
    pub data: String,
    /// `[var=val]` variables of this leg.
    pub variables: Vec<(String, String)>,
}

/// A parsed dial string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DialString {
    /// `{var=val}` variables for every leg.
    pub variables: Vec<(String, String)>,
    /// Groups tried in turn; the legs of one group ring at once.
    pub groups: Vec<Vec<DialLeg>>,
}

/// Parses `text`; an error says what is wrong with it.
pub fn parse(text: &str) -> Result<DialString, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty dial string".to_owned());
    }
    let (variables, rest) = take_block(text, '{', '}')?;
    let mut dial = DialString {
        variables,
        groups: Vec::new(),
    };
    for group in split_top_level(rest, '|') {
        let mut legs = Vec::new();
        for leg in split_top_level(&group, ',') {
            let leg = leg.trim();
            if leg.is_empty() {
                continue;
            }
            let (variables, target) = take_block(leg, '[', ']')?;
            let target = unescape(target.trim());
            let Some((endpoint, data)) = target.split_once('/') else {
                return Err(format!(
                    "'{target}' names no endpoint (expected endpoint/destination)"
                ));
            };
            legs.push(DialLeg {
                endpoint: endpoint.to_owned(),
                data: data.to_owned(),
                variables,
            });
        }
        if !legs.is_empty() {
            dial.groups.push(legs);
        }
    }
    if dial.groups.is_empty() {
        return Err(format!("'{text}' holds no leg to call"));
    }
    Ok(dial)
}

/// Variables as name/value pairs, in the order written.
type Variables = Vec<(String, String)>;

/// Splits off a leading `open ... close` variable block.
fn take_block(text: &str, open: char, close: char) -> Result<(Variables, &str), String> {
    let text = text.trim_start();
    let Some(inner) = text.strip_prefix(open) else {
        return Ok((Vec::new(), text));
    };
    let mut quoted = false;
    let mut escaped = false;
    for (index, ch) in inner.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '\'' => quoted = !quoted,
            c if c == close && !quoted => {
                return Ok((parse_variables(&inner[..index]), &inner[index + 1..]))
            }
            _ => {}
        }
    }
    Err(format!("unterminated '{open}' in dial string"))
}

/// `a=1,b='x,y',c=z\,w` → pairs.
fn parse_variables(text: &str) -> Variables {
    split_top_level(text, ',')
        .into_iter()
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let value = value.trim();
            let value = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(value);
            Some((name.trim().to_owned(), unescape(value)))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// Splits on `separator` outside `[...]`, `{...}` and quotes, keeping escapes for later.
fn split_top_level(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for ch in text.chars() {
        if escaped {
            current.push(ch);
            escaped = false;
            continue;
        }
        match ch {
            '\\' => {
                current.push(ch);
                escaped = true;
            }
            '\'' => {
                quoted = !quoted;
                current.push(ch);
            }
            '[' | '{' if !quoted => {
                depth += 1;
                current.push(ch);
            }
            ']' | '}' if !quoted => {
                depth = depth.saturating_sub(1);
                current.push(ch);
            }
            c if c == separator && depth == 0 && !quoted => {
                parts.push(std::mem::take(&mut current))
            }
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

fn unescape(text: &str) -> String {
    text.replace("\\,", ",").replace("\\|", "|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_and_leg_variables_ring_all_and_failover() {
        let dial = parse("{a=1,b='x,y'}[c=2]loopback/1000,loopback/1001|loopback/1002\\,x")
            .expect("parses");
        assert_eq!(
            dial.variables,
            vec![("a".into(), "1".into()), ("b".into(), "x,y".into())]
        );
        assert_eq!(dial.groups.len(), 2);
        assert_eq!(dial.groups[0].len(), 2);
        assert_eq!(dial.groups[0][0].variables, vec![("c".into(), "2".into())]);
        assert_eq!(dial.groups[0][1].data, "1001");
        assert_eq!(dial.groups[1][0].data, "1002,x");
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(parse("{a=1").unwrap_err().contains("unterminated"));
        assert!(parse("nobody").unwrap_err().contains("no endpoint"));
    }

    /// Every string over the dial-string alphabet up to a length parses or errs, never panics.
    #[test]
    fn no_input_panics() {
        let alphabet = [
            '{', '}', '[', ']', ',', '|', '\\', '\'', '=', '/', 'a', ' ', 'é',
        ];
        // A fixed linear congruential sequence: many shapes, the same every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let _ = parse(&text);
        }
    }
}
