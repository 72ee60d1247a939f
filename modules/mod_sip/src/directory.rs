//! Users from the `directory` section: the `password` param digest authentication checks,
//! and the `<variables>` an authenticated caller's channel takes (`user_context`,
//! `effective_caller_id_*`), as FreeSWITCH's `user_data` lookup does.

use ferroswitch_abi::xml::XmlNode;

/// What the directory says about one user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryUser {
    /// The user's id.
    pub id: String,
    /// The domain the user was found in.
    pub domain: String,
    /// The `password` param (the domain's, when the user has none).
    pub password: Option<String>,
    /// The domain's then the user's `<variables>`, the user's winning.
    pub variables: Vec<(String, String)>,
}

impl DirectoryUser {
    /// The value of variable `name`.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.variables
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Finds user `id` in `directory`, preferring domain `domain`; a user found only in
/// another domain is still found (a switch whose domain is its IP address is reached by
/// name and by address alike).
pub fn find_user(directory: &XmlNode, id: &str, domain: &str) -> Option<DirectoryUser> {
    let domains: Vec<&XmlNode> = directory.children_named("domain").collect();
    let preferred = domains.iter().filter(|d| {
        d.attr("name")
            .is_some_and(|n| n.eq_ignore_ascii_case(domain))
    });
    let others = domains.iter().filter(|d| {
        !d.attr("name")
            .is_some_and(|n| n.eq_ignore_ascii_case(domain))
    });
    preferred
        .chain(others)
        .find_map(|domain_node| user_in_domain(domain_node, id))
}

fn user_in_domain(domain: &XmlNode, id: &str) -> Option<DirectoryUser> {
    let user = find_user_node(domain, id)?;
    let mut variables = node_variables(domain);
    variables.extend(node_variables(user));
    let password = param(user, "password").or_else(|| param(domain, "password"));
    Some(DirectoryUser {
        id: id.to_owned(),
        domain: domain.attr("name").unwrap_or_default().to_owned(),
        password,
        variables,
    })
}

/// Users sit in `<users>` directly under the domain or under `<groups><group><users>`.
fn find_user_node<'a>(node: &'a XmlNode, id: &str) -> Option<&'a XmlNode> {
    for child in &node.children {
        if child.name == "user" && child.attr("id").is_some_and(|u| u.eq_ignore_ascii_case(id)) {
            return Some(child);
        }
        if matches!(child.name.as_str(), "users" | "groups" | "group") {
            if let Some(found) = find_user_node(child, id) {
                return Some(found);
            }
        }
    }
    None
}

fn param(node: &XmlNode, name: &str) -> Option<String> {
    node.children_named("params")
        .flat_map(|params| params.children_named("param"))
        .find(|p| p.attr("name") == Some(name))
        .and_then(|p| p.attr("value"))
        .map(str::to_owned)
}

fn node_variables(node: &XmlNode) -> Vec<(String, String)> {
    node.children_named("variables")
        .flat_map(|vars| vars.children_named("variable"))
        .filter_map(|v| Some((v.attr("name")?.to_owned(), v.attr("value")?.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIRECTORY: &str = r#"<section name="directory">
  <domain name="example.org">
    <params><param name="password" value="domainpw"/></params>
    <variables><variable name="user_context" value="public"/></variables>
    <users>
      <user id="1000">
        <params><param name="password" value="1234"/></params>
        <variables><variable name="user_context" value="default"/></variables>
      </user>
      <user id="1001"/>
    </users>
  </domain>
</section>"#;

    fn directory() -> XmlNode {
        XmlNode::parse_str(DIRECTORY, "directory").expect("well-formed test XML")
    }

    #[test]
    fn a_user_has_its_password_and_variables_over_the_domain_ones() {
        let user = find_user(&directory(), "1000", "example.org").expect("found");
        assert_eq!(user.password.as_deref(), Some("1234"));
        assert_eq!(user.variable("user_context"), Some("default"));
        let plain = find_user(&directory(), "1001", "127.0.0.1").expect("found anywhere");
        assert_eq!(plain.password.as_deref(), Some("domainpw"));
        assert_eq!(plain.variable("user_context"), Some("public"));
        assert!(find_user(&directory(), "1002", "example.org").is_none());
    }
}
