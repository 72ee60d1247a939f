//! Skipping, in one pass, the extensions whose first condition cannot match.
//!
//! A hunt tries extensions in order, and most start with a condition on a caller-profile field
//! (`destination_number`). When that first condition has no time attributes, no anti-actions
//! and breaks on false (the default), its failing ends the extension with no effect at all.
//! So for each such field, one [`RegexSet`] of those first conditions, matched once against
//! the field's value, tells which of those extensions to skip — instead of running their
//! regexes one by one. The result is the same hunt; only traced hunts (`route_test`), which
//! report every condition, run without it.

use regex::bytes::{RegexSet, RegexSetBuilder};

use super::{Break, Condition, Expression, Extension, Field, Test};

/// The skippable extensions of one context, grouped by the field their first condition tests.
#[derive(Debug, Default)]
pub struct Prefilter {
    groups: Vec<Group>,
}

#[derive(Debug)]
struct Group {
    /// The caller-profile field.
    field: String,
    /// Each member extension's first-condition pattern, in `extensions` order.
    set: RegexSet,
    /// The extensions' indices in the context.
    extensions: Vec<usize>,
}

impl Prefilter {
    /// The prefilter for a context's extensions.
    pub fn build(extensions: &[Extension]) -> Prefilter {
        let mut members: Vec<(String, Vec<(usize, String)>)> = Vec::new();
        for (index, extension) in extensions.iter().enumerate() {
            let Some((field, pattern)) = extension.conditions.first().and_then(skippable_test)
            else {
                continue;
            };
            match members.iter_mut().find(|(name, _)| name == field) {
                Some((_, list)) => list.push((index, pattern.to_owned())),
                None => members.push((field.to_owned(), vec![(index, pattern.to_owned())])),
            }
        }
        let groups = members
            .into_iter()
            .filter_map(|(field, list)| {
                // The same engine settings as each `Pattern`: bytes, ASCII classes. A set too
                // large for the engine's limits simply leaves its extensions to be tried one by
                // one.
                let set = RegexSetBuilder::new(list.iter().map(|(_, pattern)| pattern))
                    .unicode(false)
                    .build()
                    .ok()?;
                Some(Group {
                    field,
                    set,
                    extensions: list.into_iter().map(|(index, _)| index).collect(),
                })
            })
            .collect();
        Prefilter { groups }
    }

    /// For each of `count` extensions, whether the hunt may skip it: its first condition
    /// tests a field (read through `value`) that the condition's pattern does not match.
    pub fn skipped<'v>(&self, count: usize, value: impl Fn(&str) -> &'v str) -> Vec<bool> {
        let mut skip = vec![false; count];
        for group in &self.groups {
            let matched = group.set.matches(value(&group.field).as_bytes());
            for (member, &extension) in group.extensions.iter().enumerate() {
                if !matched.matched(member) {
                    if let Some(flag) = skip.get_mut(extension) {
                        *flag = true;
                    }
                }
            }
        }
        skip
    }
}

/// The field and set-compatible pattern of a first condition whose failure has no effect.
fn skippable_test(condition: &Condition) -> Option<(&str, &str)> {
    if condition.time.is_some()
        || !condition.anti_actions.is_empty()
        || condition.break_on != Break::OnFalse
    {
        return None;
    }
    match &condition.test {
        Test::Field {
            field: Field::Profile(field),
            expression: Expression::Fixed(pattern),
        } => Some((field.as_str(), pattern.set_member()?)),
        _ => None,
    }
}
