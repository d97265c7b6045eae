//! Reading what one `ward_eval` call wrote.

use std::fmt;

use crate::bytes::read_u32;
use crate::layout::*;
use crate::{NONE, Outcome};

/// The status word of a results header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The rule was evaluated.
    Ok,
    /// The module refused the input (bad magic or version).
    InputRejected,
    /// The module reported an error.
    Error,
}

/// One resource's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OutcomeRecord {
    /// The resource index, or [`NONE`] for a rule without a resource binding.
    pub resource: u32,
    /// The outcome.
    pub outcome: Outcome,
}

/// One finding as the module wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FindingRecord {
    /// The resource index, or [`NONE`].
    pub resource: u32,
    /// The node id of the located value, or [`NONE`].
    pub node: u32,
    /// The check index in the rule's metadata, or [`NONE`].
    pub check: u32,
    /// `fail` or `unknown`.
    pub outcome: Outcome,
    /// The message, empty when the module wrote none.
    pub message: String,
}

/// The results of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Results {
    /// The status.
    pub status: Status,
    /// The module's message when the status is not [`Status::Ok`].
    pub message: String,
    /// Outcomes per resource.
    pub outcomes: Vec<OutcomeRecord>,
    /// Findings in list order.
    pub findings: Vec<FindingRecord>,
}

/// What the results may refer to and how much of them is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResultsLimits {
    /// Resources in the input: resource indexes must be below this.
    pub resource_count: u32,
    /// Nodes in the input: node ids must be below this.
    pub node_count: u32,
    /// Checks of the rule: check indexes must be below this.
    pub check_count: u32,
    /// The most findings accepted.
    pub max_findings: u32,
    /// Messages are cut to this many bytes (at a character boundary).
    pub max_message_bytes: u32,
}

impl ResultsLimits {
    /// The default bound on findings per rule.
    pub const MAX_FINDINGS: u32 = 1 << 20;
    /// The default bound on message length.
    pub const MAX_MESSAGE_BYTES: u32 = 16 * 1024;

    /// Limits for an input and a rule, with the default bounds.
    pub fn new(resource_count: u32, node_count: u32, check_count: u32) -> ResultsLimits {
        ResultsLimits {
            resource_count,
            node_count,
            check_count,
            max_findings: Self::MAX_FINDINGS,
            max_message_bytes: Self::MAX_MESSAGE_BYTES,
        }
    }
}

/// Why results could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultsError {
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for ResultsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid results: {}", self.message)
    }
}

impl std::error::Error for ResultsError {}

fn invalid(message: impl Into<String>) -> ResultsError {
    ResultsError {
        message: message.into(),
    }
}

fn word(memory: &[u8], address: u64, what: &str) -> Result<u32, ResultsError> {
    usize::try_from(address)
        .ok()
        .and_then(|address| read_u32(memory, address))
        .ok_or_else(|| invalid(format!("{what} at address {address} lies outside memory")))
}

fn text(
    memory: &[u8],
    address: u32,
    len: u32,
    max: u32,
    what: &str,
) -> Result<String, ResultsError> {
    if len == 0 {
        return Ok(String::new());
    }
    let start = address as usize;
    let end = start.saturating_add(len as usize);
    let bytes = memory.get(start..end).ok_or_else(|| {
        invalid(format!(
            "{what} of {len} bytes at address {address} lies outside memory"
        ))
    })?;
    let mut message = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    };
    if message.len() > max as usize {
        let mut cut = max as usize;
        while cut > 0 && !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    Ok(message)
}

/// Reads the results header at `address` of `memory` and everything it
/// points to, checking every address and every index against `limits`.
///
/// # Errors
///
/// [`ResultsError`] for anything out of bounds or out of range: the rule's
/// results are then unusable and the host reports the rule as an error.
pub fn decode_results(
    memory: &[u8],
    address: u32,
    limits: &ResultsLimits,
) -> Result<Results, ResultsError> {
    let base = u64::from(address);
    let field = |offset: u32, what: &str| word(memory, base + u64::from(offset), what);
    let status = match field(RESULTS_STATUS, "the results header")? {
        STATUS_OK => Status::Ok,
        STATUS_INPUT_REJECTED => Status::InputRejected,
        STATUS_ERROR => Status::Error,
        other => return Err(invalid(format!("unknown status {other}"))),
    };
    let outcome_count = field(RESULTS_OUTCOME_COUNT, "the results header")?;
    let outcomes_address = field(RESULTS_OUTCOMES, "the results header")?;
    let finding_count = field(RESULTS_FINDING_COUNT, "the results header")?;
    let first_finding = field(RESULTS_FIRST_FINDING, "the results header")?;
    let message_address = field(RESULTS_MESSAGE, "the results header")?;
    let message_len = field(RESULTS_MESSAGE_LEN, "the results header")?;

    if status != Status::Ok {
        let message = text(
            memory,
            message_address,
            message_len,
            limits.max_message_bytes,
            "the status message",
        )?;
        return Ok(Results {
            status,
            message,
            outcomes: Vec::new(),
            findings: Vec::new(),
        });
    }

    // The whole array must lie in memory: read it as one slice.
    let outcome_bytes = u64::from(outcome_count) * u64::from(OUTCOME_SIZE);
    let start = outcomes_address as usize;
    let array = usize::try_from(outcome_bytes)
        .ok()
        .and_then(|len| memory.get(start..start.checked_add(len)?))
        .ok_or_else(|| {
            invalid(format!(
                "{outcome_count} outcomes at address {outcomes_address} lie outside memory"
            ))
        })?;
    let mut outcomes = Vec::with_capacity((outcome_count as usize).min(65_536));
    for entry in array.chunks_exact(OUTCOME_SIZE as usize) {
        let resource = word_of(entry, OUTCOME_RESOURCE as usize);
        let code = word_of(entry, OUTCOME_VALUE as usize);
        check_resource(resource, limits)?;
        let outcome = Outcome::from_code(code)
            .ok_or_else(|| invalid(format!("outcome code {code} is not 0 to 3")))?;
        outcomes.push(OutcomeRecord { resource, outcome });
    }

    if finding_count > limits.max_findings {
        return Err(invalid(format!(
            "{finding_count} findings, more than the limit of {}",
            limits.max_findings
        )));
    }
    let finding_bytes = u64::from(finding_count) * u64::from(FINDING_SIZE);
    if finding_bytes > memory.len() as u64 {
        return Err(invalid(format!(
            "{finding_count} findings cannot fit in memory"
        )));
    }
    // The count is the module's word: allocate for it only as records are
    // actually read.
    let mut findings = Vec::with_capacity((finding_count as usize).min(4096));
    let mut next = first_finding;
    for _ in 0..finding_count {
        if next == 0 {
            return Err(invalid(format!(
                "the finding list ends after {} of {finding_count} records",
                findings.len()
            )));
        }
        // One bounds check for the whole record.
        let start = next as usize;
        let record = memory
            .get(start..start.saturating_add(FINDING_SIZE as usize))
            .ok_or_else(|| invalid(format!("a finding at address {next} lies outside memory")))?;
        let at = |offset: u32| word_of(record, offset as usize);
        let resource = at(FINDING_RESOURCE);
        let node = at(FINDING_NODE);
        let check = at(FINDING_CHECK);
        let code = at(FINDING_OUTCOME);
        let message_address = at(FINDING_MESSAGE);
        let message_len = at(FINDING_MESSAGE_LEN);
        check_resource(resource, limits)?;
        if node != NONE && node >= limits.node_count {
            return Err(invalid(format!(
                "node id {node} is out of range (the input has {} nodes)",
                limits.node_count
            )));
        }
        if check != NONE && check >= limits.check_count {
            return Err(invalid(format!(
                "check index {check} is out of range (the rule has {} checks)",
                limits.check_count
            )));
        }
        let outcome = match Outcome::from_code(code) {
            Some(outcome @ (Outcome::Fail | Outcome::Unknown)) => outcome,
            _ => {
                return Err(invalid(format!(
                    "a finding has outcome code {code}, not 1 (fail) or 3 (unknown)"
                )));
            }
        };
        let message = text(
            memory,
            message_address,
            message_len,
            limits.max_message_bytes,
            "a finding message",
        )?;
        findings.push(FindingRecord {
            resource,
            node,
            check,
            outcome,
            message,
        });
        next = at(FINDING_NEXT);
    }
    if next != 0 {
        return Err(invalid(format!(
            "the finding list goes on after {finding_count} records"
        )));
    }
    Ok(Results {
        status,
        message: String::new(),
        outcomes,
        findings,
    })
}

/// The little-endian word at `offset` of a record already checked to hold
/// it (zero otherwise, which cannot happen for the offsets used here).
fn word_of(record: &[u8], offset: usize) -> u32 {
    read_u32(record, offset).unwrap_or(0)
}

fn check_resource(resource: u32, limits: &ResultsLimits) -> Result<(), ResultsError> {
    if resource != NONE && resource >= limits.resource_count {
        return Err(invalid(format!(
            "resource index {resource} is out of range (the input has {} resources)",
            limits.resource_count
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds memory holding results as generated code would write them.
    struct Memory {
        bytes: Vec<u8>,
    }

    impl Memory {
        fn new() -> Memory {
            Memory {
                bytes: vec![0; 1024],
            }
        }

        fn put(&mut self, address: u32, value: u32) {
            let at = address as usize;
            self.bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }

        fn text(&mut self, address: u32, text: &str) -> (u32, u32) {
            let at = address as usize;
            self.bytes[at..at + text.len()].copy_from_slice(text.as_bytes());
            (address, text.len() as u32)
        }
    }

    fn sample() -> Memory {
        let mut memory = Memory::new();
        // Header at 64, outcomes at 128, findings at 256 and 320.
        memory.put(64, 0);
        memory.put(68, 2);
        memory.put(72, 128);
        memory.put(76, 2);
        memory.put(80, 256);
        memory.put(128, 0);
        memory.put(132, 1);
        memory.put(136, 1);
        memory.put(140, 0);
        let (message, len) = memory.text(512, "sg allows SSH");
        memory.put(256, 320);
        memory.put(260, 0);
        memory.put(264, 5);
        memory.put(268, 0);
        memory.put(272, 1);
        memory.put(276, message);
        memory.put(280, len);
        memory.put(320, 0);
        memory.put(324, NONE);
        memory.put(328, NONE);
        memory.put(332, NONE);
        memory.put(336, 3);
        memory.put(340, 0);
        memory.put(344, 0);
        memory
    }

    fn limits() -> ResultsLimits {
        ResultsLimits::new(2, 10, 1)
    }

    #[test]
    fn reads_outcomes_and_findings_in_list_order() {
        let memory = sample();
        let results = decode_results(&memory.bytes, 64, &limits()).unwrap();
        assert_eq!(results.status, Status::Ok);
        assert_eq!(
            results.outcomes,
            vec![
                OutcomeRecord {
                    resource: 0,
                    outcome: Outcome::Fail
                },
                OutcomeRecord {
                    resource: 1,
                    outcome: Outcome::Pass
                },
            ]
        );
        assert_eq!(results.findings.len(), 2);
        assert_eq!(results.findings[0].message, "sg allows SSH");
        assert_eq!(results.findings[0].node, 5);
        assert_eq!(results.findings[1].outcome, Outcome::Unknown);
        assert_eq!(results.findings[1].resource, NONE);
        assert_eq!(results.findings[1].message, "");
    }

    #[test]
    fn status_message_is_read() {
        let mut memory = Memory::new();
        memory.put(0, 2);
        let (address, len) = memory.text(100, "bad input");
        memory.put(20, address);
        memory.put(24, len);
        let results = decode_results(&memory.bytes, 0, &limits()).unwrap();
        assert_eq!(results.status, Status::Error);
        assert_eq!(results.message, "bad input");
    }

    #[test]
    fn bad_lists_are_errors() {
        let mut memory = sample();
        memory.put(76, 3);
        assert_eq!(
            decode_results(&memory.bytes, 64, &limits())
                .unwrap_err()
                .to_string(),
            "invalid results: the finding list ends after 2 of 3 records"
        );
        let mut memory = sample();
        memory.put(76, 1);
        assert!(decode_results(&memory.bytes, 64, &limits()).is_err());
        // A cycle is cut by the count.
        let mut memory = sample();
        memory.put(320, 256);
        assert!(decode_results(&memory.bytes, 64, &limits()).is_err());
        let mut memory = sample();
        memory.put(264, 10);
        assert!(
            decode_results(&memory.bytes, 64, &limits())
                .unwrap_err()
                .message
                .contains("node id 10")
        );
        let mut memory = sample();
        memory.put(128, 2);
        assert!(
            decode_results(&memory.bytes, 64, &limits())
                .unwrap_err()
                .message
                .contains("resource index 2")
        );
        let mut memory = sample();
        memory.put(272, 0);
        assert!(decode_results(&memory.bytes, 64, &limits()).is_err());
        let mut memory = sample();
        memory.put(280, 4000);
        assert!(decode_results(&memory.bytes, 64, &limits()).is_err());
        assert!(decode_results(&memory.bytes, 1022, &limits()).is_err());
        assert!(decode_results(&memory.bytes, u32::MAX, &limits()).is_err());
    }

    #[test]
    fn long_messages_are_cut_at_a_character() {
        let mut memory = sample();
        let long = "é".repeat(100);
        let (address, len) = memory.text(600, &long);
        memory.put(276, address);
        memory.put(280, len);
        let mut limits = limits();
        limits.max_message_bytes = 11;
        let results = decode_results(&memory.bytes, 64, &limits).unwrap();
        assert_eq!(results.findings[0].message, "ééééé…");
    }

    proptest::proptest! {
        #[test]
        fn hostile_memory_never_panics(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
            address in 0u32..700,
        ) {
            let _ = decode_results(&bytes, address, &ResultsLimits::new(3, 50, 2));
        }

        #[test]
        fn flipped_words_never_panic(index in 0usize..256, value in proptest::num::u32::ANY) {
            let mut memory = sample();
            memory.put(64 + (index as u32) * 4 % 900, value);
            let _ = decode_results(&memory.bytes, 64, &limits());
        }
    }
}
