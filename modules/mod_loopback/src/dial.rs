//! Parsing `exten[/context[/dialplan]]`.

/// Where a loopback B leg is routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopbackTarget {
    pub exten: String,
    pub context: String,
    pub dialplan: String,
}

impl LoopbackTarget {
    /// Parses the dial data after `loopback/`. Context defaults to `default` and the dialplan
    /// to `XML`, as in FreeSWITCH.
    pub fn parse(data: &str) -> Result<Self, String> {
        let mut parts = data.splitn(3, '/');
        let exten = parts.next().unwrap_or_default().trim();
        if exten.is_empty() {
            return Err(
                "loopback needs a destination: loopback/<exten>[/<context>[/<dialplan>]]"
                    .to_owned(),
            );
        }
        let non_empty = |part: Option<&str>, default: &str| {
            part.map(str::trim)
                .filter(|part| !part.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        Ok(Self {
            exten: exten.to_owned(),
            context: non_empty(parts.next(), "default"),
            dialplan: non_empty(parts.next(), "XML"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_full_form() {
        let target = LoopbackTarget::parse("1000").expect("valid");
        assert_eq!(
            (target.context.as_str(), target.dialplan.as_str()),
            ("default", "XML")
        );
        let target = LoopbackTarget::parse("answer,park/public/inline").expect("valid");
        assert_eq!(
            target,
            LoopbackTarget {
                exten: "answer,park".into(),
                context: "public".into(),
                dialplan: "inline".into()
            }
        );
        assert!(LoopbackTarget::parse("").is_err());
        assert!(LoopbackTarget::parse("/default").is_err());
    }
}
