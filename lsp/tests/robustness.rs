//! Every feature at every position of every `.ward` file of the repository,
//! and completion while each file is being typed: nothing panics.

use std::path::{Path, PathBuf};

use ward_lsp::ide::{AnalysisHost, FilePosition};
use ward_syntax::ast::Span;

fn ward_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                ward_files(&path, out);
            }
        } else if name.ends_with(".ward") {
            out.push(path);
        }
    }
}

fn repository_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = Vec::new();
    ward_files(&root, &mut paths);
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            Some((format!("file://{}", path.display()), text))
        })
        .collect();
    assert!(files.len() >= 10, "only {} files found", files.len());
    files
}

/// Offsets worth probing: every character boundary of short files, every
/// few bytes of long ones, and the text's end.
fn probe_offsets(text: &str) -> Vec<u32> {
    let step = (text.len() / 120).max(1);
    let mut offsets: Vec<u32> = (0..=text.len())
        .step_by(step)
        .filter(|offset| text.is_char_boundary(*offset))
        .map(|offset| offset as u32)
        .collect();
    offsets.push(text.len() as u32);
    offsets
}

#[test]
fn every_feature_everywhere() {
    let files = repository_files();
    // Each file on its own, so that the repository's many packages do not
    // collide; the features still see a whole workspace of one file.
    for (path, text) in &files {
        let mut host = AnalysisHost::new();
        host.set_file(path, text.clone());
        let snapshot = host.snapshot();
        let _ = snapshot.diagnostics(path);
        let _ = snapshot.highlight(path);
        let _ = snapshot.document_symbols(path);
        let _ = snapshot.rule_lenses(path);
        let _ = snapshot.format(path);
        let _ = snapshot.workspace_symbols("a");
        for offset in probe_offsets(text) {
            let position = FilePosition { file: path, offset };
            let _ = snapshot.hover(position);
            let _ = snapshot.completions(position);
            let _ = snapshot.goto_definition(position);
            let _ = snapshot.references(position, true);
            let _ = snapshot.signature_help(position);
            let _ = snapshot.prepare_rename(position);
            let _ = snapshot.assists(
                path,
                Span {
                    start: offset,
                    end: offset,
                },
            );
        }
    }
}

#[test]
fn completion_while_typing() {
    let files = repository_files();
    for (path, text) in files.iter().step_by(3) {
        let mut host = AnalysisHost::new();
        for cut in probe_offsets(text).into_iter().step_by(4) {
            let prefix = &text[..cut as usize];
            host.set_file(path, prefix.to_string());
            let snapshot = host.snapshot();
            let _ = snapshot.completions(FilePosition {
                file: path,
                offset: cut,
            });
            let _ = snapshot.signature_help(FilePosition {
                file: path,
                offset: cut,
            });
            let _ = snapshot.diagnostics(path);
        }
    }
}
