//! The CSeq header (RFC 3261 §20.16).

use std::fmt;

use super::method::Method;

/// `CSeq: <seq> <method>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number, below 2^31 (RFC 3261 §8.1.1.5).
    pub seq: u32,
    /// The method, which must equal the request's.
    pub method: Method,
}

impl CSeq {
    /// Parses `1*DIGIT LWS Method`; leading zeros are allowed.
    pub fn parse(value: &str) -> Result<CSeq, &'static str> {
        let mut parts = value.split_ascii_whitespace();
        let (Some(seq), Some(method), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err("expected a number and a method");
        };
        if !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err("sequence number is not a number");
        }
        let seq = seq
            .parse::<u32>()
            .ok()
            .filter(|&n| n < 1 << 31)
            .ok_or("sequence number is not below 2^31")?;
        let method = Method::parse(method).ok_or("invalid method")?;
        Ok(CSeq { seq, method })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_and_folded_whitespace() {
        assert_eq!(
            CSeq::parse("0009  INVITE").unwrap(),
            CSeq {
                seq: 9,
                method: Method::Invite
            }
        );
    }

    #[test]
    fn overflow_and_garbage_are_refused() {
        for bad in [
            "36893488147419103232 REGISTER",
            "2147483648 INVITE",
            "-1 INVITE",
            "1",
            "1 INVITE x",
            "a INVITE",
        ] {
            assert!(CSeq::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(CSeq::parse("2147483647 ACK").unwrap().seq, 2_147_483_647);
    }
}
