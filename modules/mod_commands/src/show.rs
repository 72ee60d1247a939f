//! Listings: `show codec|endpoint|application|api|dialplan|file|timer|modules|interfaces|
//! interface_types|channels|calls [as csv|json|delim <d>]`, and `help`.

mod calls;
mod channels;

use ferroswitch_abi::{Error, Host, InterfaceInfo, InterfaceKind};

use crate::{
    table::{format_delimited, format_json, format_total, Table},
    usage, CommandSpec,
};

pub use calls::{calls_table, CALL_COLUMNS};
pub use channels::{channels_table, like_match, CHANNEL_COLUMNS};

/// The syntax `show` prints for an argument it does not know.
pub const SHOW_SYNTAX: &str = "codec|endpoint|application|api|dialplan|file|timer|\
                               calls [count]|channels [count|like <match string>]|\
                               modules [<module>]|interfaces|interface_types \
                               [as csv|json|delim <delimiter>]";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "show",
        description: "Show various reports",
        syntax: SHOW_SYNTAX,
        run: show,
    },
    CommandSpec {
        name: "help",
        description: "Show help for all the api commands",
        syntax: "[<command>]",
        run: help,
    },
];

/// What `show` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// `codec`, `endpoint`, `dialplan`, `file`, `timer`: `type,name,ikey`.
    Kind(InterfaceKind),
    /// `application`, `api`: `name,description,syntax,ikey`, all or the one named.
    Described {
        kind: InterfaceKind,
        name: Option<String>,
    },
    /// `modules`: `type,name,ikey,filename`, one row per interface, of all or one module.
    Modules { module: Option<String> },
    /// `interfaces`: `type,name,ikey`.
    Interfaces,
    /// `interface_types`: `type,total`.
    InterfaceTypes,
    /// `channels`: the core's channel columns, optionally only those matching `like`.
    Channels { like: Option<String> },
    /// `calls`: channels grouped into calls, FreeSWITCH's `basic_calls` columns.
    Calls,
}

/// How a listing is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    /// Values joined by the delimiter (`,` for the default and `as csv`).
    Delimited(String),
    /// `as json`.
    Json,
}

/// A parsed `show` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowRequest {
    pub listing: Listing,
    pub format: OutputFormat,
    /// `count`: print only how many rows there are.
    pub count_only: bool,
}

/// Why a `show` command line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShowArgsError {
    /// No listing, or one we do not know: print the usage.
    Usage,
    /// `as <format>` names a format we do not write.
    UnknownFormat(String),
}

fn show(host: Host, args: &str) -> Result<String, Error> {
    let request = match parse_show_args(args) {
        Ok(request) => request,
        Err(ShowArgsError::Usage) => return Err(usage(SHOW_SYNTAX)),
        Err(ShowArgsError::UnknownFormat(format)) => {
            return Ok(format!("-ERR Cannot find format {format}\n"))
        }
    };
    let table = match &request.listing {
        Listing::Channels { like } => channels_table(host.channels(), like.as_deref()),
        Listing::Calls => calls_table(host.channels()),
        listing => interface_table(listing, &host.interfaces(None)),
    };
    Ok(render(&table, &request))
}

fn help(host: Host, args: &str) -> Result<String, Error> {
    let command = (!args.is_empty()).then_some(args);
    let table = help_table(&host.interfaces(Some(InterfaceKind::API)), command);
    if command.is_some() && table.rows.is_empty() {
        return Ok("-ERR No such command.\n".to_owned());
    }
    Ok(format_delimited(&table, ","))
}

/// Parses the text after `show`: a listing, its own arguments, then optionally
/// `as csv|json|delim <delimiter>`. Listing names compare case-insensitively and may be
/// plural (`codecs`, `modules`), as FreeSWITCH accepts them.
pub fn parse_show_args(text: &str) -> Result<ShowRequest, ShowArgsError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (words, format) = match words
        .iter()
        .position(|word| word.eq_ignore_ascii_case("as"))
    {
        Some(at) => (&words[..at], parse_format(&words[at + 1..])?),
        None => (&words[..], OutputFormat::Delimited(",".to_owned())),
    };
    let Some((command, rest)) = words.split_first() else {
        return Err(ShowArgsError::Usage);
    };
    let command = command.to_ascii_lowercase();
    let singular = command.strip_suffix('s').unwrap_or(&command);
    let first = rest.first().map(|word| (*word).to_owned());
    let count_only = first
        .as_deref()
        .is_some_and(|word| word.eq_ignore_ascii_case("count"));
    let listing = match (command.as_str(), singular) {
        (_, "codec") => Listing::Kind(InterfaceKind::CODEC),
        (_, "endpoint") => Listing::Kind(InterfaceKind::ENDPOINT),
        (_, "dialplan") => Listing::Kind(InterfaceKind::DIALPLAN),
        (_, "file") => Listing::Kind(InterfaceKind::FORMAT),
        (_, "timer") => Listing::Kind(InterfaceKind::TIMER),
        (_, "module") => Listing::Modules { module: first },
        ("application", _) => Listing::Described {
            kind: InterfaceKind::APPLICATION,
            name: first,
        },
        ("api", _) => Listing::Described {
            kind: InterfaceKind::API,
            name: first,
        },
        ("interfaces", _) => Listing::Interfaces,
        ("interface_types", _) => Listing::InterfaceTypes,
        ("channels", _) => {
            let like = match rest {
                [word, pattern, ..] if word.eq_ignore_ascii_case("like") => {
                    Some((*pattern).to_owned())
                }
                [word] if word.eq_ignore_ascii_case("like") => return Err(ShowArgsError::Usage),
                _ => None,
            };
            Listing::Channels { like }
        }
        ("calls", _) => Listing::Calls,
        _ => return Err(ShowArgsError::Usage),
    };
    let count_only = count_only && matches!(listing, Listing::Channels { .. } | Listing::Calls);
    Ok(ShowRequest {
        listing,
        format,
        count_only,
    })
}

/// The words after `as`: `csv`, `delim [<delimiter>]` (a comma if none) or `json`.
fn parse_format(words: &[&str]) -> Result<OutputFormat, ShowArgsError> {
    let Some(name) = words.first() else {
        return Err(ShowArgsError::Usage);
    };
    match name.to_ascii_lowercase().as_str() {
        "csv" => Ok(OutputFormat::Delimited(",".to_owned())),
        "delim" => Ok(OutputFormat::Delimited(
            words.get(1).copied().unwrap_or(",").to_owned(),
        )),
        "json" => Ok(OutputFormat::Json),
        _ => Err(ShowArgsError::UnknownFormat((*name).to_owned())),
    }
}

/// `table` printed as `request` asks.
pub fn render(table: &Table, request: &ShowRequest) -> String {
    match (&request.format, request.count_only) {
        (OutputFormat::Delimited(_), true) => format_total(table.rows.len()),
        (OutputFormat::Delimited(delimiter), false) => format_delimited(table, delimiter),
        (OutputFormat::Json, count_only) => format_json(table, count_only),
    }
}

/// The listing of registered interfaces that `listing` asks for (anything but channels and
/// calls), ordered by type then name as FreeSWITCH orders them.
pub fn interface_table(listing: &Listing, interfaces: &[InterfaceInfo]) -> Table {
    let mut sorted: Vec<&InterfaceInfo> = interfaces.iter().collect();
    sorted.sort_by(|a, b| (a.kind.name(), a.name.as_str()).cmp(&(b.kind.name(), b.name.as_str())));
    let text = |value: &abi_stable::std_types::RString| value.as_str().to_owned();
    match listing {
        Listing::Kind(kind) => {
            let mut table = Table::new(&["type", "name", "ikey"]);
            table.rows = sorted
                .iter()
                .filter(|info| info.kind == *kind)
                .map(|info| {
                    vec![
                        info.kind.name().to_owned(),
                        text(&info.name),
                        text(&info.module),
                    ]
                })
                .collect();
            table
        }
        Listing::Described { kind, name } => {
            let mut table = Table::new(&["name", "description", "syntax", "ikey"]);
            // FreeSWITCH hides interfaces registered without a description.
            table.rows = sorted
                .iter()
                .filter(|info| info.kind == *kind && !info.description.is_empty())
                .filter(|info| name.as_deref().is_none_or(|name| info.name == name))
                .map(|info| {
                    vec![
                        text(&info.name),
                        text(&info.description),
                        text(&info.syntax),
                        text(&info.module),
                    ]
                })
                .collect();
            table
        }
        Listing::Modules { module } => {
            let mut table = Table::new(&["type", "name", "ikey", "filename"]);
            table.rows = sorted
                .iter()
                .filter(|info| module.as_deref().is_none_or(|module| info.module == module))
                .map(|info| {
                    vec![
                        info.kind.name().to_owned(),
                        text(&info.name),
                        text(&info.module),
                        text(&info.path),
                    ]
                })
                .collect();
            table.rows.dedup();
            table
        }
        Listing::Interfaces => {
            let mut table = Table::new(&["type", "name", "ikey"]);
            table.rows = sorted
                .iter()
                .map(|info| {
                    vec![
                        info.kind.name().to_owned(),
                        text(&info.name),
                        text(&info.module),
                    ]
                })
                .collect();
            table
        }
        Listing::InterfaceTypes => {
            let mut table = Table::new(&["type", "total"]);
            for info in &sorted {
                let kind = info.kind.name();
                match table.rows.last_mut() {
                    Some(row) if row[0] == kind => {
                        let total: usize = row[1].parse().unwrap_or(0);
                        row[1] = (total + 1).to_string();
                    }
                    _ => table.rows.push(vec![kind.to_owned(), "1".to_owned()]),
                }
            }
            table
        }
        Listing::Channels { .. } | Listing::Calls => Table::default(),
    }
}

/// `help`: the API commands as `name,description,syntax`, by name; only `command` if given.
pub fn help_table(interfaces: &[InterfaceInfo], command: Option<&str>) -> Table {
    let mut apis: Vec<&InterfaceInfo> = interfaces
        .iter()
        .filter(|info| info.kind == InterfaceKind::API)
        .filter(|info| command.is_none_or(|command| info.name == command))
        .collect();
    apis.sort_by(|a, b| a.name.cmp(&b.name));
    let mut table = Table::new(&["name", "description", "syntax"]);
    table.rows = apis
        .iter()
        .map(|info| {
            vec![
                info.name.to_string(),
                info.description.to_string(),
                info.syntax.to_string(),
            ]
        })
        .collect();
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::format_csv;

    fn info(kind: InterfaceKind, name: &str, description: &str, module: &str) -> InterfaceInfo {
        InterfaceInfo {
            kind,
            name: name.into(),
            description: description.into(),
            syntax: if kind == InterfaceKind::API {
                "<arg>".into()
            } else {
                "".into()
            },
            module: module.into(),
            path: format!("/usr/lib/ferroswitch/{module}.so").into(),
        }
    }

    fn registry() -> Vec<InterfaceInfo> {
        vec![
            info(InterfaceKind::CODEC, "PCMU", "G.711 u-law", "mod_g711"),
            info(
                InterfaceKind::API,
                "status",
                "Show current status",
                "mod_commands",
            ),
            info(InterfaceKind::CODEC, "PCMA", "G.711 A-law", "mod_g711"),
            info(InterfaceKind::APPLICATION, "park", "Park", "mod_dptools"),
            info(InterfaceKind::API, "hidden", "", "mod_commands"),
            info(InterfaceKind::API, "echo", "Echo", "mod_commands"),
            info(
                InterfaceKind::ENDPOINT,
                "loopback",
                "Loopback",
                "mod_loopback",
            ),
        ]
    }

    fn request(listing: Listing) -> ShowRequest {
        ShowRequest {
            listing,
            format: OutputFormat::Delimited(",".to_owned()),
            count_only: false,
        }
    }

    #[test]
    fn listings_parse_case_insensitively_and_in_plural() {
        assert_eq!(
            parse_show_args("codec"),
            Ok(request(Listing::Kind(InterfaceKind::CODEC)))
        );
        assert_eq!(
            parse_show_args("Codecs"),
            Ok(request(Listing::Kind(InterfaceKind::CODEC)))
        );
        assert_eq!(
            parse_show_args("files"),
            Ok(request(Listing::Kind(InterfaceKind::FORMAT)))
        );
        assert_eq!(
            parse_show_args("modules mod_g711"),
            Ok(request(Listing::Modules {
                module: Some("mod_g711".to_owned())
            }))
        );
        assert_eq!(
            parse_show_args("api status"),
            Ok(request(Listing::Described {
                kind: InterfaceKind::API,
                name: Some("status".to_owned())
            }))
        );
        assert_eq!(parse_show_args("calls"), Ok(request(Listing::Calls)));
    }

    #[test]
    fn formats_count_and_like_parse() {
        let parsed = parse_show_args("channels as json").unwrap();
        assert_eq!(parsed.listing, Listing::Channels { like: None });
        assert_eq!(parsed.format, OutputFormat::Json);
        let parsed = parse_show_args("channels count as csv").unwrap();
        assert!(parsed.count_only);
        assert_eq!(parsed.format, OutputFormat::Delimited(",".to_owned()));
        let parsed = parse_show_args("channels like 1000 as delim |").unwrap();
        assert_eq!(
            parsed.listing,
            Listing::Channels {
                like: Some("1000".to_owned())
            }
        );
        assert_eq!(parsed.format, OutputFormat::Delimited("|".to_owned()));
        // `count` means nothing to an interface listing.
        assert!(!parse_show_args("codec count").unwrap().count_only);
    }

    #[test]
    fn unknown_listings_and_formats_are_refused() {
        assert_eq!(parse_show_args(""), Err(ShowArgsError::Usage));
        assert_eq!(parse_show_args("bogus"), Err(ShowArgsError::Usage));
        assert_eq!(parse_show_args("channels like"), Err(ShowArgsError::Usage));
        assert_eq!(parse_show_args("codec as"), Err(ShowArgsError::Usage));
        assert_eq!(
            parse_show_args("codec as xml"),
            Err(ShowArgsError::UnknownFormat("xml".to_owned()))
        );
    }

    #[test]
    fn kind_listing_is_type_name_ikey_sorted_by_name() {
        let table = interface_table(&Listing::Kind(InterfaceKind::CODEC), &registry());
        assert_eq!(
            format_csv(&table),
            "type,name,ikey\ncodec,PCMA,mod_g711\ncodec,PCMU,mod_g711\n\n2 total.\n"
        );
    }

    #[test]
    fn api_listing_hides_undescribed_and_filters_by_name() {
        let listing = Listing::Described {
            kind: InterfaceKind::API,
            name: None,
        };
        assert_eq!(
            format_csv(&interface_table(&listing, &registry())),
            "name,description,syntax,ikey\n\
             echo,Echo,<arg>,mod_commands\n\
             status,Show current status,<arg>,mod_commands\n\n2 total.\n"
        );
        let listing = Listing::Described {
            kind: InterfaceKind::API,
            name: Some("echo".to_owned()),
        };
        assert_eq!(interface_table(&listing, &registry()).rows.len(), 1);
    }

    #[test]
    fn modules_listing_has_one_row_per_interface_with_filename() {
        let table = interface_table(
            &Listing::Modules {
                module: Some("mod_g711".to_owned()),
            },
            &registry(),
        );
        assert_eq!(table.columns, vec!["type", "name", "ikey", "filename"]);
        assert_eq!(
            table.rows[0],
            vec![
                "codec",
                "PCMA",
                "mod_g711",
                "/usr/lib/ferroswitch/mod_g711.so"
            ]
        );
        assert_eq!(table.rows.len(), 2);
        let all = interface_table(&Listing::Modules { module: None }, &registry());
        assert_eq!(all.rows.len(), registry().len());
    }

    #[test]
    fn interfaces_are_sorted_by_type_then_name_and_counted_by_type() {
        let table = interface_table(&Listing::Interfaces, &registry());
        let names: Vec<&str> = table.rows.iter().map(|row| row[1].as_str()).collect();
        assert_eq!(
            names,
            vec!["echo", "hidden", "status", "park", "PCMA", "PCMU", "loopback"]
        );
        let types = interface_table(&Listing::InterfaceTypes, &registry());
        assert_eq!(
            types.rows,
            vec![
                vec!["api", "3"],
                vec!["application", "1"],
                vec!["codec", "2"],
                vec!["endpoint", "1"]
            ]
        );
    }

    #[test]
    fn count_and_json_rendering() {
        let table = interface_table(&Listing::Kind(InterfaceKind::CODEC), &registry());
        let mut counted = request(Listing::Calls);
        counted.count_only = true;
        assert_eq!(render(&table, &counted), "\n2 total.\n");
        let json = ShowRequest {
            format: OutputFormat::Json,
            ..request(Listing::Kind(InterfaceKind::CODEC))
        };
        assert!(render(&table, &json).starts_with(r#"{"row_count":2,"rows":[{"type":"codec""#));
    }

    #[test]
    fn help_lists_api_commands_by_name() {
        let table = help_table(&registry(), None);
        assert_eq!(
            format_csv(&table),
            "name,description,syntax\n\
             echo,Echo,<arg>\n\
             hidden,,<arg>\n\
             status,Show current status,<arg>\n\n3 total.\n"
        );
        assert_eq!(help_table(&registry(), Some("status")).rows.len(), 1);
        assert!(help_table(&registry(), Some("nope")).rows.is_empty());
    }
}
