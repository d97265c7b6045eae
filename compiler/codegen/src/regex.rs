//! Regexes as tables in the data segment.
//!
//! Each `matches` pattern is compiled (by `ward_compiler::regex`, the same
//! automaton the evaluator runs) to a dense DFA, whose states reachable from
//! the unanchored start state are renumbered densely and written as a table
//! that generated code walks with plain loads:
//!
//! ```text
//! +0    u32  number of states
//! +4    u32  number of byte classes
//! +8    u32  start state
//! +12   u32  offset of the end-of-input transitions (from the table start)
//! +16   u32  offset of the transitions
//! +32   [u8; 256]  byte -> class
//! +288  [u8; states]  flags: 1 match, 2 dead, 4 quit
//! ...   [u32; states]  end-of-input transition of each state
//! ...   [u32; states * classes]  transition of state s on class c at s * classes + c
//! ```
//!
//! A search starts at the start state; after each byte's transition a match
//! state means a match (the DFA delays matches by one byte), a dead or quit
//! state means none; after the last byte the end-of-input transition
//! decides. This is exactly `regex-automata`'s forward search with
//! `earliest`, which the evaluator runs.

use std::collections::HashMap;

use regex_automata::Anchored;
use regex_automata::dfa::Automaton;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;

/// Offset of the start state.
pub(crate) const START: u32 = 8;
/// Offset of the field holding the end-of-input transitions' offset.
pub(crate) const EOI_OFFSET: u32 = 12;
/// Offset of the field holding the transitions' offset.
pub(crate) const TRANSITIONS_OFFSET: u32 = 16;
/// Offset of the byte class map.
pub(crate) const CLASSES: u32 = 32;
/// Offset of the state flags.
pub(crate) const FLAGS: u32 = 288;

const MATCH: u8 = 1;
const DEAD: u8 = 2;
const QUIT: u8 = 4;

/// The most states a table may have.
const MAX_STATES: usize = 1 << 16;

/// A regex table, ready for the data segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DfaTable {
    /// The byte class of each byte.
    pub classes: [u8; 256],
    /// How many byte classes there are.
    pub class_count: u32,
    /// The start state.
    pub start: u32,
    /// Flags of each state.
    pub flags: Vec<u8>,
    /// End-of-input transition of each state.
    pub eoi: Vec<u32>,
    /// Transitions, `class_count` per state.
    pub transitions: Vec<u32>,
}

impl DfaTable {
    /// Builds the table of a pattern.
    ///
    /// # Errors
    ///
    /// A message when the pattern does not compile or its automaton is too
    /// large.
    pub fn build(pattern: &str) -> Result<DfaTable, String> {
        let compiled = ward_compiler::regex::compile(pattern)?;
        let dfa = compiled.dfa();
        let byte_classes = dfa.byte_classes();
        let mut classes = [0u8; 256];
        let mut representatives: Vec<u8> = Vec::new();
        for byte in 0..=255u8 {
            let class = byte_classes.get(byte);
            if let Some(slot) = classes.get_mut(usize::from(byte)) {
                *slot = class;
            }
            if usize::from(class) == representatives.len() {
                representatives.push(byte);
            }
        }
        let class_count = representatives.len();
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::No))
            .map_err(|error| error.to_string())?;

        let mut index: HashMap<StateID, u32> = HashMap::new();
        let mut order: Vec<StateID> = Vec::new();
        let mut visit = |state: StateID, order: &mut Vec<StateID>| -> Result<u32, String> {
            if let Some(&known) = index.get(&state) {
                return Ok(known);
            }
            if order.len() >= MAX_STATES {
                return Err(format!("the pattern needs more than {MAX_STATES} states"));
            }
            let id = u32::try_from(order.len()).map_err(|error| error.to_string())?;
            index.insert(state, id);
            order.push(state);
            Ok(id)
        };
        let start_index = visit(start, &mut order)?;
        let mut flags = Vec::new();
        let mut eoi = Vec::new();
        let mut transitions = Vec::new();
        let mut next = 0;
        while let Some(&state) = order.get(next) {
            next += 1;
            let mut flag = 0;
            if dfa.is_match_state(state) {
                flag |= MATCH;
            }
            if dfa.is_dead_state(state) {
                flag |= DEAD;
            }
            if dfa.is_quit_state(state) {
                flag |= QUIT;
            }
            flags.push(flag);
            let end = dfa.next_eoi_state(state);
            eoi.push(visit(end, &mut order)?);
            for &byte in &representatives {
                let target = dfa.next_state(state, byte);
                transitions.push(visit(target, &mut order)?);
            }
        }
        Ok(DfaTable {
            classes,
            class_count: u32::try_from(class_count).map_err(|error| error.to_string())?,
            start: start_index,
            flags,
            eoi,
            transitions,
        })
    }

    /// Whether the pattern matches anywhere in `text`, walking the table as
    /// the generated code does.
    pub fn is_match(&self, text: &[u8]) -> bool {
        let mut state = self.start;
        for &byte in text {
            let class = self.classes.get(usize::from(byte)).copied().unwrap_or(0);
            let at = state as usize * self.class_count as usize + usize::from(class);
            state = self.transitions.get(at).copied().unwrap_or(0);
            let flag = self.flags.get(state as usize).copied().unwrap_or(DEAD);
            if flag & MATCH != 0 {
                return true;
            }
            if flag & (DEAD | QUIT) != 0 {
                return false;
            }
        }
        state = self.eoi.get(state as usize).copied().unwrap_or(0);
        self.flags
            .get(state as usize)
            .is_some_and(|flag| flag & MATCH != 0)
    }

    /// The table's bytes in the layout above.
    pub fn to_bytes(&self) -> Vec<u8> {
        let states = self.flags.len();
        let flags_end = FLAGS as usize + states;
        let eoi_offset = (flags_end + 3) & !3;
        let transitions_offset = eoi_offset + 4 * states;
        let mut out = Vec::with_capacity(transitions_offset + 4 * self.transitions.len());
        let header = [
            u32::try_from(states).unwrap_or(u32::MAX),
            self.class_count,
            self.start,
            u32::try_from(eoi_offset).unwrap_or(u32::MAX),
            u32::try_from(transitions_offset).unwrap_or(u32::MAX),
            0,
            0,
            0,
        ];
        for word in header {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&self.classes);
        out.extend_from_slice(&self.flags);
        out.resize(eoi_offset, 0);
        for state in &self.eoi {
            out.extend_from_slice(&state.to_le_bytes());
        }
        for state in &self.transitions {
            out.extend_from_slice(&state.to_le_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_agree_with_the_evaluator() {
        let patterns = [
            "",
            "a",
            "^a",
            "a$",
            "^$",
            "(?m)^b$",
            r"^arn:aws:iam::\d{12}:role/",
            "role/",
            "[a-z]+-[0-9]{2,4}",
            "é+",
            "(?i)admin",
            r"\.",
            "^(dev|prod)-[a-z]+$",
            r"\s",
        ];
        let texts = [
            "",
            "a",
            "ba",
            "ab",
            "a\nb\nc",
            "arn:aws:iam::123456789012:role/admin",
            "xarn:aws:iam::123456789012:role/admin",
            "my-role/x",
            "web-042",
            "WEB-1",
            "ééé",
            "ADMIN",
            "file.txt",
            "prod-api",
            "prod-api-2",
            "tab\there",
            "\u{0}\u{ff}",
        ];
        for pattern in patterns {
            let table = DfaTable::build(pattern).expect("compiles");
            let compiled = ward_compiler::regex::compile(pattern).expect("compiles");
            for text in texts {
                assert_eq!(
                    table.is_match(text.as_bytes()),
                    compiled.is_match(text),
                    "pattern {pattern:?} on {text:?}"
                );
            }
            let bytes = table.to_bytes();
            assert_eq!(bytes.len() % 4, 0);
        }
    }
}
