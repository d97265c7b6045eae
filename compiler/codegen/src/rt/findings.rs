//! Findings: records appended to the current resource's failure or
//! unknown list, with their messages, and results headers.

use ward_abi::layout::{
    FINDING_CHECK, FINDING_MESSAGE, FINDING_MESSAGE_LEN, FINDING_NEXT, FINDING_NODE,
    FINDING_OUTCOME, FINDING_RESERVED, FINDING_RESOURCE, FINDING_SIZE, OUTCOME_FAIL,
    OUTCOME_UNKNOWN, RESOURCE_ID_LEN, RESOURCE_ID_OFF, RESULTS_FINDING_COUNT,
    RESULTS_FIRST_FINDING, RESULTS_MESSAGE, RESULTS_MESSAGE_LEN, RESULTS_OUTCOME_COUNT,
    RESULTS_OUTCOMES, RESULTS_RESERVED, RESULTS_SIZE, RESULTS_STATUS, SLOT_NODE, SLOT_PAYLOAD_LEN,
    SLOT_TAG, TAG_STRING,
};

use super::{Rt, Texts, text};
use crate::asm::Func;
use crate::layout::global;

fn bytes(f: &mut Func, value: (u32, u32)) {
    text(f, value);
    f.call(Rt::SbBytes.index());
}

/// Appends the current rule's id and "` ... `" pieces.
fn rule_id(f: &mut Func) {
    f.gget(global::RULE_ID)
        .gget(global::RULE_ID_LEN)
        .call(Rt::SbBytes.index());
}

/// Appends the current resource's id, or `input` when the rule runs once
/// per input (no current resource).
fn resource_id(f: &mut Func, texts: &Texts) {
    let rec = f.i32_local();
    f.gget(global::RESOURCE).u32c(ward_abi::NONE).eq().if_();
    bytes(f, texts.input);
    f.else_();
    f.gget(global::RESOURCE).call(Rt::Record.index()).set(rec);
    f.gget(global::INPUT).get(rec).load32(RESOURCE_ID_OFF).add();
    f.get(rec).load32(RESOURCE_ID_LEN).call(Rt::SbBytes.index());
    f.end();
}

/// `add_finding(outcome, check, node, message, length)`: outcome
/// [`OUTCOME_FAIL`] or [`OUTCOME_UNKNOWN`], for the current resource.
pub(crate) fn add_finding(f: &mut Func) {
    let (outcome, check, node, message, length) = (0, 1, 2, 3, 4);
    let record = f.i32_local();
    f.u32c(FINDING_SIZE)
        .call(crate::rt::Rt::Alloc.index())
        .set(record);
    f.get(record).i32c(0).store32(FINDING_NEXT);
    f.get(record)
        .gget(global::RESOURCE)
        .store32(FINDING_RESOURCE);
    f.get(record).get(node).store32(FINDING_NODE);
    f.get(record).get(check).store32(FINDING_CHECK);
    f.get(record).get(outcome).store32(FINDING_OUTCOME);
    f.get(record).get(message).store32(FINDING_MESSAGE);
    f.get(record).get(length).store32(FINDING_MESSAGE_LEN);
    f.get(record).i32c(0).store32(FINDING_RESERVED);
    for (code, head, tail, count) in [
        (
            OUTCOME_FAIL,
            global::FAIL_HEAD,
            global::FAIL_TAIL,
            global::FAIL_COUNT,
        ),
        (
            OUTCOME_UNKNOWN,
            global::UNKNOWN_HEAD,
            global::UNKNOWN_TAIL,
            global::UNKNOWN_COUNT,
        ),
    ] {
        f.get(outcome).u32c(code).eq().if_();
        f.gget(tail).eqz().if_();
        f.get(record).gset(head);
        f.else_();
        f.gget(tail).get(record).store32(FINDING_NEXT);
        f.end();
        f.get(record).gset(tail);
        f.gget(count).i32c(1).add().gset(count);
        f.end();
    }
}

/// `add_unknown(check, v)`: an unknown result located at the unknown value,
/// with the message "`<rule id>` is unknown for `<resource id>`: <reason>".
pub(crate) fn add_unknown(f: &mut Func, texts: &Texts) {
    let (check, v) = (0, 1);
    let start = f.i32_local();
    f.gget(global::HEAP).set(start);
    bytes(f, texts.backtick);
    rule_id(f);
    bytes(f, texts.unknown_for);
    resource_id(f, texts);
    bytes(f, texts.reason);
    f.get(v)
        .addr()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::SbBytes.index());
    f.u32c(OUTCOME_UNKNOWN)
        .get(check)
        .get(v)
        .load32(SLOT_NODE)
        .get(start)
        .gget(global::HEAP)
        .get(start)
        .sub();
    f.call(Rt::AddFinding.index());
}

/// `add_failure(check, node, message)`: a failure; `message` is the
/// message value, or 0 for "`<rule id>` failed for `<resource id>`". A
/// message that renders empty gets the default text too: a length of 0 in
/// a finding record means "no message" to the host.
pub(crate) fn add_failure(f: &mut Func, texts: &Texts) {
    let (check, node, message) = (0, 1, 2);
    let start = f.i32_local();
    // A message that is a non-empty string (what a message template makes)
    // is pointed at where it is, not copied.
    f.get(message).if_();
    f.get(message)
        .load8(SLOT_TAG)
        .i32c(i32::from(TAG_STRING))
        .eq()
        .get(message)
        .load32(SLOT_PAYLOAD_LEN)
        .i32c(0)
        .ne()
        .and()
        .if_();
    f.u32c(OUTCOME_FAIL)
        .get(check)
        .get(node)
        .get(message)
        .addr()
        .get(message)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::AddFinding.index())
        .ret();
    f.end();
    f.end();
    f.gget(global::HEAP).set(start);
    f.get(message).if_();
    f.get(message).i32c(1).call(Rt::Render.index());
    f.end();
    f.gget(global::HEAP).get(start).eq().if_();
    bytes(f, texts.backtick);
    rule_id(f);
    bytes(f, texts.failed_for);
    resource_id(f, texts);
    bytes(f, texts.backtick);
    f.end();
    f.u32c(OUTCOME_FAIL)
        .get(check)
        .get(node)
        .get(start)
        .gget(global::HEAP)
        .get(start)
        .sub();
    f.call(Rt::AddFinding.index());
}

/// `status_results(status, message, length) -> results` with no outcome.
pub(crate) fn status_results(f: &mut Func) {
    let (status, message, length) = (0, 1, 2);
    let results = f.i32_local();
    f.u32c(RESULTS_SIZE).call(Rt::Alloc.index()).set(results);
    f.get(results).get(status).store32(RESULTS_STATUS);
    for offset in [
        RESULTS_OUTCOME_COUNT,
        RESULTS_OUTCOMES,
        RESULTS_FINDING_COUNT,
        RESULTS_FIRST_FINDING,
        RESULTS_RESERVED,
    ] {
        f.get(results).i32c(0).store32(offset);
    }
    f.get(results).get(message).store32(RESULTS_MESSAGE);
    f.get(results).get(length).store32(RESULTS_MESSAGE_LEN);
    f.get(results);
}
