//! Global `$${name}` variables and their expansion.

/// The global variables `$${name}` expands to, in insertion order.
///
/// The caller seeds it before loading (hostname, base_dir, conf_dir...);
/// `<X-PRE-PROCESS cmd="set" data="name=value"/>` adds to it while the
/// configuration is loaded, and the caller keeps the result.
///
/// Lookups are linear: a configuration has a few hundred globals at most.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Globals {
    entries: Vec<(String, String)>,
}

/// Something noteworthy found while expanding a string; `offset` is the
/// byte offset of the `$${` in the input.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ExpandIssue<'a> {
    Undefined { name: &'a str, offset: usize },
    Unterminated { offset: usize },
}

impl Globals {
    /// Creates an empty set of globals.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, keeping its place if it already exists;
    /// returns the previous value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        let name = name.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(key, _)| *key == name) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((name, value));
                None
            }
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let index = self.entries.iter().position(|(key, _)| key == name)?;
        Some(self.entries.remove(index).1)
    }

    /// Whether `name` is set.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `(name, value)` pairs in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Number of globals.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no globals.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Replaces every `$${name}` in `input` by the value of global `name`,
    /// as FreeSWITCH does: an undefined name expands to the empty string and
    /// an unterminated `$${` is kept as is; both are reported to `issue`.
    /// Values are inserted literally (not expanded again); `${name}` is left
    /// alone (it is a channel variable, expanded at run time).
    pub(crate) fn expand<'a>(
        &self,
        input: &'a str,
        mut issue: impl FnMut(ExpandIssue<'a>),
    ) -> String {
        const OPEN: &str = "$${";
        let mut out = String::with_capacity(input.len());
        let mut rest = input;
        while let Some(start) = rest.find(OPEN) {
            let offset = input.len() - rest.len() + start;
            out.push_str(&rest[..start]);
            let after_open = &rest[start + OPEN.len()..];
            let Some(close) = after_open.find('}') else {
                issue(ExpandIssue::Unterminated { offset });
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after_open[..close];
            match self.get(name) {
                Some(value) => out.push_str(value),
                None => issue(ExpandIssue::Undefined { name, offset }),
            }
            rest = &after_open[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl<N: Into<String>, V: Into<String>> Extend<(N, V)> for Globals {
    fn extend<I: IntoIterator<Item = (N, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.set(name, value);
        }
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Globals {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut globals = Self::new();
        globals.extend(iter);
        globals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_collecting<'a>(globals: &Globals, input: &'a str) -> (String, Vec<ExpandIssue<'a>>) {
        let mut issues = Vec::new();
        let out = globals.expand(input, |issue| issues.push(issue));
        (out, issues)
    }

    #[test]
    fn set_keeps_first_insertion_order_and_returns_previous_value() {
        let mut globals = Globals::new();
        assert_eq!(globals.set("b", "1"), None);
        assert_eq!(globals.set("a", "2"), None);
        assert_eq!(globals.set("b", "3"), Some("1".to_string()));
        let pairs: Vec<_> = globals.iter().collect();
        assert_eq!(pairs, [("b", "3"), ("a", "2")]);
    }

    #[test]
    fn remove_forgets_the_name() {
        let mut globals: Globals = [("a", "1")].into_iter().collect();
        assert_eq!(globals.remove("a"), Some("1".to_string()));
        assert!(!globals.contains("a"));
        assert!(globals.is_empty());
    }

    #[test]
    fn expand_replaces_defined_names_and_leaves_channel_variables() {
        let globals: Globals = [("domain", "example.com"), ("port", "5060")]
            .into_iter()
            .collect();
        let (out, issues) = expand_collecting(&globals, "sip:${user}@$${domain}:$${port}");
        assert_eq!(out, "sip:${user}@example.com:5060");
        assert!(issues.is_empty());
    }

    #[test]
    fn expand_does_not_expand_values_again() {
        let globals: Globals = [("a", "$${b}"), ("b", "no")].into_iter().collect();
        let (out, _) = expand_collecting(&globals, "$${a}");
        assert_eq!(out, "$${b}");
    }

    #[test]
    fn expand_reports_undefined_names_with_their_offset() {
        let (out, issues) = expand_collecting(&Globals::new(), "x=$${nope};");
        assert_eq!(out, "x=;");
        assert_eq!(
            issues,
            [ExpandIssue::Undefined {
                name: "nope",
                offset: 2
            }]
        );
    }

    #[test]
    fn expand_keeps_an_unterminated_reference() {
        let globals: Globals = [("a", "1")].into_iter().collect();
        let (out, issues) = expand_collecting(&globals, "$${a} $${b");
        assert_eq!(out, "1 $${b");
        assert_eq!(issues, [ExpandIssue::Unterminated { offset: 6 }]);
    }
}
