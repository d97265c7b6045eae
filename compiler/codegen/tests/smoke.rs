//! Smoke tests on real policies: the standard library and the examples
//! compile to modules that validate, and on the input of every `test` block
//! of the standard library the module reports what the evaluator reports.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{compare, program, validate};
use ward_syntax::ast::{Item, TestStmt};

fn ward_files(dir: &str, prefix: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&root)
        .expect("policy folder")
        .filter_map(|entry| {
            let path = entry.expect("entry").path();
            if path.extension()? != "ward" {
                return None;
            }
            let name = format!("{prefix}/{}", path.file_name()?.to_str()?);
            Some((name, std::fs::read_to_string(&path).expect("readable")))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn examples_compile_to_valid_modules() {
    let program = program(&ward_files("examples/policies", "examples"));
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let metadata = validate(&wasm);
    assert_eq!(metadata.rules.len(), program.rules.len());
}

#[test]
fn standard_library_agrees_on_its_test_inputs() {
    let files = ward_files("stdlib/aws", "std/aws");
    assert!(!files.is_empty());
    let program = program(&files);
    let started = Instant::now();
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let elapsed = started.elapsed();
    let metadata = validate(&wasm);
    assert_eq!(metadata.rules.len(), program.rules.len());
    eprintln!(
        "standard library: {} rules, {} functions, module of {} bytes compiled in {elapsed:?}",
        program.rules.len(),
        program.functions.len(),
        wasm.len()
    );
    let mut inputs = 0;
    for (path, text) in &files {
        let parsed = ward_syntax::parse(text);
        for item in &parsed.file.items {
            let Item::Test(test) = item else { continue };
            for stmt in &test.body {
                let TestStmt::Input { value, .. } = stmt else {
                    continue;
                };
                // The text of an input file as written (`input r"..."`),
                // else the constant document as JSON.
                let text = match &value.kind {
                    ward_syntax::ast::ExprKind::RawString(text) => text.clone(),
                    _ => serde_json_text(
                        &ward_eval::testing::literal_to_json(value).expect("a constant input"),
                    ),
                };
                let Ok(document) =
                    ward_model::load(&test.name.name, text.as_bytes(), &Default::default())
                else {
                    continue;
                };
                compare(
                    &format!("{path}: {}", test.name.name),
                    &program,
                    &document,
                    &|_| String::new(),
                );
                inputs += 1;
            }
        }
    }
    assert!(inputs > 10, "only {inputs} test inputs");
}

fn serde_json_text(value: &impl std::fmt::Display) -> String {
    value.to_string()
}
