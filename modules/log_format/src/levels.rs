//! Level sets and per-module mappings, as FreeSWITCH's `console.conf` and `logfile.conf`
//! write them: `<map name="all" value="debug,info,notice,warning,err,crit,alert"/>`.

use std::collections::HashMap;

use ferroswitch_abi::xml::{InvalidValue, XmlNode};
use ferroswitch_abi::LogLevel;

/// A set of log levels: FreeSWITCH's level mask, bit n standing for level n.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LevelSet(u8);

impl LevelSet {
    /// No level.
    pub const NONE: LevelSet = LevelSet(0);
    /// Every level, `console` included.
    pub const ALL: LevelSet = LevelSet(u8::MAX);

    /// The set holding only `level`.
    pub fn only(level: LogLevel) -> Self {
        LevelSet(1 << level as u8)
    }

    /// Whether `level` is in the set.
    pub fn contains(self, level: LogLevel) -> bool {
        self.0 & (1 << level as u8) != 0
    }

    /// Both sets together.
    #[must_use]
    pub fn union(self, other: LevelSet) -> Self {
        LevelSet(self.0 | other.0)
    }

    /// Parses a comma-separated list of level names or numbers (`debug,info,err`), or `all`.
    /// An empty list is the empty set. The error names the word that is not a level.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut set = LevelSet::NONE;
        for word in text
            .split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
        {
            if word.eq_ignore_ascii_case("all") {
                set = LevelSet::ALL;
            } else {
                let level = LogLevel::parse(word).ok_or_else(|| not_a_level(word))?;
                set = set.union(LevelSet::only(level));
            }
        }
        Ok(set)
    }
}

/// The reason given for a word that names no level.
pub fn not_a_level(word: &str) -> String {
    format!(
        "\"{word}\" is not a log level (console, alert, crit, err, warning, notice, info, \
         debug, or 0-7)"
    )
}

/// Which levels are shown for which module: the `all` set, plus per-module sets that add
/// levels for one module (FreeSWITCH's rule: a record passes if either set holds its level).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mappings {
    all: LevelSet,
    modules: HashMap<String, LevelSet>,
}

impl Mappings {
    /// Every level for every module: what applies when a configuration has no `<mappings>`.
    pub fn everything() -> Self {
        Self {
            all: LevelSet::ALL,
            modules: HashMap::new(),
        }
    }

    /// Reads a `<mappings>` element: its `<map name="all|module" value="levels"/>` children,
    /// added in order. A map without a name, or naming a word that is no level, is refused.
    pub fn from_xml(mappings: &XmlNode) -> Result<Self, InvalidValue> {
        let mut result = Self::default();
        for map in mappings.children_named("map") {
            let name = map
                .attr("name")
                .filter(|name| !name.trim().is_empty())
                .ok_or_else(|| InvalidValue::new(map, "a map needs a name (a module or all)"))?;
            let levels = LevelSet::parse(map.attr("value").unwrap_or(""))
                .map_err(|reason| InvalidValue::new(map, reason))?;
            result.add(name.trim(), levels);
        }
        Ok(result)
    }

    /// Adds the levels of one `<map name=".." value=".."/>`; `name` is a module name or
    /// `all`. Mapping the same name twice adds both sets.
    pub fn add(&mut self, name: &str, levels: LevelSet) {
        if name.eq_ignore_ascii_case("all") {
            self.all = self.all.union(levels);
        } else {
            let entry = self.modules.entry(name.to_owned()).or_default();
            *entry = entry.union(levels);
        }
    }

    /// Whether a record of `level` from `module` passes.
    pub fn allows(&self, module: &str, level: LogLevel) -> bool {
        self.all.contains(level)
            || self
                .modules
                .get(module)
                .is_some_and(|levels| levels.contains(level))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_numbers_and_all() {
        let set = LevelSet::parse("debug, Info,3").expect("valid list");
        assert!(set.contains(LogLevel::Debug));
        assert!(set.contains(LogLevel::Info));
        assert!(set.contains(LogLevel::Err));
        assert!(!set.contains(LogLevel::Warning));
        assert_eq!(LevelSet::parse("all"), Ok(LevelSet::ALL));
        assert_eq!(LevelSet::parse(""), Ok(LevelSet::NONE));
    }

    #[test]
    fn names_the_bad_word() {
        let error = LevelSet::parse("info,loud").expect_err("loud is no level");
        assert!(error.contains("\"loud\""), "{error}");
    }

    #[test]
    fn module_map_adds_to_all() {
        let mut mappings = Mappings::default();
        mappings.add("all", LevelSet::parse("err,crit,alert").expect("valid"));
        mappings.add("mod_sip", LevelSet::parse("debug").expect("valid"));
        assert!(mappings.allows("mod_dptools", LogLevel::Err));
        assert!(!mappings.allows("mod_dptools", LogLevel::Debug));
        assert!(mappings.allows("mod_sip", LogLevel::Debug));
        assert!(mappings.allows("mod_sip", LogLevel::Alert));
        assert!(!mappings.allows("mod_sip", LogLevel::Info));
    }

    fn mappings(text: &str) -> Result<Mappings, InvalidValue> {
        let node = XmlNode::parse_str(text, "console.conf.xml").expect("well-formed test XML");
        Mappings::from_xml(&node)
    }

    #[test]
    fn reads_maps_from_xml() {
        let read = mappings(
            r#"<mappings>
                 <map name="all" value="err,crit,alert"/>
                 <map name=" mod_sip " value="debug"/>
               </mappings>"#,
        )
        .expect("valid");
        assert!(read.allows("mod_dptools", LogLevel::Err));
        assert!(!read.allows("mod_dptools", LogLevel::Debug));
        assert!(read.allows("mod_sip", LogLevel::Debug));

        let read = mappings("<mappings/>").expect("valid");
        assert_eq!(read, Mappings::default());
    }

    #[test]
    fn refuses_a_nameless_map_or_a_bad_level() {
        let error = mappings("<mappings>\n<map value=\"info\"/>\n</mappings>")
            .expect_err("a map needs a name");
        assert_eq!(
            error.to_string(),
            "console.conf.xml:2: <map value=\"info\"/>: a map needs a name (a module or all)"
        );

        let error = mappings(r#"<mappings><map name="all" value="info,chatty"/></mappings>"#)
            .expect_err("chatty is no level");
        assert_eq!(error.reason, not_a_level("chatty"));
    }

    #[test]
    fn everything_allows_every_level() {
        let mappings = Mappings::everything();
        assert!(LogLevel::ALL
            .into_iter()
            .all(|level| mappings.allows("core", level)));
    }
}
