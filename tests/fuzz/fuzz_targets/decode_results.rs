//! Reads a rule's results from arbitrary module memory, as the host does
//! after a rule ran: the first 16 bytes choose the header address and the
//! limits (resources, nodes, checks, findings), the rest is the memory
//! image. A panic, a hang or an allocation beyond the memory's size is a
//! bug; so are results that break the limits they were read with.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_abi::{ResultsLimits, Status, decode_results};

fuzz_target!(|data: &[u8]| {
    let Some((head, memory)) = data.split_first_chunk::<16>() else {
        return;
    };
    let word = |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    // Small addresses and counts, so that most inputs reach past the header.
    let address = word(0) % (memory.len() as u32 + 8);
    let limits = ResultsLimits {
        resource_count: word(4) % 64,
        node_count: word(8) % 256,
        check_count: u32::from(head[12] % 16),
        max_findings: u32::from(head[13]) * 64,
        max_message_bytes: u32::from(head[14]) * 4,
    };
    let Ok(results) = decode_results(memory, address, &limits) else {
        return;
    };
    if results.status != Status::Ok {
        assert!(results.outcomes.is_empty() && results.findings.is_empty());
    }
    assert!(results.findings.len() <= limits.max_findings as usize);
    assert!(results.message.len() <= limits.max_message_bytes as usize + '…'.len_utf8());
    for outcome in &results.outcomes {
        assert!(outcome.resource < limits.resource_count || outcome.resource == ward_abi::NONE);
    }
    for finding in &results.findings {
        assert!(finding.resource < limits.resource_count || finding.resource == ward_abi::NONE);
        assert!(finding.node < limits.node_count || finding.node == ward_abi::NONE);
        assert!(finding.check < limits.check_count || finding.check == ward_abi::NONE);
        assert!(finding.message.len() <= limits.max_message_bytes as usize + '…'.len_utf8());
    }
});
