//! Data-driven tests of the reference evaluator.
//!
//! Each case in `tests/eval/` is a policy `<case>.ward` and an input
//! `<case>.json` or `<case>.yaml` (or the file named by an `// input:` line).
//! The policy's header comment states the expected outcome of every rule on
//! every resource it iterates, one `// expect: <rule> <resource> <outcome>`
//! line each; the list must be complete. The findings (message, location)
//! and rule errors are an insta snapshot, `tests/eval/<case>.snap`.
//! An `// max_steps: N` line lowers the step budget; a `// param: NAME=JSON`
//! line sets a policy parameter.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ward_compiler::Compiler;
use ward_compiler::diagnostics::render::render;
use ward_compiler::ir::Program;
use ward_eval::{Evaluator, Limits};
use ward_model::Document;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("eval")
}

struct Header {
    input: Option<String>,
    expect: Vec<(String, String, String)>,
    max_steps: Option<u64>,
    params: Vec<(String, serde_json::Value)>,
}

fn parse_header(text: &str) -> Header {
    let mut header = Header {
        input: None,
        expect: Vec::new(),
        max_steps: None,
        params: Vec::new(),
    };
    for line in text.lines() {
        let Some(comment) = line.trim().strip_prefix("//") else {
            continue;
        };
        let comment = comment.trim();
        if let Some(input) = comment.strip_prefix("input:") {
            header.input = Some(input.trim().to_string());
        } else if let Some(expect) = comment.strip_prefix("expect:") {
            let words: Vec<&str> = expect.split_whitespace().collect();
            match words.as_slice() {
                [rule, resource, outcome] => {
                    header.expect.push((
                        rule.to_string(),
                        resource.to_string(),
                        outcome.to_string(),
                    ));
                }
                _ => panic!("bad expect line: {line}"),
            }
        } else if let Some(param) = comment.strip_prefix("param:") {
            let (name, value) = param.split_once('=').expect("param: NAME=JSON");
            let value = serde_json::from_str(value.trim()).expect("a JSON parameter value");
            header.params.push((name.trim().to_string(), value));
        } else if let Some(steps) = comment.strip_prefix("max_steps:") {
            header.max_steps = Some(steps.trim().parse().expect("max_steps is a number"));
        }
    }
    header
}

fn run_case(name: &str) {
    let dir = cases_dir();
    let policy_path = dir.join(format!("{name}.ward"));
    let policy = std::fs::read_to_string(&policy_path).expect("policy readable");
    let header = parse_header(&policy);

    let mut compiler = Compiler::default();
    compiler.set_file(&format!("{name}.ward"), policy.clone());
    let errors: Vec<_> = compiler
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        let rendered: Vec<String> = errors.iter().map(|d| render(d, &compiler, false)).collect();
        panic!("{name}.ward has errors:\n{}", rendered.join("\n"));
    }
    let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("a program");

    let input_name = header.input.clone().unwrap_or_else(|| {
        ["json", "yaml"]
            .iter()
            .map(|ext| format!("{name}.{ext}"))
            .find(|file| dir.join(file).exists())
            .unwrap_or_else(|| panic!("no input for case {name}"))
    });
    let bytes = std::fs::read(dir.join(&input_name)).expect("input readable");
    let document = ward_model::load(&input_name, &bytes, &Default::default()).expect("input loads");

    let mut limits = Limits::default();
    if let Some(steps) = header.max_steps {
        limits.max_steps = steps;
    }
    let mut evaluator = Evaluator::new(&program);
    evaluator
        .set_params(&header.params)
        .expect("the case's parameters fit");
    let report = evaluator.evaluate(&document, &limits);

    let mut actual: Vec<(String, String, String)> = report
        .outcomes
        .iter()
        .map(|entry| {
            (
                rule_name(&program, &entry.rule).to_string(),
                resource_id(&document, entry.resource).to_string(),
                entry.outcome.as_str().to_string(),
            )
        })
        .collect();
    let mut expected = header.expect.clone();
    actual.sort();
    expected.sort();
    if actual != expected {
        let show = |rows: &[(String, String, String)]| {
            rows.iter()
                .map(|(rule, resource, outcome)| format!("  {rule} {resource} {outcome}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{name}: outcomes differ\nexpected:\n{}\nactual:\n{}\nfindings:\n{}",
            show(&expected),
            show(&actual),
            render_findings(&program, &report)
        );
    }

    insta::with_settings!({
        snapshot_path => "eval",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, render_findings(&program, &report));
    });
}

/// The name of the rule with this id.
fn rule_name<'p>(program: &'p Program, id: &str) -> &'p str {
    program
        .rules
        .iter()
        .find(|rule| rule.info.id == id)
        .map_or("", |rule| rule.info.name.as_str())
}

/// The id of the resource with this index; `-` for the outcome of a rule
/// that runs once per input.
fn resource_id(document: &Document, index: Option<usize>) -> &str {
    match index {
        Some(index) => document
            .resources
            .get(index)
            .map_or("", |resource| resource.id.as_str()),
        None => "-",
    }
}

fn render_findings(program: &Program, report: &ward_abi::Report) -> String {
    let mut out = String::new();
    for rule in &program.rules {
        let mut counts = [0; 4];
        for entry in report.outcomes.iter().filter(|e| *e.rule == *rule.info.id) {
            counts[entry.outcome.code() as usize] += 1;
        }
        let [pass, fail, skip, unknown] = counts;
        let _ = writeln!(
            out,
            "rule {} ({}): pass {pass} fail {fail} skip {skip} unknown {unknown}",
            rule.info.name, rule.info.id
        );
        for error in report.errors.iter().filter(|e| e.rule == rule.info.id) {
            let _ = writeln!(out, "  error: {}", error.message);
        }
    }
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "{} {} {} [{}] at {}:{}:{} {}\n  {}",
            finding.outcome.as_str(),
            finding.rule,
            finding.resource,
            finding.severity.as_str(),
            finding.file,
            finding.line,
            finding.column,
            finding.path,
            finding.message
        );
    }
    out
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name));
            }
        )*

        const CASES: &[&str] = &[$(stringify!($name)),*];
    };
}

cases! {
    smoke,
    logic,
    statements,
    operators,
    quantifiers,
    builtins,
    network,
    graph,
    functions,
    locations,
    budget,
    terraform,
    type_selection,
    conditions,
    edges,
    references,
    branches,
    lists,
    strings,
    params,
    params_set,
    declarations,
    partial_matches,
}

#[test]
fn every_case_is_listed() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(cases_dir()).expect("cases dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|ext| ext.to_str()) != Some("ward") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !CASES.contains(&stem.as_str()) {
            missing.push(stem);
        }
    }
    assert!(
        missing.is_empty(),
        "cases not listed in tests/eval.rs: {missing:?}"
    );
}
