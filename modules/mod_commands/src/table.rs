//! Listings as FreeSWITCH prints them: delimited text with a header row and `N total.`, or
//! JSON; and the JSON string escaping they (and `uuid_dump json`) share.

use std::fmt::Write as _;

/// A listing: column names and rows of values in column order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The header row.
    pub columns: Vec<String>,
    /// One value per column in each row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with `columns`.
    pub fn new(columns: &[&str]) -> Self {
        Self {
            columns: columns.iter().map(|column| (*column).to_owned()).collect(),
            rows: Vec::new(),
        }
    }
}

/// The header row, one line per row, a blank line and `N total.`, values joined by
/// `delimiter`. Values are written as they are, unquoted, as FreeSWITCH writes them (clients
/// split on the delimiter). The header is printed even when there are no rows.
pub fn format_delimited(table: &Table, delimiter: &str) -> String {
    let mut out = table.columns.join(delimiter);
    out.push('\n');
    for row in &table.rows {
        out.push_str(&row.join(delimiter));
        out.push('\n');
    }
    out.push_str(&format_total(table.rows.len()));
    out
}

/// [`format_delimited`] with commas: what `show ...` and `show ... as csv` print.
pub fn format_csv(table: &Table) -> String {
    format_delimited(table, ",")
}

/// `\nN total.\n`: the end of a listing, and all that `show channels count` prints.
pub fn format_total(count: usize) -> String {
    format!("\n{count} total.\n")
}

/// FreeSWITCH's `as json` shape: `{"row_count":N,"rows":[{"column":"value",...},...]}`, with
/// empty `rows` when only counting, and `{"row_count": 0}` and a newline when there are none.
pub fn format_json(table: &Table, count_only: bool) -> String {
    if table.rows.is_empty() {
        return "{\"row_count\": 0}\n".to_owned();
    }
    let mut out = format!("{{\"row_count\":{},\"rows\":[", table.rows.len());
    if !count_only {
        for (index, row) in table.rows.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let pairs = table
                .columns
                .iter()
                .zip(row)
                .map(|(column, value)| (column.as_str(), value.as_str()));
            out.push_str(&json_object(pairs));
        }
    }
    out.push_str("]}");
    out
}

/// A JSON object of string members, in the order given.
pub fn json_object<'a>(members: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::from("{");
    for (index, (name, value)) in members.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&json_string(name));
        out.push(':');
        out.push_str(&json_string(value));
    }
    out.push('}');
    out
}

/// `text` as a quoted JSON string (RFC 8259): `"` and `\` escaped, control characters as
/// `\n`-style escapes or `\u00XX`; everything else, including non-ASCII, as is.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new(&["type", "name", "ikey"]);
        table
            .rows
            .push(vec!["codec".into(), "PCMU".into(), "mod_g711".into()]);
        table
            .rows
            .push(vec!["codec".into(), "PCMA".into(), "mod_g711".into()]);
        table
    }

    #[test]
    fn csv_has_header_rows_blank_line_and_total() {
        assert_eq!(
            format_csv(&sample()),
            "type,name,ikey\ncodec,PCMU,mod_g711\ncodec,PCMA,mod_g711\n\n2 total.\n"
        );
    }

    #[test]
    fn empty_csv_still_prints_the_header() {
        let table = Table::new(&["uuid", "direction"]);
        assert_eq!(format_csv(&table), "uuid,direction\n\n0 total.\n");
    }

    #[test]
    fn other_delimiters_join_values() {
        assert!(format_delimited(&sample(), "|").starts_with("type|name|ikey\ncodec|PCMU|"));
    }

    #[test]
    fn total_alone_is_what_count_prints() {
        assert_eq!(format_total(3), "\n3 total.\n");
    }

    #[test]
    fn json_listing_has_row_count_and_rows() {
        assert_eq!(
            format_json(&sample(), false),
            concat!(
                r#"{"row_count":2,"rows":["#,
                r#"{"type":"codec","name":"PCMU","ikey":"mod_g711"},"#,
                r#"{"type":"codec","name":"PCMA","ikey":"mod_g711"}]}"#
            )
        );
        assert_eq!(format_json(&sample(), true), r#"{"row_count":2,"rows":[]}"#);
        assert_eq!(
            format_json(&Table::new(&["uuid"]), false),
            "{\"row_count\": 0}\n"
        );
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(json_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_string("l1\nl2\r\t"), r#""l1\nl2\r\t""#);
        assert_eq!(
            json_string("\u{1}\u{8}\u{c}\u{1f}"),
            r#""\u0001\b\f\u001f""#
        );
        assert_eq!(json_string("héllo / ☎"), "\"héllo / ☎\"");
        assert_eq!(json_string(""), "\"\"");
    }

    #[test]
    fn json_objects_keep_member_order() {
        assert_eq!(
            json_object([("b", "1"), ("a", "x\"y")]),
            r#"{"b":"1","a":"x\"y"}"#
        );
        assert_eq!(json_object([]), "{}");
    }
}
