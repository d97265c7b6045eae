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

    /// Whether the pattern matches text that starts with `prefix`, ends
    /// with `suffix` and has unknown text between them (any bytes, none
    /// included): `Some(true)` when it matches whatever the middle is,
    /// `Some(false)` when it matches for no middle, `None` otherwise.
    ///
    /// The automaton walks the prefix: a match there is certain, a dead
    /// state rules every match out. From where the prefix leaves it, every
    /// state some middle can lead to (without passing a match state, which
    /// is a match) is visited; the suffix and the end of the text are run
    /// from each. A match on every way is certain, on none impossible. The
    /// code generator runs the same walk on its tables of this automaton.
    pub fn decide_partial(&self, prefix: &[u8], suffix: &[u8]) -> Option<bool> {
        use regex_automata::util::primitives::StateID;
        use regex_automata::util::start;

        let dfa = &self.dfa;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::No))
            .ok()?;
        let stops = |state: StateID| dfa.is_dead_state(state) || dfa.is_quit_state(state);
        // Walks `bytes` from `state`: `Ok(true)` at a match state,
        // `Ok(false)` at a dead one, else `Err` with the state reached.
        let walk = |mut state: StateID, bytes: &[u8]| -> Result<bool, StateID> {
            for &byte in bytes {
                state = dfa.next_state(state, byte);
                if dfa.is_match_state(state) {
                    return Ok(true);
                }
                if stops(state) {
                    return Ok(false);
                }
            }
            Err(state)
        };
        let after_prefix = match walk(start, prefix) {
            Ok(matched) => return Some(matched),
            Err(state) => state,
        };
        let classes = dfa.byte_classes();
        let mut representatives: Vec<u8> = Vec::new();
        for byte in 0..=255u8 {
            if usize::from(classes.get(byte)) == representatives.len() {
                representatives.push(byte);
            }
        }
        let mut seen = std::collections::HashSet::from([after_prefix]);
        let mut pending = vec![after_prefix];
        // Whether every middle gives a match, and whether some does.
        let (mut always, mut possible) = (true, false);
        while let Some(state) = pending.pop() {
            match walk(state, suffix) {
                Ok(matched) => {
                    possible |= matched;
                    always &= matched;
                }
                Err(end) => {
                    let matched = dfa.is_match_state(dfa.next_eoi_state(end));
                    possible |= matched;
                    always &= matched;
                }
            }
            for &byte in &representatives {
                let next = dfa.next_state(state, byte);
                if dfa.is_match_state(next) {
                    possible = true;
                } else if stops(next) {
                    always = false;
                } else if seen.insert(next) {
                    pending.push(next);
                }
            }
            if possible && !always {
                return None;
            }
        }
        if always {
            Some(true)
        } else {
            (!possible).then_some(false)
        }
    }
}

/// The most states a capture program may have.
pub const CAPTURE_STATE_LIMIT: usize = 1 << 14;

/// Kinds of the states of a [`CaptureProgram`].
pub mod capture_state {
    /// No way out.
    pub const FAIL: u32 = 0;
    /// The pattern matched.
    pub const MATCH: u32 = 1;
    /// One byte in `a & 0xff ..= a >> 8` leads to `b`.
    pub const RANGE: u32 = 2;
    /// `b` ranges at word `a` of the program, two words each: the range
    /// (as for [`RANGE`]) and the next state.
    pub const SPARSE: u32 = 3;
    /// An assertion `a` (see [`super::capture_look`]) then `b`.
    pub const LOOK: u32 = 4;
    /// `b` alternatives at word `a`, in order of preference.
    pub const UNION: u32 = 5;
    /// Records the position in slot `a`, then `b`.
    pub const CAPTURE: u32 = 6;
}

/// Assertions a [`CaptureProgram`] supports.
pub mod capture_look {
    /// `^`: the start of the text.
    pub const START: u32 = 0;
    /// `$`: the end of the text.
    pub const END: u32 = 1;
    /// `(?m)^`: the start of the text or after `\n`.
    pub const START_LINE: u32 = 2;
    /// `(?m)$`: the end of the text or before `\n`.
    pub const END_LINE: u32 = 3;
}

/// Where the header's fields and the states start, in words.
pub mod capture_layout {
    /// Number of states.
    pub const STATES: u32 = 0;
    /// Number of slots (two per group, the whole match's included).
    pub const SLOTS: u32 = 1;
    /// The anchored start state.
    pub const START: u32 = 2;
    /// How many frames the epsilon closure's stack may need.
    pub const STACK: u32 = 3;
    /// The first state: four words each (kind, a, b, 0).
    pub const FIRST_STATE: u32 = 4;
    /// Words per state.
    pub const STATE_WORDS: u32 = 4;
}

/// A pattern of `capture` as a Thompson NFA in a table of 32-bit words
/// (header, then four words per state, then the alternatives and ranges
/// that states point into), run by a Pike VM: every thread advances one
/// byte at a time in order of preference, so the first match is the
/// leftmost one and, among those, the one a backtracking engine would find
/// first, with each group's last position. The evaluator runs
/// [`CaptureProgram::captures`]; the code generator writes the same words
/// into the data segment and runs the same steps in WebAssembly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureProgram {
    words: Vec<u32>,
}

/// A position that is not set.
const NO_POSITION: u32 = u32::MAX;

impl CaptureProgram {
    /// Compiles a pattern, or says why it cannot be run.
    pub fn compile(pattern: &str) -> Result<CaptureProgram, String> {
        use regex_automata::nfa::thompson::{Config, NFA, State, WhichCaptures};
        use regex_automata::util::look::Look;

        let nfa = NFA::compiler()
            .configure(
                Config::new()
                    .which_captures(WhichCaptures::All)
                    .nfa_size_limit(Some(DFA_SIZE_LIMIT)),
            )
            .build(pattern)
            .map_err(|error| describe_build_error(&error))?;
        let states = nfa.states();
        if states.len() > CAPTURE_STATE_LIMIT {
            return Err(format!(
                "the pattern needs more than {CAPTURE_STATE_LIMIT} states"
            ));
        }
        let count = |n: usize| u32::try_from(n).map_err(|error| error.to_string());
        let slots = nfa.group_info().slot_len();
        let mut words = vec![
            count(states.len())?,
            count(slots)?,
            nfa.start_anchored().as_u32(),
            0,
        ];
        let mut extra: Vec<u32> = Vec::new();
        let extra_start = capture_layout::FIRST_STATE as usize
            + capture_layout::STATE_WORDS as usize * states.len();
        let mut stack = 1usize;
        let range = |start: u8, end: u8| u32::from(start) | (u32::from(end) << 8);
        for state in states {
            let at = count(extra_start + extra.len())?;
            let (kind, a, b) = match state {
                State::ByteRange { trans } => (
                    capture_state::RANGE,
                    range(trans.start, trans.end),
                    trans.next.as_u32(),
                ),
                State::Sparse(sparse) => {
                    for trans in sparse.transitions.iter() {
                        extra.extend([range(trans.start, trans.end), trans.next.as_u32()]);
                    }
                    (capture_state::SPARSE, at, count(sparse.transitions.len())?)
                }
                State::Dense(dense) => {
                    // Runs of bytes with the same target become ranges.
                    let mut ranges = 0;
                    let mut byte = 0usize;
                    while byte < dense.transitions.len() {
                        let next = dense.transitions.get(byte).copied().unwrap_or_default();
                        let mut end = byte;
                        while dense.transitions.get(end + 1) == Some(&next) {
                            end += 1;
                        }
                        if next.as_u32() != 0 {
                            let (Ok(start), Ok(last)) = (u8::try_from(byte), u8::try_from(end))
                            else {
                                break;
                            };
                            extra.extend([range(start, last), next.as_u32()]);
                            ranges += 1;
                        }
                        byte = end + 1;
                    }
                    (capture_state::SPARSE, at, ranges)
                }
                State::Look { look, next } => {
                    let kind = match look {
                        Look::Start => capture_look::START,
                        Look::End => capture_look::END,
                        Look::StartLF => capture_look::START_LINE,
                        Look::EndLF => capture_look::END_LINE,
                        Look::StartCRLF | Look::EndCRLF => {
                            return Err("`capture` supports the assertions `^` and `$` only, \
                                        not CRLF-aware line anchors (`(?R)`)"
                                .to_string());
                        }
                        _ => {
                            return Err("`capture` supports the assertions `^` and `$` only, \
                                        not word boundaries (`\\b`, `\\B`, `\\<`, `\\>`)"
                                .to_string());
                        }
                    };
                    (capture_state::LOOK, kind, next.as_u32())
                }
                State::Union { alternates } => {
                    extra.extend(alternates.iter().map(|alternate| alternate.as_u32()));
                    stack += alternates.len();
                    (capture_state::UNION, at, count(alternates.len())?)
                }
                State::BinaryUnion { alt1, alt2 } => {
                    extra.extend([alt1.as_u32(), alt2.as_u32()]);
                    stack += 2;
                    (capture_state::UNION, at, 2)
                }
                State::Capture { next, slot, .. } => {
                    stack += 1;
                    (capture_state::CAPTURE, slot.as_u32(), next.as_u32())
                }
                State::Fail => (capture_state::FAIL, 0, 0),
                State::Match { .. } => (capture_state::MATCH, 0, 0),
            };
            words.extend([kind, a, b, 0]);
        }
        if let Some(field) = words.get_mut(capture_layout::STACK as usize) {
            *field = count(stack)?;
        }
        words.extend(extra);
        Ok(CaptureProgram { words })
    }

    /// The program's words.
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// The number of states.
    pub fn len(&self) -> usize {
        self.word(capture_layout::STATES) as usize
    }

    /// Whether the program has no state (never: every pattern has a start).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of groups, the whole match's excluded.
    pub fn groups(&self) -> usize {
        (self.word(capture_layout::SLOTS) as usize / 2).saturating_sub(1)
    }

    fn word(&self, at: u32) -> u32 {
        self.words.get(at as usize).copied().unwrap_or(0)
    }

    fn state(&self, id: u32) -> (u32, u32, u32) {
        let at = capture_layout::FIRST_STATE + capture_layout::STATE_WORDS * id;
        (self.word(at), self.word(at + 1), self.word(at + 2))
    }

    /// The byte ranges of each group of the first match, `None` for a group
    /// that took no part; `None` when nothing matches.
    pub fn captures(&self, text: &[u8]) -> Option<Vec<Option<(usize, usize)>>> {
        let states = self.len();
        let slots = self.word(capture_layout::SLOTS) as usize;
        let mut current = Threads::new(states, slots);
        let mut next = Threads::new(states, slots);
        let mut stack: Vec<(bool, u32, u32)> = Vec::new();
        let mut scratch = vec![NO_POSITION; slots];
        let mut matched: Option<Vec<u32>> = None;
        let start = self.word(capture_layout::START);
        for at in 0..=text.len() {
            if current.order.is_empty() && matched.is_some() {
                break;
            }
            if matched.is_none() {
                scratch.iter_mut().for_each(|slot| *slot = NO_POSITION);
                self.closure(start, at, text, &mut scratch, &mut current, &mut stack);
            }
            let byte = text.get(at).copied();
            for index in 0..current.order.len() {
                let Some(&id) = current.order.get(index) else {
                    break;
                };
                let (kind, a, b) = self.state(id);
                let target = match (kind, byte) {
                    (capture_state::MATCH, _) => {
                        matched = Some(current.slots_of(id).to_vec());
                        break;
                    }
                    (capture_state::RANGE, Some(byte)) if in_range(a, byte) => Some(b),
                    (capture_state::SPARSE, Some(byte)) => (0..b).find_map(|k| {
                        let pair = a + 2 * k;
                        in_range(self.word(pair), byte).then(|| self.word(pair + 1))
                    }),
                    _ => None,
                };
                if let Some(target) = target {
                    scratch.copy_from_slice(current.slots_of(id));
                    self.closure(target, at + 1, text, &mut scratch, &mut next, &mut stack);
                }
            }
            std::mem::swap(&mut current, &mut next);
            next.clear();
        }
        let matched = matched?;
        Some(
            matched
                .chunks(2)
                .skip(1)
                .map(|pair| match pair {
                    [from, to] if *from != NO_POSITION && *to != NO_POSITION => {
                        Some((*from as usize, *to as usize))
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    /// Adds the states reachable from `id` without reading a byte, in order
    /// of preference, to `threads`; `slots` holds the positions recorded on
    /// the way (restored on the way back). Stack frames: `(false, state, _)`
    /// explores a state, `(true, slot, position)` restores a slot.
    fn closure(
        &self,
        id: u32,
        at: usize,
        text: &[u8],
        slots: &mut [u32],
        threads: &mut Threads,
        stack: &mut Vec<(bool, u32, u32)>,
    ) {
        let position = u32::try_from(at).unwrap_or(NO_POSITION);
        stack.push((false, id, 0));
        while let Some((restore, first, second)) = stack.pop() {
            if restore {
                if let Some(slot) = slots.get_mut(first as usize) {
                    *slot = second;
                }
                continue;
            }
            let mut id = first;
            loop {
                if !threads.insert(id) {
                    break;
                }
                let (kind, a, b) = self.state(id);
                match kind {
                    capture_state::LOOK => {
                        let holds = match a {
                            capture_look::START => at == 0,
                            capture_look::END => at == text.len(),
                            capture_look::START_LINE => at == 0 || text.get(at - 1) == Some(&b'\n'),
                            _ => at == text.len() || text.get(at) == Some(&b'\n'),
                        };
                        if !holds {
                            break;
                        }
                        id = b;
                    }
                    capture_state::UNION => {
                        if b == 0 {
                            break;
                        }
                        for k in (1..b).rev() {
                            stack.push((false, self.word(a + k), 0));
                        }
                        id = self.word(a);
                    }
                    capture_state::CAPTURE => {
                        if let Some(slot) = slots.get_mut(a as usize) {
                            stack.push((true, a, *slot));
                            *slot = position;
                        }
                        id = b;
                    }
                    _ => {
                        threads.set_slots(id, slots);
                        break;
                    }
                }
            }
        }
    }
}

fn in_range(range: u32, byte: u8) -> bool {
    let byte = u32::from(byte);
    range & 0xff <= byte && byte <= range >> 8
}

/// A list of threads: states in order of preference, each at most once,
/// with the positions recorded on the way to it.
struct Threads {
    order: Vec<u32>,
    member: Vec<bool>,
    slots: Vec<u32>,
    width: usize,
}

impl Threads {
    fn new(states: usize, width: usize) -> Threads {
        Threads {
            order: Vec::new(),
            member: vec![false; states],
            slots: vec![NO_POSITION; states * width],
            width,
        }
    }

    fn insert(&mut self, id: u32) -> bool {
        match self.member.get_mut(id as usize) {
            Some(member) if !*member => {
                *member = true;
                self.order.push(id);
                true
            }
            _ => false,
        }
    }

    fn slots_of(&self, id: u32) -> &[u32] {
        let at = id as usize * self.width;
        self.slots.get(at..at + self.width).unwrap_or(&[])
    }

    fn set_slots(&mut self, id: u32, slots: &[u32]) {
        let at = id as usize * self.width;
        if let Some(target) = self.slots.get_mut(at..at + self.width) {
            target.copy_from_slice(slots);
        }
    }

    fn clear(&mut self) {
        for id in self.order.drain(..) {
            if let Some(member) = self.member.get_mut(id as usize) {
                *member = false;
            }
        }
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
    fn partly_known_text_is_decided_where_its_known_parts_decide() {
        let cases: &[(&str, &str, &str, Option<bool>)] = &[
            (r"^arn:aws:iam::", "arn:aws:iam::", ":root", Some(true)),
            (r"^arn:aws-cn:", "arn:aws:iam::", ":root", Some(false)),
            (r":root$", "arn:aws:iam::", ":root", Some(true)),
            (r":user$", "arn:aws:iam::", ":root", Some(false)),
            (
                r"^arn:aws:iam::\d{12}:root$",
                "arn:aws:iam::",
                ":root",
                None,
            ),
            (r"^arn:aws:iam::.*:root$", "arn:aws:iam::", ":root", None),
            (r"iam", "arn:aws:iam::", "", Some(true)),
            (r"s3", "arn:aws:iam::", ":root", None),
            (r"^arn:", "", "", None),
            (r"", "", "", Some(true)),
            (r"(?i)^ARN:AWS:", "arn:aws:iam::", "", Some(true)),
            (r"^prod-[a-z]+$", "prod-", "-1", Some(false)),
            (r"^prod-", "pro", "", None),
            (r"^prod-", "dev", "", Some(false)),
        ];
        let middles = ["", "1", "123456789012", "x\ny", "root", ":", "é"];
        for &(pattern, prefix, suffix, expected) in cases {
            let compiled = compile(pattern).expect("valid");
            let decided = compiled.decide_partial(prefix.as_bytes(), suffix.as_bytes());
            assert_eq!(decided, expected, "{pattern:?} on {prefix:?}...{suffix:?}");
            // Sound: a decision holds for every middle tried.
            if let Some(decided) = decided {
                for middle in middles {
                    let text = format!("{prefix}{middle}{suffix}");
                    assert_eq!(compiled.is_match(&text), decided, "{pattern:?} on {text:?}");
                }
            }
        }
    }

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
    fn captures_agree_with_regex_automata() {
        use regex_automata::nfa::thompson::pikevm::PikeVM;
        let patterns = [
            r"^arn:aws:iam::(\d+):role/(.*)$",
            r"(a)|(b)",
            r"(a*)(a*)",
            r"(a|ab)(c|bcd)(d*)",
            r"x(\w+)?y",
            r"(?m)^(\w+)=(.*)$",
            r"(é+)(.)",
            r"((a)|b)+",
            r"()",
            r"no groups",
            r"(?i)(ADMIN)",
            r"[^/]+/([^/]*)",
            r"(a+?)(a*)",
        ];
        let texts = [
            "",
            "arn:aws:iam::123456789012:role/path/admin",
            "arn:aws:iam::12:user/x",
            "aaa",
            "abcd",
            "b",
            "xy x1y",
            "k=v\nkey=value",
            "ééx",
            "abab",
            "no groups here",
            "my-admin",
            "a/b/c",
        ];
        for pattern in patterns {
            let program = CaptureProgram::compile(pattern).expect("compiles");
            let vm = PikeVM::new(pattern).expect("compiles");
            let mut cache = vm.create_cache();
            let mut caps = vm.create_captures();
            for text in texts {
                vm.captures(&mut cache, text, &mut caps);
                let expected = caps.is_match().then(|| {
                    (1..caps.group_len())
                        .map(|group| caps.get_group(group).map(|span| (span.start, span.end)))
                        .collect::<Vec<_>>()
                });
                assert_eq!(
                    program.captures(text.as_bytes()),
                    expected,
                    "pattern {pattern:?} on {text:?}"
                );
            }
        }
    }

    #[test]
    fn capture_rejects_word_boundaries() {
        assert!(CaptureProgram::compile(r"\bx").is_err());
        assert!(CaptureProgram::compile(r"(x").is_err());
    }

    #[test]
    fn rejects_what_a_dfa_cannot_do() {
        assert!(validate(r"(a").is_err());
        assert!(validate(r"\b(?=x)").is_err());
    }
}
