//! `show calls`: channels grouped into calls, one row per call in FreeSWITCH's
//! `basic_calls` columns, the a side's fields then the b side's.

use std::collections::HashMap;

use super::channels::{sort_by_creation, value, ChannelRow};
use crate::table::Table;

/// FreeSWITCH's `show calls` columns. `b_x` is column `x` of the b side.
pub const CALL_COLUMNS: [&str; 41] = [
    "uuid",
    "direction",
    "created",
    "created_epoch",
    "name",
    "state",
    "cid_name",
    "cid_num",
    "ip_addr",
    "dest",
    "presence_id",
    "presence_data",
    "accountcode",
    "callstate",
    "callee_name",
    "callee_num",
    "callee_direction",
    "call_uuid",
    "hostname",
    "sent_callee_name",
    "sent_callee_num",
    "b_uuid",
    "b_direction",
    "b_created",
    "b_created_epoch",
    "b_name",
    "b_state",
    "b_cid_name",
    "b_cid_num",
    "b_ip_addr",
    "b_dest",
    "b_presence_id",
    "b_presence_data",
    "b_accountcode",
    "b_callstate",
    "b_callee_name",
    "b_callee_num",
    "b_callee_direction",
    "b_sent_callee_name",
    "b_sent_callee_num",
    "call_created_epoch",
];

/// `show calls`. A call is the channels sharing a `call_uuid` (a channel without one is a
/// call of its own). Its a side is the channel whose uuid is the `call_uuid`, else the
/// oldest; its b side the oldest other channel, all `b_` fields empty when there is none.
/// `call_created_epoch` is when the call got its second leg (the later of the two
/// `created_epoch`s, the core records no bridge time), and empty for a lone channel, as
/// FreeSWITCH leaves it for a channel that was never bridged. Calls are listed oldest first.
pub fn calls_table(mut rows: Vec<ChannelRow>) -> Table {
    sort_by_creation(&mut rows);
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        let call_uuid = value(row, "call_uuid");
        let key = if call_uuid.is_empty() {
            value(row, "uuid")
        } else {
            call_uuid
        };
        match group_of.get(key) {
            Some(&group) => groups[group].1.push(index),
            None => {
                group_of.insert(key.to_owned(), groups.len());
                groups.push((key.to_owned(), vec![index]));
            }
        }
    }
    let mut table = Table::new(&CALL_COLUMNS);
    for (call_uuid, members) in &groups {
        let a = members
            .iter()
            .copied()
            .find(|&member| value(&rows[member], "uuid") == call_uuid)
            .unwrap_or(members[0]);
        let b = members.iter().copied().find(|&member| member != a);
        table
            .rows
            .push(call_row(&rows[a], b.map(|member| rows[member].as_slice())));
    }
    table
}

/// One call's row from its a side and b side.
fn call_row(a: &[(String, String)], b: Option<&[(String, String)]>) -> Vec<String> {
    CALL_COLUMNS
        .iter()
        .map(|column| {
            if *column == "call_created_epoch" {
                return b.map_or(String::new(), |b| {
                    let epoch = |row| value(row, "created_epoch").parse::<u64>().unwrap_or(0);
                    epoch(a).max(epoch(b)).to_string()
                });
            }
            match column.strip_prefix("b_") {
                Some(column) => b.map_or("", |b| value(b, column)).to_owned(),
                None => value(a, column).to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::show::CHANNEL_COLUMNS;
    use crate::table::format_csv;

    fn channel(uuid: &str, call_uuid: &str, created_epoch: &str, cid_num: &str) -> ChannelRow {
        CHANNEL_COLUMNS
            .iter()
            .map(|column| {
                let value = match *column {
                    "uuid" => uuid.to_owned(),
                    "call_uuid" => call_uuid.to_owned(),
                    "created_epoch" => created_epoch.to_owned(),
                    "cid_num" => cid_num.to_owned(),
                    "name" => format!("loopback/{uuid}"),
                    "direction" => {
                        if uuid == call_uuid {
                            "inbound".to_owned()
                        } else {
                            "outbound".to_owned()
                        }
                    }
                    _ => String::new(),
                };
                ((*column).to_owned(), value)
            })
            .collect()
    }

    fn column(table: &Table, row: usize, name: &str) -> String {
        let index = table
            .columns
            .iter()
            .position(|column| column == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        table.rows[row][index].clone()
    }

    #[test]
    fn two_legs_sharing_a_call_uuid_are_one_call() {
        // Created in the same second and listed b leg first: the a side is found by its
        // uuid, not by order.
        let table = calls_table(vec![
            channel("b-leg", "a-leg", "100", "2000"),
            channel("a-leg", "a-leg", "100", "1000"),
        ]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(column(&table, 0, "uuid"), "a-leg");
        assert_eq!(column(&table, 0, "direction"), "inbound");
        assert_eq!(column(&table, 0, "cid_num"), "1000");
        assert_eq!(column(&table, 0, "call_uuid"), "a-leg");
        assert_eq!(column(&table, 0, "b_uuid"), "b-leg");
        assert_eq!(column(&table, 0, "b_direction"), "outbound");
        assert_eq!(column(&table, 0, "b_name"), "loopback/b-leg");
        assert_eq!(column(&table, 0, "b_cid_num"), "2000");
        assert_eq!(column(&table, 0, "b_created_epoch"), "100");
        assert_eq!(column(&table, 0, "call_created_epoch"), "100");
        assert!(format_csv(&table).ends_with("\n\n1 total.\n"));
    }

    #[test]
    fn a_lone_channel_is_a_call_with_empty_b_fields() {
        let table = calls_table(vec![channel("solo", "solo", "100", "1000")]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(column(&table, 0, "uuid"), "solo");
        for (index, name) in CALL_COLUMNS.iter().enumerate() {
            if name.starts_with("b_") || *name == "call_created_epoch" {
                assert_eq!(table.rows[0][index], "", "{name} should be empty");
            }
        }
    }

    #[test]
    fn orphan_b_leg_and_channels_without_call_uuid_stand_alone() {
        let table = calls_table(vec![
            channel("x", "", "300", "1"),
            channel("b-only", "gone-a-leg", "200", "2"),
            channel("a2", "a2", "100", "3"),
            channel("b2", "a2", "150", "4"),
        ]);
        let uuids: Vec<String> = (0..table.rows.len())
            .map(|row| column(&table, row, "uuid"))
            .collect();
        assert_eq!(uuids, vec!["a2", "b-only", "x"]);
        assert_eq!(column(&table, 0, "b_uuid"), "b2");
        // The call got its second leg when b2 was created.
        assert_eq!(column(&table, 0, "call_created_epoch"), "150");
        assert_eq!(column(&table, 1, "b_uuid"), "");
        assert_eq!(column(&table, 2, "b_uuid"), "");
    }

    #[test]
    fn header_has_freeswitch_call_columns_even_when_empty() {
        let csv = format_csv(&calls_table(Vec::new()));
        assert_eq!(csv, format!("{}\n\n0 total.\n", CALL_COLUMNS.join(",")));
        assert!(csv.starts_with("uuid,direction,created,created_epoch,name,state,cid_name,"));
        assert!(csv.contains(",sent_callee_num,b_uuid,b_direction,"));
        assert!(csv.contains(",b_sent_callee_num,call_created_epoch\n"));
    }
}
