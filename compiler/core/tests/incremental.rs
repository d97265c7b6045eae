//! Incrementality: an edit recomputes only what it touches.
//!
//! The database records every query it executes; each test analyses a small
//! workspace of two packages, edits one file, analyses everything again and
//! asserts which queries ran, and for which files.

use std::collections::{BTreeMap, BTreeSet};

use ward_compiler::{Compiler, Database, SourceFile};

const NETWORK_RULES: &str = r#"package aws.network

import aws.common

/// Security groups must not open SSH to the internet.
@id("NET-001") @severity(high)
rule no_public_ssh for sg in resources("AWS::EC2::SecurityGroup") {
  for ingress in as_list(sg.props.SecurityGroupIngress) {
    deny common.is_public(ingress.CidrIp) and port_in_range(22, ingress.FromPort, ingress.ToPort)
      message "{sg} allows SSH from the internet"
  }
}
"#;

const NETWORK_HELPERS: &str = r#"package aws.network

fn is_tcp(ingress) = ingress.IpProtocol == "tcp" or ingress.IpProtocol == "6"

@id("NET-002") @severity(medium)
rule tcp_only for sg in resources("AWS::EC2::SecurityGroup") {
  require all i in as_list(sg.props.SecurityGroupIngress): is_tcp(i)
}
"#;

const COMMON: &str = r#"package aws.common

/// Whether a CIDR block is the whole internet.
fn is_public(cidr) = cidr == "0.0.0.0/0" or cidr == "::/0"
"#;

const COMMON_TAGS: &str = r#"package aws.common

@id("TAG-001") @severity(low)
rule tagged for r in resources("AWS::S3::Bucket") {
  require count(as_list(r.props.Tags)) > 0
}
"#;

/// A compiler over the workspace, everything analysed once, and the salsa
/// key of each file's `parse` and `analyze` so that the log can be read per
/// file.
struct Fixture {
    compiler: Compiler,
    /// `Id(..)` of the key of `parse`/`file_summary` -> file path.
    file_keys: BTreeMap<String, String>,
    /// `Id(..)` of the key of `analyze` -> file path.
    analyze_keys: BTreeMap<String, String>,
}

/// The queries that ran, by query name, with the files they ran for
/// (`*` for a query of the whole workspace).
type Executed = BTreeMap<String, BTreeSet<String>>;

impl Fixture {
    fn new() -> Fixture {
        let mut compiler = Compiler::new(Database::with_query_log());
        for (path, text) in [
            ("network/rules.ward", NETWORK_RULES),
            ("network/helpers.ward", NETWORK_HELPERS),
            ("common/cidr.ward", COMMON),
            ("common/tags.ward", COMMON_TAGS),
        ] {
            compiler.set_file(path, text.to_string());
        }
        // Run each file's queries on their own first to learn which key
        // stands for which file.
        let mut file_keys = BTreeMap::new();
        let mut analyze_keys = BTreeMap::new();
        for file in compiler.files() {
            let path = file.path(&compiler.db).clone();
            ward_compiler::parse(&compiler.db, file);
            let key = only_key(&compiler.db.take_query_log(), "parse");
            file_keys.insert(key, path.clone());
        }
        for file in compiler.files() {
            let path = file.path(&compiler.db).clone();
            compiler.analyze(file);
            let key = only_key(&compiler.db.take_query_log(), "analyze");
            analyze_keys.insert(key, path);
        }
        assert_eq!(analyze_keys.len(), 4);
        let mut fixture = Fixture {
            compiler,
            file_keys,
            analyze_keys,
        };
        assert!(
            fixture.reanalyze().is_empty(),
            "a second analysis with no edit must run no query"
        );
        fixture
    }

    fn file(&self, path: &str) -> SourceFile {
        self.compiler.file(path).unwrap()
    }

    /// Replaces `old` by `new` in a file (exactly once).
    fn edit(&mut self, path: &str, old: &str, new: &str) {
        let text = self.file(path).text(&self.compiler.db).clone();
        assert_eq!(
            text.matches(old).count(),
            1,
            "`{old}` must occur once in {path}"
        );
        self.compiler.set_file(path, text.replacen(old, new, 1));
    }

    /// Analyses every file of the workspace and returns what ran.
    fn reanalyze(&mut self) -> Executed {
        self.compiler.diagnostics();
        let mut executed = Executed::new();
        for entry in self.compiler.db.take_query_log() {
            let (query, key) = split_entry(&entry);
            let target = match query {
                "analyze" => self.analyze_keys.get(key).cloned(),
                "parse" | "file_summary" => self.file_keys.get(key).cloned(),
                _ => Some("*".to_string()),
            };
            let target = target.unwrap_or_else(|| format!("unknown key {key}"));
            executed
                .entry(query.to_string())
                .or_default()
                .insert(target);
        }
        executed
    }
}

/// `analyze(Id(100))` -> (`analyze`, `Id(100)`).
fn split_entry(entry: &str) -> (&str, &str) {
    let (query, rest) = entry.split_once('(').unwrap_or((entry, ""));
    (query, rest.strip_suffix(')').unwrap_or(rest))
}

/// The key of the one execution of `query` in a log.
fn only_key(log: &[String], query: &str) -> String {
    let keys: Vec<&str> = log
        .iter()
        .map(|entry| split_entry(entry))
        .filter(|(name, _)| *name == query)
        .map(|(_, key)| key)
        .collect();
    assert_eq!(keys.len(), 1, "expected one `{query}` in {log:?}");
    keys[0].to_string()
}

fn ran(executed: &Executed, query: &str) -> Vec<String> {
    executed
        .get(query)
        .map(|files| files.iter().cloned().collect())
        .unwrap_or_default()
}

/// Editing the body of a rule by one character re-parses, re-summarises and
/// re-analyses that file only; the summary is unchanged, so the package
/// index and everything derived from it are reused.
#[test]
fn editing_a_rule_body_reanalyses_only_that_file() {
    let mut fixture = Fixture::new();
    fixture.edit(
        "network/rules.ward",
        "port_in_range(22,",
        "port_in_range(23,",
    );
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "parse"),
        ["network/rules.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "file_summary"),
        ["network/rules.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "analyze"),
        ["network/rules.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "package_index"),
        Vec::<String>::new(),
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "recursive_functions"),
        Vec::<String>::new(),
        "{executed:?}"
    );
}

/// Moving text (a blank line at the top shifts every span) changes nothing
/// that other files see: summaries hold no positions.
#[test]
fn moving_text_reanalyses_only_that_file() {
    let mut fixture = Fixture::new();
    fixture.edit(
        "common/cidr.ward",
        "package aws.common\n",
        "\npackage aws.common\n",
    );
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "analyze"),
        ["common/cidr.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "package_index"),
        Vec::<String>::new(),
        "{executed:?}"
    );
}

/// Editing the body of a function without changing what it calls leaves the
/// package index as it was, even though other files call the function.
#[test]
fn editing_a_function_body_reanalyses_only_that_file() {
    let mut fixture = Fixture::new();
    fixture.edit("common/cidr.ward", "\"::/0\"", "\"::/1\"");
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "analyze"),
        ["common/cidr.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "package_index"),
        Vec::<String>::new(),
        "{executed:?}"
    );
}

/// Adding a function changes the file's summary: the package index is
/// rebuilt (from the cached summaries of the other files), and the files
/// that read it are analysed again.
#[test]
fn adding_a_function_rebuilds_the_package_index() {
    let mut fixture = Fixture::new();
    fixture.edit(
        "network/helpers.ward",
        "fn is_tcp(ingress)",
        "fn is_udp(ingress) = ingress.IpProtocol == \"udp\"\nfn is_tcp(ingress)",
    );
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "parse"),
        ["network/helpers.ward"],
        "{executed:?}"
    );
    assert_eq!(
        ran(&executed, "file_summary"),
        ["network/helpers.ward"],
        "{executed:?}"
    );
    assert_eq!(ran(&executed, "package_index"), ["*"], "{executed:?}");
    assert_eq!(ran(&executed, "analyze").len(), 4, "{executed:?}");
}

/// An edit that breaks a file and one that repairs it leave the other
/// files' analyses untouched in both steps.
#[test]
fn a_syntax_error_stays_in_its_file() {
    let mut fixture = Fixture::new();
    fixture.edit("common/tags.ward", "> 0", "> ");
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "analyze"),
        ["common/tags.ward"],
        "{executed:?}"
    );
    let errors: Vec<String> = fixture
        .compiler
        .diagnostics()
        .into_iter()
        .map(|d| d.file)
        .collect();
    assert_eq!(errors, ["common/tags.ward"]);

    fixture.edit("common/tags.ward", "> \n", "> 0\n");
    let executed = fixture.reanalyze();
    assert_eq!(
        ran(&executed, "analyze"),
        ["common/tags.ward"],
        "{executed:?}"
    );
    assert!(fixture.compiler.diagnostics().is_empty());
}
