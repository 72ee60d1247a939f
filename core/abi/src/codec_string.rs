//! FreeSWITCH's codec strings (`codec_string`, `absolute_codec_string`, `codec-prefs`):
//! a comma list of `NAME[@RATEh|@RATEk][@PTIMEi][@CHANNELSc]`, e.g. `opus@48000h@20i,PCMU`.

/// One entry of a codec string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecSpec {
    /// The codec's name as written.
    pub name: String,
    /// Samples per second, when given (`@8000h`, `@16k`).
    pub rate: Option<u32>,
    /// Packet time in milliseconds, when given (`@20i`).
    pub ptime_ms: Option<u16>,
    /// Audio channels, when given (`@2c`).
    pub channels: Option<u8>,
}

/// Parses `text`, naming the entry and the part that is wrong on failure.
pub fn parse_codec_string(text: &str) -> Result<Vec<CodecSpec>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(parse_entry)
        .collect()
}

fn parse_entry(entry: &str) -> Result<CodecSpec, String> {
    // FreeSWITCH quotes entries whose fmtp contains commas: `'opus@48000h'`.
    let entry = entry.trim_matches(|c| c == '\'' || c == '"');
    let mut parts = entry.split('@');
    let name = parts.next().unwrap_or_default().trim();
    if name.is_empty() {
        return Err(format!("codec string entry `{entry}` has no codec name"));
    }
    let mut spec = CodecSpec {
        name: name.to_owned(),
        rate: None,
        ptime_ms: None,
        channels: None,
    };
    for part in parts {
        let bad = || format!("codec string entry `{entry}`: cannot read `@{part}`");
        let (digits, unit) = part.split_at(part.len().saturating_sub(1));
        let number: u32 = digits.parse().map_err(|_| bad())?;
        match unit {
            "h" => spec.rate = Some(number),
            "k" => spec.rate = Some(number * 1000),
            "i" => spec.ptime_ms = Some(u16::try_from(number).map_err(|_| bad())?),
            "c" => spec.channels = Some(u8::try_from(number).map_err(|_| bad())?),
            // A bitrate (`@64000b`) chooses an implementation FreeSWITCH-side; it is read
            // and not needed here.
            "b" => {}
            _ => return Err(bad()),
        }
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_rates_packet_times_and_channels() {
        let specs = parse_codec_string("opus@48000h@20i@2c, PCMU ,G722@16k@30i").unwrap();
        assert_eq!(
            specs,
            vec![
                CodecSpec {
                    name: "opus".into(),
                    rate: Some(48000),
                    ptime_ms: Some(20),
                    channels: Some(2)
                },
                CodecSpec {
                    name: "PCMU".into(),
                    rate: None,
                    ptime_ms: None,
                    channels: None
                },
                CodecSpec {
                    name: "G722".into(),
                    rate: Some(16000),
                    ptime_ms: Some(30),
                    channels: None
                },
            ]
        );
    }

    #[test]
    fn names_the_part_it_cannot_read() {
        let error = parse_codec_string("PCMU@20x").unwrap_err();
        assert!(error.contains("@20x"), "{error}");
        assert!(parse_codec_string("@8000h").is_err());
    }
}
