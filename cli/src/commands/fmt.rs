//! `ward fmt`: format policy files in place, or check that they are.

use std::path::PathBuf;

use ward_compiler::format::format_source;

use crate::sources::{collect_files, display_name, fail, is_policy};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let files = match collect_files(paths, &is_policy) {
        Ok(files) => files,
        Err(message) => return fail(&message),
    };
    let mut errors = 0;
    let mut changed = Vec::new();
    for file in &files {
        let name = display_name(file);
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("error: {name}: {error}");
                errors += 1;
                continue;
            }
        };
        match format_source(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed.push(name.clone());
                if !check && let Err(error) = std::fs::write(file, formatted) {
                    eprintln!("error: {name}: {error}");
                    errors += 1;
                }
            }
            Err(error) => {
                eprintln!("error: {name}: {error}");
                errors += 1;
            }
        }
    }
    let mut out = crate::stdout::Stdout::new();
    for name in &changed {
        if check {
            out.line(&format!("would reformat {name}"));
        } else {
            out.line(&format!("formatted {name}"));
        }
    }
    if let Err(message) = out.finish() {
        return fail(&message);
    }
    if errors > 0 {
        EXIT_ERROR
    } else if check && !changed.is_empty() {
        eprintln!(
            "{} of {} file{} would be reformatted",
            changed.len(),
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
