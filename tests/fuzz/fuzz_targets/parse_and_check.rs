//! Feeds arbitrary bytes to the whole front end: the lexer, the parser and
//! the checker of a workspace of up to three files (a NUL byte separates
//! them, so that imports across files are exercised), then renders every
//! diagnostic. A panic, a hang or a stack overflow is a bug; so is a span
//! outside its file or inside a character.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_compiler::Compiler;
use ward_compiler::diagnostics::render::{render, to_json};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut compiler = Compiler::default();
    for (index, part) in text.split('\0').take(3).enumerate() {
        let (tokens, _) = ward_syntax::lexer::tokenize(part);
        for token in tokens {
            assert_inside(part, token.span.start, token.span.end);
        }
        compiler.set_file(&format!("file{index}.ward"), part.to_string());
    }
    for diagnostic in compiler.diagnostics() {
        let text = compiler
            .text(&diagnostic.file)
            .expect("diagnostic in a known file");
        assert_inside(text, diagnostic.span.start, diagnostic.span.end);
        for label in &diagnostic.labels {
            let file = label.file.as_deref().unwrap_or(&diagnostic.file);
            let text = compiler.text(file).expect("label in a known file");
            assert_inside(text, label.span.start, label.span.end);
        }
        render(&diagnostic, &compiler, false);
        to_json(&diagnostic, &compiler);
    }
});

fn assert_inside(text: &str, start: u32, end: u32) {
    let (start, end) = (start as usize, end as usize);
    assert!(
        start <= end && end <= text.len(),
        "span {start}..{end} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} cuts a character"
    );
}
