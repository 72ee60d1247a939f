//! `user/<id>[@<domain>]` and `error/<cause>` legs, as FreeSWITCH's mod_dptools provides them:
//! a user leg becomes the legs of that user's `dial-string` from the directory (the user's
//! own param, else its domain's), expanded with `dialed_user`, `dialed_domain` and API calls
//! such as `${sofia_contact(...)}`; the user's and domain's `<variables>` go to those legs.
//! An error leg fails at once with its cause.

use ferroswitch_abi::expand::expand_variables;
use ferroswitch_abi::{Error, HangupCause};
use ferroswitch_xml::XmlNode;

use crate::core::Core;

use super::dial_string::{self, DialLeg, DialString};

/// Replaces every `user/` leg of `dial` with the legs its directory entry dials. A user that
/// cannot be resolved becomes an `error/` leg carrying why, so its group fails with that
/// cause like any other failed leg.
pub fn expand_user_legs(core: Core, dial: &mut DialString) {
    for group in &mut dial.groups {
        let legs = std::mem::take(group);
        for leg in legs {
            if leg.endpoint != "user" {
                group.push(leg);
                continue;
            }
            match resolve(core, &leg.data) {
                Ok(resolved) => {
                    for mut sub_leg in resolved {
                        // The outer leg's `[vars]` apply to each leg it became, below the
                        // sub-leg's own.
                        let mut variables = leg.variables.clone();
                        variables.append(&mut sub_leg.variables);
                        sub_leg.variables = variables;
                        group.push(sub_leg);
                    }
                }
                Err(cause) => group.push(DialLeg {
                    endpoint: "error".to_owned(),
                    data: cause.name().to_ascii_lowercase(),
                    variables: leg.variables,
                }),
            }
        }
    }
}

/// The cause an `error/<cause>` leg fails with (FreeSWITCH's `error/user_busy`).
pub fn error_leg(data: &str) -> Error {
    let cause = HangupCause::parse(&data.to_ascii_uppercase())
        .unwrap_or(HangupCause::DESTINATION_OUT_OF_ORDER);
    Error::failed(format!("error/{data}")).with_cause(cause)
}

fn resolve(core: Core, data: &str) -> Result<Vec<DialLeg>, HangupCause> {
    let config = core.inner().config.current();
    let (user, domain) = match data.split_once('@') {
        Some((user, domain)) => (user.to_owned(), domain.to_owned()),
        None => (
            data.to_owned(),
            config.globals.get("domain").unwrap_or_default().to_owned(),
        ),
    };
    let log = |message: String| {
        core.inner().logging.log(
            &core,
            ferroswitch_abi::LogLevel::Warning,
            "core",
            "",
            &message,
        );
    };
    let Some((domain_node, user_node)) = find_user(&config.root, &user, &domain) else {
        log(format!(
            "user/{data}: no user {user} in directory domain {domain}"
        ));
        return Err(HangupCause::SUBSCRIBER_ABSENT);
    };
    let param = |name: &str| {
        [user_node, domain_node].iter().find_map(|node| {
            node.child("params")
                .and_then(|params| params.params().find(|(key, _)| *key == name))
                .map(|(_, value)| value.to_owned())
        })
    };
    let Some(template) = param("dial-string").filter(|text| !text.trim().is_empty()) else {
        log(format!(
            "user/{data}: no dial-string for user {user}@{domain}"
        ));
        return Err(HangupCause::DESTINATION_OUT_OF_ORDER);
    };
    let lookup = |name: &str| -> Option<String> {
        match name {
            "dialed_user" => Some(user.clone()),
            "dialed_domain" | "domain_name" => Some(domain.clone()),
            _ => api_call(core, name),
        }
    };
    let expanded = expand_variables(&template, &lookup);
    let mut parsed = match dial_string::parse(&expanded) {
        Ok(parsed) => parsed,
        Err(reason) => {
            log(format!("user/{data}: dial-string `{expanded}`: {reason}"));
            return Err(HangupCause::USER_NOT_REGISTERED);
        }
    };
    let mut common: Vec<(String, String)> = vec![
        ("dialed_user".to_owned(), user.clone()),
        ("dialed_domain".to_owned(), domain.clone()),
    ];
    for node in [domain_node, user_node] {
        if let Some(variables) = node.child("variables") {
            common.extend(variables.children_named("variable").filter_map(|variable| {
                Some((
                    variable.attr("name")?.to_owned(),
                    variable.attr("value").unwrap_or_default().to_owned(),
                ))
            }));
        }
    }
    common.append(&mut parsed.variables);
    // Only the first failover group is kept: a user is one ring-all target. (FreeSWITCH
    // originates a nested dial string; a user's dial-string with `|` is rare.)
    let legs = parsed.groups.into_iter().next().unwrap_or_default();
    Ok(legs
        .into_iter()
        .map(|mut leg| {
            let mut variables = common.clone();
            variables.append(&mut leg.variables);
            leg.variables = variables;
            leg
        })
        .collect())
}

/// `name(args)` runs API `name` with `args` (FreeSWITCH's `${api(args)}` expansion).
fn api_call(core: Core, name: &str) -> Option<String> {
    let (command, rest) = name.split_once('(')?;
    let args = rest.strip_suffix(')')?;
    crate::api::execute(core, command.trim(), args, None).ok()
}

/// The directory's `<domain>` named `domain` and its user `user` (directly under the
/// domain, under `<users>`, or in a group's `<users>`).
fn find_user<'a>(
    root: &'a XmlNode,
    user: &str,
    domain: &str,
) -> Option<(&'a XmlNode, &'a XmlNode)> {
    let directory = root.section("directory")?;
    let domain_node = directory
        .children_named("domain")
        .find(|node| node.attr("name") == Some(domain))?;
    let user_node = find_descendant_user(domain_node, user)?;
    Some((domain_node, user_node))
}

fn find_descendant_user<'a>(node: &'a XmlNode, id: &str) -> Option<&'a XmlNode> {
    for child in &node.children {
        if child.name == "user"
            && child.attr("id") == Some(id)
            && child.attr("type") != Some("pointer")
        {
            return Some(child);
        }
        if matches!(child.name.as_str(), "users" | "groups" | "group") {
            if let Some(found) = find_descendant_user(child, id) {
                return Some(found);
            }
        }
    }
    None
}
