//! Editor latency on a generated workspace of about 5,000 lines in 51
//! files: the time from a one-character edit to the diagnostics of the
//! workspace being computed (what the server does before publishing), and
//! the time to answer completion requests right after an edit.
//!
//! Targets: diagnostics under 20 ms, completion under 10 ms (median).
//!
//! ```sh
//! cargo bench -p ward-lsp --bench lsp
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ward_lsp::ide::{AnalysisHost, FilePosition, Snapshot};

const FILES: usize = 50;
const RULES_PER_FILE: usize = 7;
const PACKAGES: usize = 5;

fn common() -> String {
    "package bench.common

/// Whether a tag has a non-empty key and value.
fn valid_tag(t) = exists(t.Key) and t.Key != \"\" and exists(t.Value)

/// Whether a CIDR block is the whole internet.
fn is_public(c) = c == \"0.0.0.0/0\" or c == \"::/0\"
"
    .to_string()
}

fn policy(index: usize) -> String {
    let mut out = format!(
        "package bench.p{}\n\nimport bench.common\n\n/// Helper of file {index}.\nfn encrypted_{index}(r) = r.ServerSideEncryptionByDefault.SSEAlgorithm in [\"AES256\", \"aws:kms\"]\n\n",
        index % PACKAGES
    );
    for rule in 0..RULES_PER_FILE {
        out.push_str(&format!(
            "/// Buckets of group {index}-{rule} are encrypted, tagged and kept.
@id(\"B-{index}-{rule}\") @severity(high) @controls(\"CIS:2.1.{rule}\")
rule bucket_{index}_{rule} for b in resources(\"AWS::S3::Bucket\") when exists(b.props.BucketName) {{
  let name = b.props.BucketName
  let rules = as_list(b.props.BucketEncryption.ServerSideEncryptionConfiguration)
  require count(rules) > 0 message \"{{b}} has no default encryption\" at b.props.BucketEncryption
  for r in rules {{
    require encrypted_{index}(r)
      message \"{{b}} uses {{r.ServerSideEncryptionByDefault.SSEAlgorithm}}\"
  }}
  require all t in as_list(b.props.Tags): common.valid_tag(t) message \"{{b}} has a bad tag\"
  deny starts_with(lower(name), \"tmp-\") and not exists(b.props.LifecycleConfiguration)
}}

"
        ));
    }
    out.push_str(&format!(
        "test \"group {index}\" {{
  input {{
    Resources: {{
      Open: {{ Type: \"AWS::S3::Bucket\", Properties: {{ BucketName: \"tmp-{index}\" }} }},
    }},
  }}
  expect fail bucket_{index}_0 for \"Open\"
}}
"
    ));
    out
}

struct Workspace {
    host: AnalysisHost,
    texts: Vec<(String, String)>,
}

fn workspace() -> Workspace {
    let mut host = AnalysisHost::new();
    let mut texts = vec![("file:///bench/common.ward".to_string(), common())];
    for index in 0..FILES {
        texts.push((format!("file:///bench/p{index}.ward"), policy(index)));
    }
    for (path, text) in &texts {
        host.set_file(path, text.clone());
    }
    let lines: usize = texts.iter().map(|(_, text)| text.lines().count()).sum();
    assert!(lines >= 5_000, "the workspace has only {lines} lines");
    let snapshot = host.snapshot();
    for (path, _) in &texts {
        assert!(
            !snapshot.diagnostics(path).iter().any(|d| d.is_error()),
            "{path} has errors: {:?}",
            snapshot.diagnostics(path)
        );
    }
    Workspace { host, texts }
}

/// What the server computes after an edit: the diagnostics of every file.
fn all_diagnostics(snapshot: &Snapshot) -> usize {
    snapshot
        .files()
        .iter()
        .map(|file| snapshot.diagnostics(file).len())
        .sum()
}

fn diagnostics_after_keystroke(c: &mut Criterion) {
    let mut workspace = workspace();
    let (path, original) = workspace.texts[FILES / 2].clone();
    // Typing one character into a rule body and taking it back, in turn.
    let edited = original.replacen("count(rules) > 0", "count(rules) > 01", 1);
    let mut toggle = false;
    c.bench_function(
        "diagnostics of the workspace after a one-character edit",
        |b| {
            b.iter(|| {
                toggle = !toggle;
                let text = if toggle { &edited } else { &original };
                workspace.host.set_file(&path, text.clone());
                let snapshot = workspace.host.snapshot();
                black_box(all_diagnostics(&snapshot))
            })
        },
    );
    c.bench_function(
        "diagnostics of the edited file after a one-character edit",
        |b| {
            b.iter(|| {
                toggle = !toggle;
                let text = if toggle { &edited } else { &original };
                workspace.host.set_file(&path, text.clone());
                let snapshot = workspace.host.snapshot();
                black_box(snapshot.diagnostics(&path).len())
            })
        },
    );
}

fn completion(c: &mut Criterion) {
    let mut workspace = workspace();
    let (path, original) = workspace.texts[FILES / 2].clone();
    // `  require b.props.` typed on a new line of the first rule.
    let anchor = "  let name = b.props.BucketName\n";
    let typed = original.replacen(anchor, &format!("{anchor}  require b.props.\n"), 1);
    let property_offset =
        (typed.find(anchor).unwrap_or(0) + anchor.len() + "  require b.props.".len()) as u32;
    let general = typed.replacen(anchor, &format!("{anchor}  require co\n"), 1);
    let general_offset =
        (general.find(anchor).unwrap_or(0) + anchor.len() + "  require co".len()) as u32;
    let mut toggle = false;
    c.bench_function("completion of property names after an edit", |b| {
        b.iter(|| {
            toggle = !toggle;
            // A different text each time, so nothing is cached from the last
            // iteration: the edit is part of what is measured.
            let text = if toggle {
                typed.clone()
            } else {
                format!("{typed} ")
            };
            workspace.host.set_file(&path, text);
            let snapshot = workspace.host.snapshot();
            let items = snapshot.completions(FilePosition {
                file: &path,
                offset: property_offset,
            });
            assert!(items.iter().any(|item| item.label == "BucketName"));
            black_box(items.len())
        })
    });
    c.bench_function("completion of names and keywords after an edit", |b| {
        b.iter(|| {
            toggle = !toggle;
            let text = if toggle {
                general.clone()
            } else {
                format!("{general} ")
            };
            workspace.host.set_file(&path, text);
            let snapshot = workspace.host.snapshot();
            let items = snapshot.completions(FilePosition {
                file: &path,
                offset: general_offset,
            });
            assert!(items.iter().any(|item| item.label == "count"));
            black_box(items.len())
        })
    });
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

criterion_group! {
    name = benches;
    config = config();
    targets = diagnostics_after_keystroke, completion
}
criterion_main!(benches);
