//! The IR: its text form for a policy that uses every construct, its
//! tables, and the incrementality of the `file_ir` and `program` queries.

use std::collections::{BTreeMap, BTreeSet};

use ward_compiler::ir::{file_ir, program};
use ward_compiler::{Compiler, Database};

const NETWORK: &str = r#"
package net

import shared.util as u

/// Security groups must not open SSH to the world.
@id("NET-001") @severity(high) @controls("CIS:5.2")
rule no_public_ssh for sg in resources("AWS::EC2::SecurityGroup", "AWS::EC2::*") when exists(sg.props) {
  let rules = as_list(sg.props.SecurityGroupIngress)
  for ingress in rules {
    when ingress.CidrIp not in ["10.0.0.0/8"]
    deny u.is_public(ingress.CidrIp) and port_in_range(22, ingress.FromPort, ingress.ToPort)
      message "{sg} allows SSH from {ingress.CidrIp}"
      at ingress
  }
  require all r in refs(sg, "AWS::EC2::VPC"): r.id matches r"^Vpc"
  require count(referrers(sg)) >= -1 or not (sg["x"] == {a: 1, b: [true, null]})
}
"#;

const UTIL: &str = r#"
package shared.util

fn is_public(c) = c == "0.0.0.0/0" or c == "::/0" or (any p in ["0.0.0.0/0"]: p == c)

fn double(x) = x * 2 - -1 + len("{x}")
"#;

fn compiler(files: &[(&str, &str)]) -> Compiler {
    let mut compiler = Compiler::new(Database::with_query_log());
    for (path, text) in files {
        compiler.set_file(path, text.to_string());
    }
    compiler
}

#[test]
fn ir_text_form() {
    let compiler = compiler(&[("util.ward", UTIL), ("net.ward", NETWORK)]);
    let errors: Vec<String> = compiler
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let program = program(&compiler.db, compiler.workspace).expect("no errors");
    insta::assert_snapshot!(program.display(), @r#"
    key k0 = "props"
    key k1 = "SecurityGroupIngress"
    key k2 = "CidrIp"
    key k3 = "FromPort"
    key k4 = "ToPort"
    key k5 = "id"
    key k6 = "a"
    key k7 = "b"
    regex r0 = "^Vpc"
    fn f0 shared.util.is_public(params 1, locals 2) =
      (((l0 == "0.0.0.0/0") or (l0 == "::/0")) or (any l1 in ["0.0.0.0/0"]: (l1 == l0)))
    fn f1 shared.util.double(params 1, locals 1) =
      (((l0 * 2) - -1) + len(format({l0})))
    rule net.no_public_ssh id "NET-001" severity high locals 4 checks 3
      for l0 in resources("AWS::EC2::SecurityGroup", "AWS::EC2::*")
      guard exists(l0.k0)
      let l1 = as_list(l0.k0.k1)
      for l2 in l1
        when[next] (not (l2.k2 in ["10.0.0.0/8"]))
        deny#0 (call f0:is_public(l2.k2) and port_in_range(22, l2.k3, l2.k4)) message format({l0} " allows SSH from " {l2.k2}) at l2
      require#1 (all l3 in refs(l0, "AWS::EC2::VPC"): (l3.k5 matches r0))
      require#2 ((count(referrers(l0)) >= -1) or (not (l0["x"] == {k6: 1, k7: [true, null]})))
    "#);
    let rule = &program.rules[0];
    assert_eq!(rule.info.controls, ["CIS:5.2"]);
    assert_eq!(
        rule.info.title,
        "Security groups must not open SSH to the world."
    );
    let checks = rule.all_checks();
    assert_eq!(checks.len(), 3);
    assert_eq!(
        checks[0].message_source.as_deref(),
        Some("\"{sg} allows SSH from {ingress.CidrIp}\"")
    );
    assert_eq!(
        &NETWORK[checks[0].span.range()].lines().next(),
        &Some(
            "deny u.is_public(ingress.CidrIp) and port_in_range(22, ingress.FromPort, ingress.ToPort)"
        )
    );
}

#[test]
fn no_program_with_errors() {
    let compiler = compiler(&[("a.ward", "rule r for x in resources(\"T\") { require y }")]);
    assert!(program(&compiler.db, compiler.workspace).is_none());
    // Warnings do not stop it.
    let compiler = compiler_with_warning();
    assert!(program(&compiler.db, compiler.workspace).is_some());
}

fn compiler_with_warning() -> Compiler {
    compiler(&[(
        "a.ward",
        "rule r for x in resources(\"T\") { let unused = 1\n require true }",
    )])
}

#[test]
fn tables_are_shared_across_files() {
    let a = r#"package a
@severity(low) rule r for x in resources("T") { require x.props.Name matches "^a" and x.props.Size > 1 }"#;
    let b = r#"package b
@severity(low) rule r for x in resources("T") { require x.props.Name matches "^a" and x.props.Other == 1 }"#;
    let compiler = compiler(&[("a.ward", a), ("b.ward", b)]);
    let program = program(&compiler.db, compiler.workspace).expect("no errors");
    let keys: Vec<&str> = program.keys.iter().map(|k| &**k).collect();
    assert_eq!(keys, ["props", "Name", "Size", "Other"]);
    assert_eq!(program.regexes.len(), 1);
    assert_eq!(program.key_id("Other").map(|k| k.0), Some(3));
    assert_eq!(program.rules_of_package("b").count(), 1);
}

/// Which queries ran, by query name, each with the files it ran for.
type Executed = BTreeMap<String, BTreeSet<String>>;

fn split_entry(entry: &str) -> (&str, &str) {
    let (query, rest) = entry.split_once('(').unwrap_or((entry, ""));
    (query, rest.strip_suffix(')').unwrap_or(rest))
}

#[test]
fn editing_one_file_relowers_only_that_file() {
    let other = r#"package other
@severity(low) rule r for x in resources("T") { require x.props.A == 1 }"#;
    let mut compiler = compiler(&[
        ("util.ward", UTIL),
        ("net.ward", NETWORK),
        ("other.ward", other),
    ]);
    // Lower each file once to learn its query key.
    let mut keys = BTreeMap::new();
    for file in compiler.files() {
        file_ir(&compiler.db, compiler.workspace, file);
        let path = file.path(&compiler.db).clone();
        for entry in compiler.db.take_query_log() {
            let (query, key) = split_entry(&entry);
            if query == "file_ir" {
                keys.insert(key.to_string(), path.clone());
            }
        }
    }
    assert_eq!(keys.len(), 3);
    let rerun = |compiler: &mut Compiler| -> Executed {
        program(&compiler.db, compiler.workspace).expect("no errors");
        let mut executed = Executed::new();
        for entry in compiler.db.take_query_log() {
            let (query, key) = split_entry(&entry);
            let target = if query == "file_ir" {
                keys.get(key)
                    .cloned()
                    .unwrap_or_else(|| format!("unknown {key}"))
            } else {
                "*".to_string()
            };
            executed
                .entry(query.to_string())
                .or_default()
                .insert(target);
        }
        executed
    };
    let first = rerun(&mut compiler);
    assert!(first.contains_key("program"));
    assert!(
        !first.contains_key("file_ir"),
        "every file is lowered already: {first:?}"
    );
    assert!(rerun(&mut compiler).is_empty(), "nothing changed");

    // A new message in one rule: only that file is lowered again.
    compiler.set_file("net.ward", NETWORK.replace("allows SSH", "opens SSH"));
    let executed = rerun(&mut compiler);
    assert_eq!(
        executed.get("file_ir"),
        Some(&BTreeSet::from(["net.ward".to_string()]))
    );
    assert!(executed.contains_key("program"));

    // A new function in a package rebuilds the package index, but the other
    // files' analyses come out equal and their IR is reused.
    compiler.set_file("util.ward", format!("{UTIL}\nfn triple(x) = x * 3\n"));
    let executed = rerun(&mut compiler);
    assert_eq!(
        executed.get("file_ir"),
        Some(&BTreeSet::from(["util.ward".to_string()]))
    );

    // The same program comes out of an edit that changes nothing lowered.
    let before = program(&compiler.db, compiler.workspace).expect("no errors");
    compiler.set_file("other.ward", format!("{other}\n// a comment\n"));
    let after = program(&compiler.db, compiler.workspace).expect("no errors");
    assert_eq!(before, after);
}
