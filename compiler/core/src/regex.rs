//! Regular expressions of `matches`: validated here, compiled ahead of time
//! into deterministic automata that the evaluator and the generated module
//! run without a regex engine.
//!
//! Semantics: `s matches p` is true when `p` matches anywhere in `s` (a
//! search, as in most policy languages); anchor with `^` and `$` for a whole
//! match. Patterns are Unicode-aware and run on UTF-8 bytes.

use regex_automata::dfa::{Automaton, dense};
use regex_automata::{Anchored, Input};

/// The largest automaton a pattern may compile to, in bytes.
pub const DFA_SIZE_LIMIT: usize = 1 << 20;

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct CompiledRegex {
    dfa: dense::DFA<Vec<u32>>,
}

/// Compiles a pattern, or says why it cannot be compiled.
pub fn compile(pattern: &str) -> Result<CompiledRegex, String> {
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(DFA_SIZE_LIMIT * 4))
                .start_kind(regex_automata::dfa::StartKind::Unanchored),
        )
        .build(pattern)
        .map_err(|error| describe_build_error(&error))?;
    Ok(CompiledRegex { dfa })
}

/// Whether a pattern compiles.
pub fn validate(pattern: &str) -> Result<(), String> {
    compile(pattern).map(|_| ())
}

impl CompiledRegex {
    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let input = Input::new(text).anchored(Anchored::No).earliest(true);
        matches!(self.dfa.try_search_fwd(&input), Ok(Some(_)))
    }

    /// The automaton, for code generation.
    pub fn dfa(&self) -> &dense::DFA<Vec<u32>> {
        &self.dfa
    }
}

/// The most specific reason a pattern failed to build. The outer errors say
/// only "error building NFA"; the innermost one, a syntax error, carries the
/// reason on a line of its own after a picture of the pattern.
fn describe_build_error(error: &dyn std::error::Error) -> String {
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let text = innermost.to_string();
    let reason = text
        .lines()
        .find_map(|line| line.strip_prefix("error: "))
        .or_else(|| text.lines().next())
        .unwrap_or("");
    reason.trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_semantics() {
        let re = compile(r"^arn:aws:iam::\d+:role/").expect("valid");
        assert!(re.is_match("arn:aws:iam::123456789012:role/admin"));
        assert!(!re.is_match("xarn:aws:iam::1:role/"));
        let anywhere = compile("admin").expect("valid");
        assert!(anywhere.is_match("my-admin-role"));
        assert!(!anywhere.is_match("adm"));
    }

    #[test]
    fn rejects_what_a_dfa_cannot_do() {
        assert!(validate(r"(a").is_err());
        assert!(validate(r"\b(?=x)").is_err());
    }
}
