//! Ward's C interface, over `ward-embed`: compile policies once, judge
//! files or bytes, render the report in any format of `ward check`.
//!
//! Conventions: every function that can fail returns a [`WardStatus`] and
//! writes its result through an out pointer; on failure it writes a message
//! (free it with [`ward_string_free`]) when `error` is not null. Objects are
//! opaque and freed with their `*_free` function; strings given are UTF-8
//! and NUL-terminated. No call unwinds into the caller: a panic inside is
//! [`WardStatus::Internal`]. The header is `include/ward.h`, generated from
//! this file by cbindgen (the tests keep it current).

#![allow(unsafe_code, reason = "the C interface is made of raw pointers")]

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use ward_embed::{CheckOptions, Checked, Error, Format, Policy, Threshold};

/// What a call did.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WardStatus {
    /// It succeeded.
    Ok = 0,
    /// The policies do not compile; the message holds the diagnostics.
    Policy = 1,
    /// The engine or the module failed.
    Module = 2,
    /// A policy parameter names nothing or does not fit.
    Params = 3,
    /// Nothing can be judged: no input found, an unreadable baseline.
    Usage = 4,
    /// An argument is null, not UTF-8 or out of range.
    InvalidArgument = 5,
    /// Ward failed inside; the message says how.
    Internal = 6,
}

/// A report format.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WardFormat {
    /// For people.
    Human = 0,
    /// JSON, as `ward check --format json`.
    Json = 1,
    /// SARIF 2.1.0.
    Sarif = 2,
    /// JUnit XML.
    Junit = 3,
}

/// Compiled policies.
pub struct WardPolicy(Policy);

/// A run's report.
pub struct WardReport(Checked);

fn write_error(error: *mut *mut c_char, message: &str) {
    if error.is_null() {
        return;
    }
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    // SAFETY: `error` is a valid pointer to a `char *` by the caller's
    // contract, checked not null above.
    unsafe { *error = text.into_raw() };
}

fn status_of(error: &Error) -> WardStatus {
    match error {
        Error::Policy(_) => WardStatus::Policy,
        Error::Module(_) => WardStatus::Module,
        Error::Params(_) => WardStatus::Params,
        Error::Usage(_) => WardStatus::Usage,
    }
}

/// Runs `f`, turning an error into its status and message and a panic into
/// [`WardStatus::Internal`].
fn guarded(
    error: *mut *mut c_char,
    f: impl FnOnce() -> Result<(), (WardStatus, String)>,
) -> WardStatus {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => WardStatus::Ok,
        Ok(Err((status, message))) => {
            write_error(error, &message);
            status
        }
        Err(_) => {
            write_error(error, "internal error: Ward panicked");
            WardStatus::Internal
        }
    }
}

fn invalid(message: &str) -> (WardStatus, String) {
    (WardStatus::InvalidArgument, message.to_string())
}

fn from_error(error: &Error) -> (WardStatus, String) {
    (status_of(error), error.to_string())
}

/// Reads a C string.
///
/// # Safety
///
/// `text` is null or a valid NUL-terminated string.
unsafe fn text_of<'a>(text: *const c_char, what: &str) -> Result<&'a str, (WardStatus, String)> {
    if text.is_null() {
        return Err(invalid(&format!("{what} is null")));
    }
    // SAFETY: not null, NUL-terminated by the caller's contract.
    unsafe { CStr::from_ptr(text) }
        .to_str()
        .map_err(|_| invalid(&format!("{what} is not UTF-8")))
}

/// Reads an array of `count` C strings as paths.
///
/// # Safety
///
/// `paths` points to `count` valid NUL-terminated strings (or is null when
/// `count` is 0).
unsafe fn paths_of(
    paths: *const *const c_char,
    count: usize,
) -> Result<Vec<PathBuf>, (WardStatus, String)> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if paths.is_null() {
        return Err(invalid("paths is null"));
    }
    // SAFETY: `paths` points to `count` pointers by the caller's contract.
    let items = unsafe { std::slice::from_raw_parts(paths, count) };
    items
        .iter()
        // SAFETY: each is a valid string by the caller's contract.
        .map(|path| unsafe { text_of(*path, "a path") }.map(PathBuf::from))
        .collect()
}

fn put<T>(out: *mut *mut T, value: T) -> Result<(), (WardStatus, String)> {
    if out.is_null() {
        return Err(invalid("the out pointer is null"));
    }
    // SAFETY: `out` is a valid pointer by the caller's contract, checked
    // not null above.
    unsafe { *out = Box::into_raw(Box::new(value)) };
    Ok(())
}

/// Compiles the standard library into `*out`.
///
/// # Safety
///
/// `out` is a valid pointer; `error` is null or a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_from_stdlib(
    out: *mut *mut WardPolicy,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        let policy = Policy::from_stdlib().map_err(|e| from_error(&e))?;
        put(out, WardPolicy(policy))
    })
}

/// Compiles the `.ward` files under `count` paths (files or folders), with
/// the standard library's rules beside them when `stdlib` is true.
///
/// # Safety
///
/// `paths` points to `count` valid strings; `out` is a valid pointer;
/// `error` is null or a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_from_sources(
    paths: *const *const c_char,
    count: usize,
    stdlib: bool,
    out: *mut *mut WardPolicy,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        // SAFETY: forwarded from the caller's contract.
        let paths = unsafe { paths_of(paths, count) }?;
        let policy = Policy::from_sources(&paths, stdlib).map_err(|e| from_error(&e))?;
        put(out, WardPolicy(policy))
    })
}

/// Loads a module built by `ward build` (`len` bytes at `wasm`).
///
/// # Safety
///
/// `wasm` points to `len` readable bytes; `out` is a valid pointer;
/// `error` is null or a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_from_module(
    wasm: *const u8,
    len: usize,
    out: *mut *mut WardPolicy,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        if wasm.is_null() && len > 0 {
            return Err(invalid("wasm is null"));
        }
        let bytes = if len == 0 {
            &[][..]
        } else {
            // SAFETY: `len` readable bytes by the caller's contract.
            unsafe { std::slice::from_raw_parts(wasm, len) }
        };
        let policy = Policy::from_module(bytes).map_err(|e| from_error(&e))?;
        put(out, WardPolicy(policy))
    })
}

/// Sets policy parameters from a JSON object (`{"required_tags": ["owner"]}`).
///
/// # Safety
///
/// `policy` is a valid policy; `json` a valid string; `error` is null or a
/// valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_set_params(
    policy: *mut WardPolicy,
    json: *const c_char,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        // SAFETY: a valid policy or null by the caller's contract.
        let Some(policy) = (unsafe { policy.as_mut() }) else {
            return Err(invalid("policy is null"));
        };
        // SAFETY: forwarded from the caller's contract.
        let text = unsafe { text_of(json, "json") }?;
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| (WardStatus::Params, format!("parameters: {e}")))?;
        let Some(object) = value.as_object() else {
            return Err((
                WardStatus::Params,
                "parameters: not a JSON object".to_string(),
            ));
        };
        let overrides: Vec<(String, serde_json::Value)> = object
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        policy.0.set_params(&overrides).map_err(|e| from_error(&e))
    })
}

/// Judges the inputs under `count` paths as `ward check PATHS` does, with
/// the default options, into `*out`.
///
/// # Safety
///
/// `policy` is a valid policy; `paths` points to `count` valid strings;
/// `out` is a valid pointer; `error` is null or a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_check(
    policy: *const WardPolicy,
    paths: *const *const c_char,
    count: usize,
    out: *mut *mut WardReport,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        // SAFETY: a valid policy or null by the caller's contract.
        let Some(policy) = (unsafe { policy.as_ref() }) else {
            return Err(invalid("policy is null"));
        };
        // SAFETY: forwarded from the caller's contract.
        let paths = unsafe { paths_of(paths, count) }?;
        let checked = policy
            .0
            .check(&paths, &CheckOptions::default())
            .map_err(|e| from_error(&e))?;
        put(out, WardReport(checked))
    })
}

/// Judges one input held in memory (`len` bytes), named `name` in the
/// report, into `*out`. An input that does not load is an input error of
/// the report, not a failure of the call.
///
/// # Safety
///
/// `policy` is a valid policy; `name` a valid string; `bytes` points to
/// `len` readable bytes; `out` is a valid pointer; `error` is null or a
/// valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_check_bytes(
    policy: *const WardPolicy,
    name: *const c_char,
    bytes: *const u8,
    len: usize,
    out: *mut *mut WardReport,
    error: *mut *mut c_char,
) -> WardStatus {
    guarded(error, || {
        // SAFETY: a valid policy or null by the caller's contract.
        let Some(policy) = (unsafe { policy.as_ref() }) else {
            return Err(invalid("policy is null"));
        };
        // SAFETY: forwarded from the caller's contract.
        let name = unsafe { text_of(name, "name") }?;
        if bytes.is_null() && len > 0 {
            return Err(invalid("bytes is null"));
        }
        let input = if len == 0 {
            &[][..]
        } else {
            // SAFETY: `len` readable bytes by the caller's contract.
            unsafe { std::slice::from_raw_parts(bytes, len) }
        };
        put(out, WardReport(policy.0.check_bytes(name, input)))
    })
}

/// The report in a format, as `ward check --format` prints it; free it with
/// [`ward_string_free`]. Null when `report` is null.
///
/// # Safety
///
/// `report` is null or a valid report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_report_render(
    report: *const WardReport,
    format: WardFormat,
) -> *mut c_char {
    let rendered = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a valid report or null by the caller's contract.
        let report = unsafe { report.as_ref() }?;
        let format = match format {
            WardFormat::Human => Format::Human,
            WardFormat::Json => Format::Json,
            WardFormat::Sarif => Format::Sarif,
            WardFormat::Junit => Format::Junit,
        };
        CString::new(report.0.render(format).replace('\0', " ")).ok()
    }));
    rendered
        .ok()
        .flatten()
        .map_or(std::ptr::null_mut(), CString::into_raw)
}

/// How many findings (failures and *unknown* outcomes, not suppressed) the
/// report holds; 0 when `report` is null.
///
/// # Safety
///
/// `report` is null or a valid report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_report_finding_count(report: *const WardReport) -> usize {
    // SAFETY: a valid report or null by the caller's contract.
    unsafe { report.as_ref() }.map_or(0, |report| report.0.report.findings.len())
}

/// The exit code `ward check` would end with under its default thresholds
/// (`--fail-on low`, `--fail-on-unknown never`): 0, 1 or 2; 2 when
/// `report` is null.
///
/// # Safety
///
/// `report` is null or a valid report.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_report_exit_code(report: *const WardReport) -> i32 {
    // SAFETY: a valid report or null by the caller's contract.
    unsafe { report.as_ref() }.map_or(2, |report| {
        i32::from(report.0.exit_code(Threshold::Low, Threshold::Never))
    })
}

/// Frees a policy; null is ignored.
///
/// # Safety
///
/// `policy` is null or a policy not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_policy_free(policy: *mut WardPolicy) {
    if !policy.is_null() {
        // SAFETY: made by `Box::into_raw` and not freed before.
        drop(unsafe { Box::from_raw(policy) });
    }
}

/// Frees a report; null is ignored.
///
/// # Safety
///
/// `report` is null or a report not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_report_free(report: *mut WardReport) {
    if !report.is_null() {
        // SAFETY: made by `Box::into_raw` and not freed before.
        drop(unsafe { Box::from_raw(report) });
    }
}

/// Frees a string Ward returned; null is ignored.
///
/// # Safety
///
/// `text` is null or a string Ward returned, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ward_string_free(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: made by `CString::into_raw` and not freed before.
        drop(unsafe { CString::from_raw(text) });
    }
}
