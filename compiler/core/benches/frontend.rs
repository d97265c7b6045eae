//! Front-end benchmark on a generated workspace of 10,000 lines: lexing,
//! parsing, checking from scratch, and checking again after a one-character
//! edit in one file (what an editor does on every keystroke).
//!
//! Run with `cargo bench -p ward-compiler --bench frontend`; results and
//! targets are in `docs/performance.md`.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ward_compiler::Compiler;

/// Files in the workspace.
const FILES: usize = 50;
/// Packages the files are spread over; package 0 holds helpers the others
/// import.
const PACKAGES: usize = 5;
/// Lines per file, at least.
const LINES_PER_FILE: usize = 200;

/// Resource types with a list property and a name property each schema
/// defines, so that the workspace compiles without a schema warning.
const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("AWS::S3::Bucket", "Tags", "BucketName"),
    (
        "AWS::EC2::SecurityGroup",
        "SecurityGroupIngress",
        "GroupName",
    ),
    (
        "AWS::RDS::DBInstance",
        "VPCSecurityGroups",
        "DBInstanceIdentifier",
    ),
    ("AWS::KMS::Key", "Tags", "Description"),
    ("AWS::IAM::Role", "Policies", "RoleName"),
    ("AWS::Lambda::Function", "Layers", "FunctionName"),
];

/// One generated file: helpers, rules of several shapes and a test, until
/// it has [`LINES_PER_FILE`] lines. The same index gives the same text.
fn generate_file(index: usize) -> String {
    let package = index % PACKAGES;
    let mut out = String::new();
    writeln!(out, "package bench.p{package}\n").unwrap();
    if package != 0 {
        writeln!(out, "import bench.p0 as common\n").unwrap();
    }
    let helper = |n: usize| format!("f{index}_{n}");
    for n in 0..3 {
        writeln!(
            out,
            "/// Helper {n} of file {index}: whether a value is one of a few."
        )
        .unwrap();
        writeln!(out, "fn {}(value, limit) =", helper(n)).unwrap();
        writeln!(
            out,
            "  value == \"v{n}\" or value in [\"a\", \"b\"] or number(limit) > {n}\n"
        )
        .unwrap();
    }
    let mut rule = 0;
    while out.lines().count() < LINES_PER_FILE - 8 {
        let (resource_type, list, name) = RESOURCE_TYPES[(index + rule) % RESOURCE_TYPES.len()];
        let call = if package == 0 {
            format!("{}(x.Name, {rule})", helper(rule % 3))
        } else {
            format!("common.f{}_{}(x.Name, {rule})", index - package, rule % 3)
        };
        writeln!(
            out,
            "/// Rule {rule} of file {index}: resources carry the expected settings."
        )
        .unwrap();
        writeln!(out, "///").unwrap();
        writeln!(
            out,
            "/// Generated for the benchmark; every statement form appears."
        )
        .unwrap();
        writeln!(
            out,
            "@id(\"B{index:03}-{rule:03}\") @severity(high) @controls(\"WA:SEC0{}\")",
            rule % 9
        )
        .unwrap();
        writeln!(
            out,
            "rule r{index}_{rule} for r in resources(\"{resource_type}\") when exists(r.props) {{"
        )
        .unwrap();
        writeln!(out, "  let items = as_list(r.props.{list})").unwrap();
        writeln!(out, "  let name = lower(string(r.props.{name}))").unwrap();
        writeln!(
            out,
            "  require count(items) >= {rule} message \"{{r}} has too few items\" at r.props.{list}"
        )
        .unwrap();
        writeln!(out, "  for x in items {{").unwrap();
        writeln!(out, "    deny {call} and x.Port == {}", 20 + rule).unwrap();
        writeln!(
            out,
            "      message \"{{r}} exposes {{x.Port}} as {{name}}\""
        )
        .unwrap();
        writeln!(out, "    require all t in as_list(x.Tags): t.Key != \"\" and not starts_with(t.Key, \"aws:\")").unwrap();
        writeln!(out, "  }}").unwrap();
        writeln!(
            out,
            "  require none e in items: e.Public == true or e.Cidr matches r\"^0\\.0\\.0\\.0/0$\""
        )
        .unwrap();
        writeln!(out, "}}\n").unwrap();
        rule += 1;
    }
    writeln!(out, "test \"file {index} fails on public items\" {{").unwrap();
    writeln!(out, "  input {{").unwrap();
    writeln!(out, "    Resources: {{").unwrap();
    let (resource_type, list, name) = RESOURCE_TYPES[index % RESOURCE_TYPES.len()];
    writeln!(out, "      Thing: {{ Type: \"{resource_type}\", Properties: {{ {name}: \"x\", {list}: [{{ Public: true }}] }} }},").unwrap();
    writeln!(out, "    }},").unwrap();
    writeln!(out, "  }}").unwrap();
    writeln!(out, "  expect fail r{index}_0 for \"Thing\"").unwrap();
    writeln!(out, "}}").unwrap();
    out
}

fn workspace() -> Vec<(String, String)> {
    (0..FILES)
        .map(|index| {
            (
                format!("p{}/f{index}.ward", index % PACKAGES),
                generate_file(index),
            )
        })
        .collect()
}

fn compile(files: &[(String, String)]) -> Compiler {
    let mut compiler = Compiler::default();
    for (path, text) in files {
        compiler.set_file(path, text.clone());
    }
    compiler
}

fn frontend(c: &mut Criterion) {
    let files = workspace();
    let lines: usize = files.iter().map(|(_, text)| text.lines().count()).sum();
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    eprintln!("workspace: {FILES} files, {lines} lines, {bytes} bytes");
    assert!(lines >= 10_000, "the workspace has only {lines} lines");
    {
        let compiler = compile(&files);
        let diagnostics = compiler.diagnostics();
        assert!(
            diagnostics.is_empty(),
            "the generated workspace has diagnostics: {:#?}",
            &diagnostics[..diagnostics.len().min(3)]
        );
    }

    let mut group = c.benchmark_group("frontend");
    group.bench_function("lex", |b| {
        b.iter(|| {
            for (_, text) in &files {
                black_box(ward_syntax::lexer::tokenize(text));
            }
        })
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            for (_, text) in &files {
                black_box(ward_syntax::parse(text));
            }
        })
    });
    group.bench_function("check_from_scratch", |b| {
        b.iter(|| {
            let compiler = compile(&files);
            black_box(compiler.diagnostics());
        })
    });

    // One character of a rule body in the middle file changes back and forth,
    // so that every iteration is a real edit in a new revision.
    let mut compiler = compile(&files);
    compiler.diagnostics();
    let (path, original) = &files[FILES / 2];
    let needle = "and x.Port == 2";
    assert!(original.contains(needle));
    let edited = original.replacen(needle, "and x.Port == 3", 1);
    let mut flip = false;
    group.bench_function("recheck_after_one_character_edit", |b| {
        b.iter(|| {
            flip = !flip;
            compiler.set_file(
                path,
                if flip {
                    edited.clone()
                } else {
                    original.clone()
                },
            );
            black_box(compiler.diagnostics());
        })
    });
    group.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
