//! The Rust side of the Python binding's overhead figures in
//! `docs/performance.md`: the time of one `Policy::check_bytes` call on a
//! small template, and of one call on each large template given, with the
//! standard library. `bindings/python/bench/overhead.py` measures the same
//! calls through the `ward` module.
//!
//! ```sh
//! cargo run --release -p ward-embed --example check_bytes_timing -- \
//!     examples/templates/app.yaml cfn-10000.yaml cfn-10000.json
//! ```

use std::time::{Duration, Instant};

/// The median of `samples` timings of `batch` calls of `call`, per call.
fn median_per_call(samples: usize, batch: u32, mut call: impl FnMut()) -> Duration {
    let mut timings: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                call();
            }
            start.elapsed() / batch
        })
        .collect();
    timings.sort();
    timings[timings.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let Some((small, large)) = paths.split_first() else {
        return Err("usage: check_bytes_timing SMALL [LARGE...]".into());
    };
    let policy = ward_embed::Policy::from_stdlib()?;
    let bytes = std::fs::read(small)?;
    let per_call = median_per_call(21, 200, || {
        std::hint::black_box(policy.check_bytes(small, &bytes));
    });
    println!(
        "rust small {small}: {:.1} µs per call",
        per_call.as_secs_f64() * 1e6
    );
    for path in large {
        let bytes = std::fs::read(path)?;
        let findings = policy.check_bytes(path, &bytes).report.findings.len();
        let per_call = median_per_call(5, 1, || {
            std::hint::black_box(policy.check_bytes(path, &bytes));
        });
        println!(
            "rust large {path}: {:.1} ms per call ({findings} findings)",
            per_call.as_secs_f64() * 1e3
        );
    }
    Ok(())
}
