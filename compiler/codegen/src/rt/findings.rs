//! Findings: records appended to the current resource's failure or
//! unknown list, with their messages, and results headers.

use ward_abi::layout::{RESOURCE_ID_LEN, RESOURCE_ID_OFF, TAG_STRING};

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

fn resource_id(f: &mut Func) {
    let rec = f.i32_local();
    f.gget(global::RESOURCE).call(Rt::Record.index()).set(rec);
    f.gget(global::INPUT).get(rec).load32(RESOURCE_ID_OFF).add();
    f.get(rec).load32(RESOURCE_ID_LEN).call(Rt::SbBytes.index());
}

/// `add_finding(outcome, check, node, message, length)`: outcome 1 (fail)
/// or 3 (unknown), for the current resource.
pub(crate) fn add_finding(f: &mut Func) {
    let (outcome, check, node, message, length) = (0, 1, 2, 3, 4);
    let record = f.i32_local();
    f.i32c(32).call(crate::rt::Rt::Alloc.index()).set(record);
    f.get(record).i32c(0).store32(0);
    f.get(record).gget(global::RESOURCE).store32(4);
    f.get(record).get(node).store32(8);
    f.get(record).get(check).store32(12);
    f.get(record).get(outcome).store32(16);
    f.get(record).get(message).store32(20);
    f.get(record).get(length).store32(24);
    f.get(record).i32c(0).store32(28);
    for (code, head, tail, count) in [
        (1, global::FAIL_HEAD, global::FAIL_TAIL, global::FAIL_COUNT),
        (
            3,
            global::UNKNOWN_HEAD,
            global::UNKNOWN_TAIL,
            global::UNKNOWN_COUNT,
        ),
    ] {
        f.get(outcome).i32c(code).eq().if_();
        f.gget(tail).eqz().if_();
        f.get(record).gset(head);
        f.else_();
        f.gget(tail).get(record).store32(0);
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
    resource_id(f);
    bytes(f, texts.reason);
    f.get(v).addr().get(v).load32(12).call(Rt::SbBytes.index());
    f.i32c(3)
        .get(check)
        .get(v)
        .load32(4)
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
        .load8(0)
        .i32c(i32::from(TAG_STRING))
        .eq()
        .get(message)
        .load32(12)
        .i32c(0)
        .ne()
        .and()
        .if_();
    f.i32c(1)
        .get(check)
        .get(node)
        .get(message)
        .addr()
        .get(message)
        .load32(12)
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
    resource_id(f);
    bytes(f, texts.backtick);
    f.end();
    f.i32c(1)
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
    f.i32c(32).call(Rt::Alloc.index()).set(results);
    f.get(results).get(status).store32(0);
    for offset in [4, 8, 12, 16, 28] {
        f.get(results).i32c(0).store32(offset);
    }
    f.get(results).get(message).store32(20);
    f.get(results).get(length).store32(24);
    f.get(results);
}
