//! Numbers as the language sees them, shared by every backend.
//!
//! Ward numbers are IEEE 754 doubles. Where a backend turns a number into
//! text or an integer it relies on the limits stated here, so that the
//! reference evaluator and the generated code agree (`docs/semantics.md`).

/// 2^53: below it every integer is exactly representable, so an integral
/// number below it in magnitude prints as its decimal digits and converts
/// to a 64-bit integer without loss.
pub const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;
