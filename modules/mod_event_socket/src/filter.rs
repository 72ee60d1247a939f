//! Event filters (`filter <header> <value>`), with FreeSWITCH's semantics.
//!
//! With no filter every subscribed event is delivered. Once there is one, an event is
//! delivered only if a filter lets it in, and filters are looked at in the order they were
//! added, each only when the event has its header:
//!
//! - a value starting with `-` (after any `+`, `-` and spaces) is a negative filter: a match
//!   drops the event, whatever came before;
//! - any other value is positive: a match lets the event in (later positive filters are
//!   then skipped, negative ones still apply);
//! - a value written `/regex/` (optionally `/regex/i` or `/regex/s`) matches by regular
//!   expression, anything else by case-insensitive equality.
//!
//! So `filter Event-Name CHANNEL_ANSWER` keeps only answers, and adding
//! `filter Unique-ID -<uuid>` then drops that channel's answer.

use regex::{Regex, RegexBuilder};

/// One `filter <header> <value>`.
#[derive(Clone, Debug)]
struct Filter {
    header: String,
    value: String,
    /// Whether a match lets the event in (`false` for a `-value`).
    positive: bool,
    /// What the event's header is compared with.
    compare: Compare,
}

#[derive(Clone, Debug)]
enum Compare {
    /// Case-insensitive equality with the value, signs removed.
    Equal(String),
    /// A `/regex/`; `None` when it does not compile (it then never matches, as in
    /// FreeSWITCH).
    Regex(Option<Regex>),
}

/// A listener's filters, in the order they were added.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    filters: Vec<Filter>,
}

impl Filters {
    /// Adds `filter <header> <value>` (a header may have several).
    pub fn add(&mut self, header: &str, value: &str) {
        let (positive, compared) = strip_signs(value);
        let compare = if value.starts_with('/') {
            Compare::Regex(compile(value))
        } else {
            Compare::Equal(compared.to_owned())
        };
        self.filters.push(Filter {
            header: header.to_owned(),
            value: value.to_owned(),
            positive,
            compare,
        });
    }

    /// `filter delete <header> [value]`: removes the filters on `header` (any case) with
    /// exactly `value`, or all of them when `value` is `None`.
    pub fn delete(&mut self, header: &str, value: Option<&str>) {
        self.filters.retain(|filter| {
            !(filter.header.eq_ignore_ascii_case(header)
                && value.is_none_or(|value| filter.value == value))
        });
    }

    /// `filter delete all`.
    pub fn clear(&mut self) {
        self.filters.clear();
    }

    /// Whether there are no filters.
    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// Whether an event with these headers passes. `header` looks an event header up by
    /// name, case-insensitively.
    pub fn allows<'a>(&self, header: impl Fn(&str) -> Option<&'a str>) -> bool {
        if self.filters.is_empty() {
            return true;
        }
        let mut send = false;
        for filter in &self.filters {
            let Some(actual) = header(&filter.header) else {
                continue;
            };
            if send && filter.positive {
                continue;
            }
            let matched = match &filter.compare {
                Compare::Equal(expected) => actual.eq_ignore_ascii_case(expected),
                Compare::Regex(regex) => regex.as_ref().is_some_and(|regex| regex.is_match(actual)),
            };
            if matched {
                if filter.positive {
                    send = true;
                } else {
                    return false;
                }
            }
        }
        send
    }
}

/// The value without its leading `+`, `-` and spaces, and whether the last sign was `+` (or
/// there was none).
fn strip_signs(value: &str) -> (bool, &str) {
    let mut positive = true;
    for (index, ch) in value.char_indices() {
        match ch {
            '+' => positive = true,
            '-' => positive = false,
            ' ' => {}
            _ => return (positive, &value[index..]),
        }
    }
    (positive, "")
}

/// Compiles `/regex/flags` (`i`: ignore case, `s`: `.` matches line ends).
fn compile(value: &str) -> Option<Regex> {
    let inner = value.strip_prefix('/')?;
    let (pattern, flags) = inner.rsplit_once('/')?;
    RegexBuilder::new(pattern)
        .case_insensitive(flags.contains('i'))
        .dot_matches_new_line(flags.contains('s'))
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(filters: &Filters, headers: &[(&str, &str)]) -> bool {
        filters.allows(|name| {
            headers
                .iter()
                .find(|(header, _)| header.eq_ignore_ascii_case(name))
                .map(|(_, value)| *value)
        })
    }

    #[test]
    fn no_filters_lets_everything_in() {
        assert!(passes(&Filters::default(), &[("Event-Name", "HEARTBEAT")]));
    }

    #[test]
    fn a_positive_filter_keeps_only_matches() {
        let mut filters = Filters::default();
        filters.add("Event-Name", "channel_answer");
        assert!(passes(&filters, &[("Event-Name", "CHANNEL_ANSWER")]));
        assert!(!passes(&filters, &[("Event-Name", "CHANNEL_HANGUP")]));
        // An event without the header is not let in.
        assert!(!passes(&filters, &[("Other", "x")]));
    }

    #[test]
    fn positive_filters_on_several_headers_are_alternatives() {
        let mut filters = Filters::default();
        filters.add("Unique-ID", "u1");
        filters.add("Unique-ID", "u2");
        filters.add("Event-Name", "HEARTBEAT");
        assert!(passes(&filters, &[("Unique-ID", "u2")]));
        assert!(passes(&filters, &[("Event-Name", "HEARTBEAT")]));
        assert!(!passes(&filters, &[("Unique-ID", "u3")]));
    }

    #[test]
    fn a_negative_filter_drops_matches_whatever_came_before() {
        let mut filters = Filters::default();
        filters.add("Event-Name", "CHANNEL_ANSWER");
        filters.add("Unique-ID", "-u1");
        assert!(passes(
            &filters,
            &[("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "u2")]
        ));
        assert!(!passes(
            &filters,
            &[("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "u1")]
        ));
        // Negative filters alone let nothing in: something must match positively.
        let mut only_negative = Filters::default();
        only_negative.add("Unique-ID", "-u1");
        assert!(!passes(&only_negative, &[("Unique-ID", "u2")]));
    }

    #[test]
    fn regex_values_match_by_expression() {
        let mut filters = Filters::default();
        filters.add("Caller-Destination-Number", "/^10[0-9]{2}$/");
        assert!(passes(&filters, &[("Caller-Destination-Number", "1001")]));
        assert!(!passes(&filters, &[("Caller-Destination-Number", "2001")]));
        let mut ignore_case = Filters::default();
        ignore_case.add("Channel-Name", "/^LOOPBACK/i");
        assert!(passes(&ignore_case, &[("Channel-Name", "loopback/1-a")]));
    }

    #[test]
    fn a_broken_regex_never_matches() {
        let mut filters = Filters::default();
        filters.add("X", "/(unclosed/");
        filters.add("Y", "/no-closing-slash");
        assert!(!passes(
            &filters,
            &[("X", "(unclosed"), ("Y", "/no-closing-slash")]
        ));
    }

    #[test]
    fn delete_by_header_and_value_or_all() {
        let mut filters = Filters::default();
        filters.add("Unique-ID", "u1");
        filters.add("unique-id", "u2");
        filters.add("Event-Name", "HEARTBEAT");
        filters.delete("UNIQUE-ID", Some("u1"));
        assert!(!passes(&filters, &[("Unique-ID", "u1")]));
        assert!(passes(&filters, &[("Unique-ID", "u2")]));
        filters.delete("Unique-ID", None);
        assert!(!passes(&filters, &[("Unique-ID", "u2")]));
        filters.clear();
        assert!(filters.is_empty());
    }

    #[test]
    fn signs_and_spaces_before_the_value() {
        assert_eq!(strip_signs("-abc"), (false, "abc"));
        assert_eq!(strip_signs("+ -+x"), (true, "x"));
        assert_eq!(strip_signs(" - y"), (false, "y"));
        assert_eq!(strip_signs("--"), (false, ""));
    }
}
