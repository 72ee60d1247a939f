//! `show channels`: the core's channel rows, optionally filtered, oldest first.

use crate::table::Table;

/// The columns of `show channels`, used when there is no row to take them from; the core's
/// rows carry the same names in the same order.
pub use ferroswitch_abi::CHANNEL_COLUMNS;

/// The columns `show channels like <pattern>` searches, as FreeSWITCH's query does.
const LIKE_COLUMNS: [&str; 5] = ["uuid", "name", "cid_name", "cid_num", "presence_data"];

/// One channel as [`ferroswitch_abi::Host::channels`] gives it: column name and value pairs.
pub type ChannelRow = Vec<(String, String)>;

/// `show channels`: one row per channel in the host's columns and order, oldest first;
/// with `like`, only channels where one of `LIKE_COLUMNS` matches it (see [`like_match`]).
pub fn channels_table(mut rows: Vec<ChannelRow>, like: Option<&str>) -> Table {
    let columns: Vec<String> = match rows.first() {
        Some(row) => row.iter().map(|(name, _)| name.clone()).collect(),
        None => CHANNEL_COLUMNS
            .iter()
            .map(|name| (*name).to_owned())
            .collect(),
    };
    if let Some(pattern) = like {
        rows.retain(|row| {
            LIKE_COLUMNS
                .iter()
                .any(|column| like_match(pattern, value(row, column)))
        });
    }
    sort_by_creation(&mut rows);
    let rows = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| value(row, column).to_owned())
                .collect()
        })
        .collect();
    Table { columns, rows }
}

/// The value of `column` in `row`, empty when absent.
pub(super) fn value<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    row.iter()
        .find(|(name, _)| name == column)
        .map_or("", |(_, value)| value.as_str())
}

/// Orders rows by `created_epoch` (FreeSWITCH's `order by created_epoch`), keeping the
/// host's order among channels created in the same second.
pub(super) fn sort_by_creation(rows: &mut [ChannelRow]) {
    rows.sort_by_key(|row| value(row, "created_epoch").parse::<u64>().unwrap_or(0));
}

/// SQL `LIKE` as FreeSWITCH's `show channels like` applies it: `%` matches any run of
/// characters, `_` any one, letters compare ASCII case-insensitively; a pattern without `%`
/// matches anywhere in the text.
pub fn like_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = if pattern.contains('%') {
        pattern.chars().collect()
    } else {
        format!("%{pattern}%").chars().collect()
    };
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `%` was, and the text position it currently stands for the end of.
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == '%' {
            backtrack = Some((p, t));
            p += 1;
        } else if p < pattern.len()
            && (pattern[p] == '_' || pattern[p].eq_ignore_ascii_case(&text[t]))
        {
            p += 1;
            t += 1;
        } else if let Some((star, start)) = backtrack {
            p = star + 1;
            t = start + 1;
            backtrack = Some((star, start + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '%')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::format_csv;

    fn channel(uuid: &str, created_epoch: &str, name: &str) -> ChannelRow {
        CHANNEL_COLUMNS
            .iter()
            .map(|column| {
                let value = match *column {
                    "uuid" => uuid,
                    "created_epoch" => created_epoch,
                    "name" => name,
                    "cid_num" => "1000",
                    _ => "",
                };
                ((*column).to_owned(), value.to_owned())
            })
            .collect()
    }

    #[test]
    fn channels_keep_the_host_columns_and_sort_by_creation() {
        let table = channels_table(
            vec![
                channel("u2", "200", "loopback/2-a"),
                channel("u1", "100", "loopback/1-a"),
                channel("u3", "200", "loopback/3-a"),
            ],
            None,
        );
        assert_eq!(table.columns.len(), 38);
        assert_eq!(table.columns[0], "uuid");
        assert_eq!(table.columns[37], "initial_context");
        let uuids: Vec<&str> = table.rows.iter().map(|row| row[0].as_str()).collect();
        assert_eq!(uuids, vec!["u1", "u2", "u3"]);
        assert_eq!(table.rows[0][4], "loopback/1-a");
    }

    #[test]
    fn no_channels_prints_the_header_and_zero_total() {
        let csv = format_csv(&channels_table(Vec::new(), None));
        assert!(csv.starts_with("uuid,direction,created,created_epoch,name,state,"));
        assert!(csv.ends_with(",initial_dialplan,initial_context\n\n0 total.\n"));
    }

    #[test]
    fn like_filters_on_name_uuid_and_caller_id() {
        let rows = vec![
            channel("aaa-1", "1", "sofia/internal/1001@example.com"),
            channel("bbb-2", "2", "loopback/9000-a"),
        ];
        let table = channels_table(rows.clone(), Some("LOOPBACK"));
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0][0], "bbb-2");
        assert_eq!(channels_table(rows.clone(), Some("aaa%")).rows.len(), 1);
        assert_eq!(channels_table(rows.clone(), Some("1000")).rows.len(), 2);
        assert_eq!(channels_table(rows, Some("nomatch")).rows.len(), 0);
    }

    #[test]
    fn like_supports_percent_underscore_and_anchoring() {
        assert!(like_match("abc", "xxABCxx"));
        assert!(like_match("a%c", "abbbc"));
        assert!(!like_match("a%c", "abbbcd"));
        assert!(like_match("a_c", "abc"));
        assert!(!like_match("a_c", "ac"));
        assert!(like_match("%", ""));
        assert!(like_match("%b%b%", "abab"));
        assert!(!like_match("%b%b%b%", "abab"));
        assert!(like_match("", "anything"));
    }
}
