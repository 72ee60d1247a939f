//! Writing a description back as text: CRLF line ends, lines in the
//! order RFC 8866 §9 gives, unknown lines where their type belongs.

use std::fmt::{self, Display, Formatter};

use super::{Attribute, Bandwidth, Connection, MediaDescription, SdpLine, SessionDescription};

impl Display for SessionDescription {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        write!(f, "v=0\r\n")?;
        write!(
            f,
            "o={} {} {} {} {} {}\r\n",
            o.username, o.session_id, o.session_version, o.network_type, o.address_type, o.address
        )?;
        write!(f, "s={}\r\n", self.session_name)?;
        write_other(f, &self.other_lines, "iuep")?;
        if let Some(connection) = &self.connection {
            write!(f, "c={connection}\r\n")?;
        }
        write_bandwidths(f, &self.bandwidths)?;
        for timing in &self.timing {
            write!(f, "t={} {}\r\n", timing.start, timing.stop)?;
        }
        write_other(f, &self.other_lines, "rzk")?;
        for attribute in &self.attributes {
            write!(f, "a={attribute}\r\n")?;
        }
        for media in &self.media {
            write!(f, "{media}")?;
        }
        Ok(())
    }
}

impl Display for MediaDescription {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.kind, self.port)?;
        if let Some(count) = self.port_count {
            write!(f, "/{count}")?;
        }
        write!(f, " {}", self.protocol)?;
        for format in &self.formats {
            write!(f, " {format}")?;
        }
        write!(f, "\r\n")?;
        write_other(f, &self.other_lines, "i")?;
        if let Some(connection) = &self.connection {
            write!(f, "c={connection}\r\n")?;
        }
        write_bandwidths(f, &self.bandwidths)?;
        write_other(f, &self.other_lines, "k")?;
        for attribute in &self.attributes {
            write!(f, "a={attribute}\r\n")?;
        }
        Ok(())
    }
}

impl Display for Connection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.network_type, self.address_type, self.address
        )
    }
}

impl Display for Attribute {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Attribute::RtpMap(map) => {
                write!(
                    f,
                    "rtpmap:{} {}/{}",
                    map.payload_type, map.encoding, map.clock_rate
                )?;
                match map.channels {
                    Some(channels) => write!(f, "/{channels}"),
                    None => Ok(()),
                }
            }
            Attribute::Fmtp {
                payload_type,
                parameters,
            } => write!(f, "fmtp:{payload_type} {parameters}"),
            Attribute::Ptime(ms) => write!(f, "ptime:{ms}"),
            Attribute::MaxPtime(ms) => write!(f, "maxptime:{ms}"),
            Attribute::Direction(direction) => f.write_str(direction.as_str()),
            Attribute::Rtcp { port, connection } => match connection {
                Some(connection) => write!(f, "rtcp:{port} {connection}"),
                None => write!(f, "rtcp:{port}"),
            },
            Attribute::RtcpMux => f.write_str("rtcp-mux"),
            Attribute::Other { name, value } => match value {
                Some(value) => write!(f, "{name}:{value}"),
                None => f.write_str(name),
            },
        }
    }
}

fn write_bandwidths(f: &mut Formatter<'_>, bandwidths: &[Bandwidth]) -> fmt::Result {
    for bandwidth in bandwidths {
        write!(f, "b={}:{}\r\n", bandwidth.kind, bandwidth.value)?;
    }
    Ok(())
}

/// Writes the kept lines whose type is in `kinds`, in their original order.
fn write_other(f: &mut Formatter<'_>, lines: &[SdpLine], kinds: &str) -> fmt::Result {
    for line in lines.iter().filter(|line| kinds.contains(line.kind)) {
        write!(f, "{}={}\r\n", line.kind, line.value)?;
    }
    Ok(())
}
