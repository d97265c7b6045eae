//! The `ward.meta` custom section: what a module contains, readable without
//! running it.

use std::collections::HashSet;
use std::fmt;

use crate::bytes::Reader;
use crate::{ABI_VERSION, META_MAGIC};

/// The severity of a rule's findings, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The byte stored in the metadata (0 info to 4 critical).
    pub fn code(self) -> u8 {
        match self {
            Severity::Info => 0,
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
            Severity::Critical => 4,
        }
    }

    /// The severity of a metadata byte.
    pub fn from_code(code: u8) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.code() == code)
    }

    /// The lowercase word: `info`, `low`, `medium`, `high`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses the lowercase word.
    pub fn parse(word: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == word)
    }
}

/// How a rule's failures are enforced, weakest first (the levels of
/// policy-as-code enforcement: advisory, soft-mandatory, hard-mandatory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Level {
    /// Reported, never fails a run.
    Advisory,
    /// Fails a run by `--fail-on`; a suppression or a baseline entry with
    /// a reason overrides it. The default.
    #[default]
    SoftMandatory,
    /// Fails a run by `--fail-on` whatever suppressions and baselines say:
    /// no override.
    HardMandatory,
}

impl Level {
    /// All levels, weakest first.
    pub const ALL: [Level; 3] = [Level::Advisory, Level::SoftMandatory, Level::HardMandatory];

    /// The byte stored in the metadata (0 advisory, 1 soft-mandatory, 2
    /// hard-mandatory).
    pub fn code(self) -> u8 {
        match self {
            Level::Advisory => 0,
            Level::SoftMandatory => 1,
            Level::HardMandatory => 2,
        }
    }

    /// The level of a metadata byte.
    pub fn from_code(code: u8) -> Option<Level> {
        Level::ALL.into_iter().find(|level| level.code() == code)
    }

    /// The word in reports and flags: `advisory`, `soft-mandatory`,
    /// `hard-mandatory`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Advisory => "advisory",
            Level::SoftMandatory => "soft-mandatory",
            Level::HardMandatory => "hard-mandatory",
        }
    }

    /// Parses the word, with `-` or `_` (`@level(hard_mandatory)` in a
    /// policy, `--fail-on hard-mandatory` on the command line).
    pub fn parse(word: &str) -> Option<Level> {
        let word = word.replace('_', "-");
        Level::ALL.into_iter().find(|level| level.as_str() == word)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a check requires its condition or denies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// `require`: fails when the condition is false.
    Require,
    /// `deny`: fails when the condition is true.
    Deny,
}

impl CheckKind {
    fn code(self) -> u8 {
        match self {
            CheckKind::Require => 0,
            CheckKind::Deny => 1,
        }
    }

    fn from_code(code: u8) -> Option<CheckKind> {
        match code {
            0 => Some(CheckKind::Require),
            1 => Some(CheckKind::Deny),
            _ => None,
        }
    }

    /// The keyword: `require` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Require => "require",
            CheckKind::Deny => "deny",
        }
    }
}

/// A range of a source file, 1-based, columns in characters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceSpan {
    /// The source file as the compiler named it.
    pub file: String,
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column just after the end.
    pub end_column: u32,
}

/// One `require` or `deny` of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CheckMeta {
    /// `require` or `deny`.
    pub kind: CheckKind,
    /// The message template as written, before interpolation.
    pub message: String,
    /// Where the check is written.
    pub source: SourceSpan,
}

/// One rule of a module. Its index is its position in [`Metadata::rules`],
/// the number `ward_eval` takes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleMeta {
    /// The `@id`, or the qualified name when the rule has none.
    pub id: String,
    /// The rule's name.
    pub name: String,
    /// The package, dotted.
    pub package: String,
    /// The severity of its findings.
    pub severity: Severity,
    /// `@controls(...)`.
    pub controls: Vec<String>,
    /// `@tags(...)`.
    pub tags: Vec<String>,
    /// One line.
    pub title: String,
    /// The whole doc comment, Markdown.
    pub description: String,
    /// The resource types the rule binds, as written.
    pub resource_types: Vec<String>,
    /// Where the rule is written.
    pub source: SourceSpan,
    /// Its checks in source order; a finding's check index points here.
    pub checks: Vec<CheckMeta>,
    /// `@level(...)`: how its failures are enforced.
    pub level: Level,
    /// `@formats(...)`: the input formats it is written for
    /// (`cloudformation`, `terraform`, `config`, `data`); empty when not
    /// stated.
    pub formats: Vec<String>,
    /// `@checkov(...)`: the equivalent Checkov check ids.
    pub checkov: Vec<String>,
    /// `@guard(...)`: the equivalent AWS Guard rules registry rule names.
    pub guard: Vec<String>,
}

/// The content of the `ward.meta` section.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Metadata {
    /// What wrote the module, such as `ward 0.1.0`.
    pub producer: String,
    /// The rules; rule `i` is evaluated by `ward_eval(i, ...)`.
    pub rules: Vec<RuleMeta>,
    /// The key table: key id `k` is `keys[k]`. Unique strings.
    pub keys: Vec<String>,
    /// The number of regexes compiled into the module.
    pub regex_count: u32,
    /// Whether the module reads the document root.
    pub uses_root: bool,
    /// The policy parameters; parameter `i` is item `i` of the list the
    /// host encodes at the header's parameters offset.
    pub params: Vec<crate::ParamMeta>,
}

/// Why a metadata section could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetaError {
    /// The module has no `ward.meta` section.
    Missing,
    /// The module has more than one `ward.meta` section.
    Duplicate,
    /// The section does not start with the metadata magic.
    BadMagic {
        /// The first bytes found (up to 8).
        found: Vec<u8>,
    },
    /// The section is for another ABI version.
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// The section is cut short or holds an invalid field.
    Malformed {
        /// What is wrong, lowercase.
        message: String,
    },
}

impl fmt::Display for MetaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetaError::Missing => write!(
                f,
                "the module has no `ward.meta` section: it was not compiled by ward"
            ),
            MetaError::Duplicate => write!(f, "the module has more than one `ward.meta` section"),
            MetaError::BadMagic { found } => write!(
                f,
                "the `ward.meta` section starts with {} instead of the ward metadata magic {}",
                hex(found),
                hex(&META_MAGIC)
            ),
            MetaError::UnsupportedVersion { found } => write!(
                f,
                "the module was compiled for ward ABI version {found}, this runtime supports version {ABI_VERSION}"
            ),
            MetaError::Malformed { message } => {
                write!(f, "the `ward.meta` section is malformed: {message}")
            }
        }
    }
}

impl std::error::Error for MetaError {}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    if out.is_empty() {
        out.push_str("nothing");
    }
    out
}

fn malformed(message: impl Into<String>) -> MetaError {
    MetaError::Malformed {
        message: message.into(),
    }
}

impl Metadata {
    /// Encodes the section's content: header and body.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Writer::default();
        body.str(&self.producer);
        body.len(self.rules.len());
        for rule in &self.rules {
            body.str(&rule.id);
            body.str(&rule.name);
            body.str(&rule.package);
            body.u8(rule.severity.code());
            body.strs(&rule.controls);
            body.strs(&rule.tags);
            body.str(&rule.title);
            body.str(&rule.description);
            body.strs(&rule.resource_types);
            body.span(&rule.source);
            body.len(rule.checks.len());
            for check in &rule.checks {
                body.u8(check.kind.code());
                body.str(&check.message);
                body.span(&check.source);
            }
            body.u8(rule.level.code());
            body.strs(&rule.formats);
            body.strs(&rule.checkov);
            body.strs(&rule.guard);
        }
        body.strs(&self.keys);
        body.u32(self.regex_count);
        body.u8(u8::from(self.uses_root));
        body.len(self.params.len());
        for param in &self.params {
            body.str(&param.name);
            body.str(&param.ty);
            body.str(&param.default);
            body.str(&param.doc);
        }

        let mut out = Vec::with_capacity(body.bytes.len() + 16);
        out.extend_from_slice(&META_MAGIC);
        out.extend_from_slice(&ABI_VERSION.to_le_bytes());
        out.extend_from_slice(&saturating_u32(body.bytes.len()).to_le_bytes());
        out.extend_from_slice(&body.bytes);
        out
    }

    /// Decodes the content of a `ward.meta` section.
    ///
    /// # Errors
    ///
    /// [`MetaError::BadMagic`] and [`MetaError::UnsupportedVersion`] are
    /// checked first; anything else wrong is [`MetaError::Malformed`].
    pub fn decode(bytes: &[u8]) -> Result<Metadata, MetaError> {
        let mut reader = Reader::new(bytes);
        match reader.take(META_MAGIC.len()) {
            Some(magic) if magic == META_MAGIC => {}
            _ => {
                return Err(MetaError::BadMagic {
                    found: bytes.iter().take(META_MAGIC.len()).copied().collect(),
                });
            }
        }
        let version = reader
            .u32()
            .ok_or_else(|| malformed("the header is cut short"))?;
        if version != ABI_VERSION {
            return Err(MetaError::UnsupportedVersion { found: version });
        }
        let body_len = reader
            .u32()
            .ok_or_else(|| malformed("the header is cut short"))?;
        let body = reader
            .take(body_len as usize)
            .ok_or_else(|| malformed(format!("the body of {body_len} bytes is cut short")))?;
        let mut body = BodyReader {
            reader: Reader::new(body),
        };
        let metadata = body.metadata()?;
        metadata.validate()?;
        Ok(metadata)
    }

    /// The key table of this module.
    pub fn key_table(&self) -> crate::KeyTable {
        crate::KeyTable::new(self.keys.iter().map(String::as_str))
    }

    fn validate(&self) -> Result<(), MetaError> {
        let mut seen = HashSet::with_capacity(self.keys.len());
        for key in &self.keys {
            if !seen.insert(key.as_str()) {
                return Err(malformed(format!("the key table holds `{key}` twice")));
            }
        }
        if u32::try_from(self.keys.len()).map_or(true, |count| count == u32::MAX) {
            return Err(malformed("the key table is too long"));
        }
        Ok(())
    }
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    fn u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    fn len(&mut self, value: usize) {
        self.u32(saturating_u32(value));
    }

    fn str(&mut self, value: &str) {
        self.len(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }

    fn strs(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    fn span(&mut self, span: &SourceSpan) {
        self.str(&span.file);
        self.u32(span.start_line);
        self.u32(span.start_column);
        self.u32(span.end_line);
        self.u32(span.end_column);
    }
}

struct BodyReader<'a> {
    reader: Reader<'a>,
}

impl BodyReader<'_> {
    fn cut(&self, what: &str) -> MetaError {
        malformed(format!(
            "{what} at byte {} of the body is cut short",
            self.reader.position()
        ))
    }

    fn u8(&mut self, what: &str) -> Result<u8, MetaError> {
        self.reader.u8().ok_or_else(|| self.cut(what))
    }

    fn u32(&mut self, what: &str) -> Result<u32, MetaError> {
        self.reader.u32().ok_or_else(|| self.cut(what))
    }

    /// A count of items that take at least `min_item_size` bytes each; a
    /// count the remaining bytes cannot hold is refused before anything is
    /// allocated for it.
    fn count(&mut self, what: &str, min_item_size: usize) -> Result<usize, MetaError> {
        let count = self.u32(what)? as usize;
        if count.saturating_mul(min_item_size) > self.reader.remaining() {
            return Err(malformed(format!(
                "{what} claims {count} items but only {} bytes are left",
                self.reader.remaining()
            )));
        }
        Ok(count)
    }

    fn str(&mut self, what: &str) -> Result<String, MetaError> {
        let len = self.u32(what)? as usize;
        let bytes = self.reader.take(len).ok_or_else(|| self.cut(what))?;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed(format!("{what} is not UTF-8")))
    }

    fn strs(&mut self, what: &str) -> Result<Vec<String>, MetaError> {
        let count = self.count(what, 4)?;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            out.push(self.str(what)?);
        }
        Ok(out)
    }

    fn span(&mut self, what: &str) -> Result<SourceSpan, MetaError> {
        Ok(SourceSpan {
            file: self.str(what)?,
            start_line: self.u32(what)?,
            start_column: self.u32(what)?,
            end_line: self.u32(what)?,
            end_column: self.u32(what)?,
        })
    }

    fn metadata(&mut self) -> Result<Metadata, MetaError> {
        let producer = self.str("the producer")?;
        // The smallest rule: 8 empty strings and lists (4 bytes each), a
        // severity byte, a span (20 bytes) and an empty check list.
        let rule_count = self.count("the rule list", 4 * 9 + 1 + 20)?;
        let mut rules = Vec::with_capacity(rule_count);
        for index in 0..rule_count {
            rules.push(self.rule(index)?);
        }
        let keys = self.strs("the key table")?;
        let regex_count = self.u32("the regex count")?;
        let uses_root = match self.u8("the root flag")? {
            0 => false,
            1 => true,
            other => return Err(malformed(format!("the root flag is {other}, not 0 or 1"))),
        };
        let param_count = self.count("the parameter list", 4 * 4)?;
        let mut params = Vec::with_capacity(param_count);
        for _ in 0..param_count {
            params.push(crate::ParamMeta {
                name: self.str("a parameter's name")?,
                ty: self.str("a parameter's type")?,
                default: self.str("a parameter's default")?,
                doc: self.str("a parameter's doc")?,
            });
        }
        Ok(Metadata {
            producer,
            rules,
            keys,
            regex_count,
            uses_root,
            params,
        })
    }

    fn rule(&mut self, index: usize) -> Result<RuleMeta, MetaError> {
        let what = format!("rule {index}");
        let id = self.str(&what)?;
        let name = self.str(&what)?;
        let package = self.str(&what)?;
        let severity_code = self.u8(&what)?;
        let severity = Severity::from_code(severity_code).ok_or_else(|| {
            malformed(format!(
                "rule `{id}` has severity {severity_code}, not 0 to 4"
            ))
        })?;
        let controls = self.strs(&what)?;
        let tags = self.strs(&what)?;
        let title = self.str(&what)?;
        let description = self.str(&what)?;
        let resource_types = self.strs(&what)?;
        let source = self.span(&what)?;
        let check_count = self.count(&what, 1 + 4 + 20)?;
        let mut checks = Vec::with_capacity(check_count);
        for _ in 0..check_count {
            let kind_code = self.u8(&what)?;
            let kind = CheckKind::from_code(kind_code).ok_or_else(|| {
                malformed(format!(
                    "rule `{id}` has a check of kind {kind_code}, not 0 or 1"
                ))
            })?;
            let message = self.str(&what)?;
            let source = self.span(&what)?;
            checks.push(CheckMeta {
                kind,
                message,
                source,
            });
        }
        let level_code = self.u8(&what)?;
        let level = Level::from_code(level_code)
            .ok_or_else(|| malformed(format!("rule `{id}` has level {level_code}, not 0 to 2")))?;
        let formats = self.strs(&what)?;
        let checkov = self.strs(&what)?;
        let guard = self.strs(&what)?;
        Ok(RuleMeta {
            level,
            formats,
            checkov,
            guard,
            id,
            name,
            package,
            severity,
            controls,
            tags,
            title,
            description,
            resource_types,
            source,
            checks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Metadata {
        let span = |line| SourceSpan {
            file: "network.ward".to_string(),
            start_line: line,
            start_column: 1,
            end_line: line + 3,
            end_column: 2,
        };
        Metadata {
            producer: "ward 0.1.0".to_string(),
            rules: vec![RuleMeta {
                id: "NET-001".to_string(),
                name: "no_public_admin_ports".to_string(),
                package: "aws.network".to_string(),
                severity: Severity::High,
                controls: vec!["WA:SEC05-BP01".to_string(), "CIS:5.2".to_string()],
                tags: vec!["network".to_string()],
                title: "Security groups must not open administrative ports".to_string(),
                description: "Security groups must not open administrative ports.\n\nÜber."
                    .to_string(),
                resource_types: vec!["AWS::EC2::SecurityGroup".to_string()],
                source: span(4),
                checks: vec![CheckMeta {
                    kind: CheckKind::Deny,
                    message: "{sg} allows SSH from {ingress.CidrIp}".to_string(),
                    source: span(8),
                }],
                level: Level::default(),
                formats: Vec::new(),
                checkov: Vec::new(),
                guard: Vec::new(),
            }],
            keys: vec!["AWS::EC2::SecurityGroup".to_string(), "CidrIp".to_string()],
            regex_count: 2,
            uses_root: false,
            params: vec![crate::ParamMeta {
                name: "aws.tags.required_tags".to_string(),
                ty: "list<string>".to_string(),
                default: r#"["owner"]"#.to_string(),
                doc: "Tag keys every resource must carry.".to_string(),
            }],
        }
    }

    #[test]
    fn round_trip() {
        let metadata = sample();
        let bytes = metadata.encode();
        assert_eq!(&bytes[..8], b"\0wardmet");
        assert_eq!(&bytes[8..12], &ABI_VERSION.to_le_bytes());
        assert_eq!(Metadata::decode(&bytes), Ok(metadata));
    }

    #[test]
    fn empty_round_trip() {
        let metadata = Metadata {
            producer: String::new(),
            rules: Vec::new(),
            keys: Vec::new(),
            regex_count: 0,
            uses_root: true,
            params: Vec::new(),
        };
        assert_eq!(Metadata::decode(&metadata.encode()), Ok(metadata));
    }

    #[test]
    fn wrong_magic_is_named() {
        let mut bytes = sample().encode();
        bytes[1] = b'x';
        let error = Metadata::decode(&bytes).unwrap_err();
        assert!(matches!(error, MetaError::BadMagic { .. }));
        assert_eq!(
            error.to_string(),
            "the `ward.meta` section starts with 00 78 61 72 64 6d 65 74 instead of the ward metadata magic 00 77 61 72 64 6d 65 74"
        );
        assert!(matches!(
            Metadata::decode(&[]),
            Err(MetaError::BadMagic { .. })
        ));
    }

    #[test]
    fn wrong_version_is_named() {
        let mut bytes = sample().encode();
        bytes[8..12].copy_from_slice(&7u32.to_le_bytes());
        let error = Metadata::decode(&bytes).unwrap_err();
        assert_eq!(error, MetaError::UnsupportedVersion { found: 7 });
        assert_eq!(
            error.to_string(),
            "the module was compiled for ward ABI version 7, this runtime supports version 4"
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample().encode();
        for len in 0..bytes.len() {
            assert!(Metadata::decode(&bytes[..len]).is_err(), "length {len}");
        }
    }

    #[test]
    fn trailing_bytes_are_ignored() {
        let metadata = sample();
        let mut bytes = metadata.encode();
        let body_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) + 3;
        bytes[12..16].copy_from_slice(&body_len.to_le_bytes());
        bytes.extend_from_slice(&[1, 2, 3]);
        assert_eq!(Metadata::decode(&bytes), Ok(metadata));
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let mut metadata = sample();
        metadata.keys.push("CidrIp".to_string());
        let error = Metadata::decode(&metadata.encode()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the `ward.meta` section is malformed: the key table holds `CidrIp` twice"
        );
    }

    #[test]
    fn huge_counts_allocate_nothing() {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"\0wardmet");
        bytes.extend_from_slice(&ABI_VERSION.to_le_bytes());
        bytes.extend_from_slice(&8u32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            Metadata::decode(&bytes),
            Err(MetaError::Malformed { .. })
        ));
    }

    #[test]
    fn bad_utf8_and_codes_are_refused() {
        let mut metadata = sample();
        metadata.producer = "ab".to_string();
        let mut bytes = metadata.encode();
        bytes[20] = 0xFF;
        assert!(matches!(
            Metadata::decode(&bytes),
            Err(MetaError::Malformed { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn hostile_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = Metadata::decode(&bytes);
            let mut framed = sample().encode()[..16].to_vec();
            framed.extend_from_slice(&bytes);
            let _ = Metadata::decode(&framed);
        }

        #[test]
        fn flipped_bytes_never_panic(index in 0usize..400, value in proptest::num::u8::ANY) {
            let mut bytes = sample().encode();
            let len = bytes.len();
            bytes[index % len] = value;
            let _ = Metadata::decode(&bytes);
        }
    }
}
