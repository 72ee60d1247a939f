//! The `inline` dialplan: the destination itself lists the applications,
//! `app:arg,app:arg`, as FreeSWITCH's. A leading `^^X` makes `X` the separator instead of
//! the comma (`^^;set:a=1,2;park`).

use abi_stable::std_types::RVec;
use ferroswitch_abi::prelude::*;

/// The registered dialplan.
pub struct InlineDialplan;

impl Dialplan for InlineDialplan {
    fn hunt(
        &self,
        _session: Session,
        caller: &CallerProfile,
        arg: &str,
    ) -> Result<Option<Extension>, Error> {
        let data = if arg.is_empty() {
            caller.destination_number.as_str()
        } else {
            arg
        };
        let applications = parse_inline(data);
        if applications.is_empty() {
            return Ok(None);
        }
        Ok(Some(Extension {
            name: "inline".into(),
            number: data.into(),
            applications: RVec::from(applications),
        }))
    }
}

/// The applications `data` lists.
pub fn parse_inline(data: &str) -> Vec<ExtensionApp> {
    let (separator, list) = match data.strip_prefix("^^") {
        Some(rest) => match rest.chars().next() {
            Some(separator) => (separator, &rest[separator.len_utf8()..]),
            None => (',', ""),
        },
        None => (',', data),
    };
    list.split(separator)
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (name, arg) = entry.split_once(':').unwrap_or((entry, ""));
            ExtensionApp {
                name: name.trim().into(),
                arg: arg.into(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(data: &str) -> Vec<(String, String)> {
        parse_inline(data)
            .into_iter()
            .map(|app| (app.name.into(), app.arg.into()))
            .collect()
    }

    #[test]
    fn comma_list_with_arguments() {
        assert_eq!(
            names("answer,set:a=b:c,park"),
            vec![
                ("answer".to_owned(), String::new()),
                ("set".to_owned(), "a=b:c".to_owned()),
                ("park".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn custom_separator_keeps_commas_in_arguments() {
        assert_eq!(
            names("^^;log:INFO a,b;hangup:USER_BUSY"),
            vec![
                ("log".to_owned(), "INFO a,b".to_owned()),
                ("hangup".to_owned(), "USER_BUSY".to_owned()),
            ]
        );
        assert!(names("^^").is_empty());
        assert!(names("").is_empty());
    }
}
