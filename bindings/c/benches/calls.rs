//! What the C interface costs over the Rust surface it wraps: one call of
//! `ward_policy_check_bytes` (plus rendering the JSON report and freeing)
//! against `Policy::check_bytes` with the same rendering, on a small
//! template and on the 10,000-resource template of the end-to-end
//! benchmark (`bench/gen/gen.py --size 10000`, generated into
//! `bench/out/templates` when missing), with the standard library.
//!
//! ```sh
//! cargo bench -p ward-c --bench calls
//! ```

#![allow(unsafe_code, reason = "the C interface is called as C calls it")]

use std::ffi::CString;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::ptr;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ward_c::{
    WardFormat, WardPolicy, WardReport, ward_policy_check_bytes, ward_policy_from_stdlib,
    ward_report_free, ward_report_render, ward_string_free,
};
use ward_embed::{Format, Policy};

const SMALL: &str = "Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
  Bucket:
    Type: AWS::S3::Bucket
";

/// The end-to-end benchmark's 10,000-resource template, generated once.
fn large_template() -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = root.join("bench/out/templates");
    let path = out.join("cfn-10000.json");
    if !path.exists() {
        let status = Command::new("python3")
            .arg(root.join("bench/gen/gen.py"))
            .args(["--size", "10000", "--out"])
            .arg(&out)
            .status()
            .expect("python3 runs the generator");
        assert!(status.success(), "the generator failed");
    }
    std::fs::read(path).expect("the generated template")
}

fn through_c(policy: *const WardPolicy, name: &CString, bytes: &[u8]) -> usize {
    let mut report: *mut WardReport = ptr::null_mut();
    // SAFETY: valid policy, name and bytes; the report is freed once.
    unsafe {
        ward_policy_check_bytes(
            policy,
            name.as_ptr(),
            bytes.as_ptr(),
            bytes.len(),
            &raw mut report,
            ptr::null_mut(),
        );
        let json = ward_report_render(report, WardFormat::Json);
        let length = std::ffi::CStr::from_ptr(json).to_bytes().len();
        ward_string_free(json);
        ward_report_free(report);
        length
    }
}

fn calls(c: &mut Criterion) {
    let rust = Policy::from_stdlib().expect("the standard library compiles");
    let mut policy: *mut WardPolicy = ptr::null_mut();
    // SAFETY: the out pointer is ours.
    unsafe { ward_policy_from_stdlib(&raw mut policy, ptr::null_mut()) };
    let large = large_template();
    let mut group = c.benchmark_group("check_bytes and the JSON report");
    for (size, name, bytes) in [
        ("small", "small.yaml", SMALL.as_bytes()),
        ("10000", "cfn-10000.json", large.as_slice()),
    ] {
        if size == "10000" {
            group.sample_size(10);
        }
        let c_name = CString::new(name).expect("a name");
        group.bench_with_input(BenchmarkId::new("Rust", size), &bytes, |b, bytes| {
            b.iter(|| black_box(rust.check_bytes(name, bytes).render(Format::Json).len()))
        });
        group.bench_with_input(BenchmarkId::new("C", size), &bytes, |b, bytes| {
            b.iter(|| black_box(through_c(policy, &c_name, bytes)))
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = calls
}
criterion_main!(benches);
