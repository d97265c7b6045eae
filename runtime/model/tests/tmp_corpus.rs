//! Loads every file of the third-party corpus (CloudFormation templates,
//! Terraform plans, AWS Config inventory) and checks that each one either
//! loads or fails with a positioned error, never panics, and loads quickly.
//! Then checks known facts about a few of them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ward_model::{Document, EdgeKind, InputKind, LoadError, LoadOptions, load};

/// Debug builds are slow; this still catches accidental quadratic work.
const TIME_LIMIT: Duration = Duration::from_secs(3);

fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(
        root.is_dir(),
        "the corpus is missing: expected it at {}",
        root.display()
    );
    root
}

fn files_under(directory: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("can not list {}: {error}", directory.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if !name.starts_with("LICENSE") && !name.starts_with("NOTICE") && name != "README.md" {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files
}

#[derive(Default, Debug)]
struct Summary {
    loaded: usize,
    errored: usize,
    resources: usize,
    edges: usize,
    slowest: Duration,
    slowest_file: String,
    errors: Vec<String>,
}

fn load_all(folder: &str) -> Summary {
    let directory = corpus().join(folder);
    let files = files_under(&directory);
    assert!(!files.is_empty(), "no files under {}", directory.display());
    let mut summary = Summary::default();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.strip_prefix(corpus()).unwrap().display().to_string();
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| load(&name, &bytes, &LoadOptions::default())));
        let elapsed = start.elapsed();
        let Ok(result) = outcome else {
            panic!("loading {name} panicked");
        };
        assert!(elapsed < TIME_LIMIT, "loading {name} took {elapsed:?}");
        if elapsed > summary.slowest {
            summary.slowest = elapsed;
            summary.slowest_file = name.clone();
        }
        match result {
            Ok(document) => {
                summary.loaded += 1;
                summary.resources += document.resources.len();
                summary.edges += document.edges.len();
                check_document(&name, &document);
            }
            Err(error) => {
                check_error(&name, &error);
                summary.errored += 1;
                summary.errors.push(error.to_string());
            }
        }
    }
    println!(
        "{folder}: {} loaded, {} errored, {} resources, {} edges, slowest {:?} ({})",
        summary.loaded, summary.errored, summary.resources, summary.edges, summary.slowest, summary.slowest_file
    );
    for error in &summary.errors {
        println!("  {error}");
    }
    summary
}

fn check_error(name: &str, error: &LoadError) {
    assert!(error.line >= 1 && error.column >= 1, "{name}: error without a position: {error:?}");
    assert!(!error.message.is_empty(), "{name}: error without a message");
    assert_eq!(error.file, name);
}

fn check_document(name: &str, document: &Document) {
    for edge in &document.edges {
        assert!(edge.from < document.resources.len() && edge.to < document.resources.len(), "{name}: {edge:?}");
        assert!(edge.path.starts_with('$') || edge.path.starts_with("metadata"), "{name}: {edge:?}");
    }
    for (index, resource) in document.resources.iter().enumerate() {
        assert!(resource.pos.line >= 1, "{name}: {} has no position", resource.id);
        for edge in document.outgoing(index) {
            assert_eq!(edge.from, index);
        }
        for edge in document.incoming(index) {
            assert_eq!(edge.to, index);
        }
    }
}

#[test]
fn cloudformation_corpus() {
    let cfn = load_all("cfn");
    let checkov = load_all("checkov-cfn");
    let guard = load_all("guard-registry");
    println!(
        "cloudformation: {} loaded, {} errored",
        cfn.loaded + checkov.loaded + guard.loaded,
        cfn.errored + checkov.errored + guard.errored
    );
}

#[test]
fn terraform_corpus() {
    load_all("tfplan");
}

#[test]
fn inventory_corpus() {
    load_all("inventory");
}
