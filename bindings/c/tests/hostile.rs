//! Hostile inputs through the C interface: seeded mutations of a template,
//! random bytes, deep nesting, invalid UTF-8 and empty input all come back
//! as a report (findings or an input error) with status OK; nothing
//! crashes the host.

#![allow(unsafe_code, reason = "the C interface is called as C calls it")]

use std::ffi::CString;
use std::ptr;

use ward_c::{
    WardFormat, WardPolicy, WardReport, WardStatus, ward_policy_check_bytes, ward_policy_free,
    ward_policy_from_stdlib, ward_report_exit_code, ward_report_free, ward_report_render,
    ward_string_free,
};

/// A small deterministic generator (xorshift), so that a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }
}

const TEMPLATE: &[u8] = b"Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub '${AWS::StackName} admin'
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Name
";

fn judge(policy: *const WardPolicy, bytes: &[u8]) -> (WardStatus, i32) {
    let name = CString::new("hostile.yaml").expect("a name");
    let mut report: *mut WardReport = ptr::null_mut();
    // SAFETY: valid policy, name and bytes; the out pointer is ours.
    let status = unsafe {
        ward_policy_check_bytes(
            policy,
            name.as_ptr(),
            bytes.as_ptr(),
            bytes.len(),
            &raw mut report,
            ptr::null_mut(),
        )
    };
    // SAFETY: the report the call made, freed once.
    let code = unsafe {
        let json = ward_report_render(report, WardFormat::Json);
        assert!(!json.is_null(), "every report renders");
        ward_string_free(json);
        let code = ward_report_exit_code(report);
        ward_report_free(report);
        code
    };
    (status, code)
}

#[test]
fn hostile_bytes_give_reports() {
    let mut policy: *mut WardPolicy = ptr::null_mut();
    // SAFETY: the out pointer is ours; errors are not asked for.
    let status = unsafe { ward_policy_from_stdlib(&raw mut policy, ptr::null_mut()) };
    assert_eq!(status, WardStatus::Ok);

    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xff, 0xfe, 0x00, 0x80],
        b"[".repeat(100_000),
        br#"{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"N": 1e999999}}}}"#
            .to_vec(),
        b"\xef\xbb\xbfResources: {A: {Type: AWS::S3::Bucket}}".to_vec(),
    ];
    let mut rng = Rng(0x5eed_0001);
    for _ in 0..64 {
        cases.push((0..rng.below(512)).map(|_| rng.next() as u8).collect());
    }
    for _ in 0..1_500 {
        let mut mutated = TEMPLATE.to_vec();
        for _ in 0..=rng.below(4) {
            let at = rng.below(mutated.len());
            match rng.below(3) {
                0 => mutated[at] = rng.next() as u8,
                1 => {
                    mutated.remove(at);
                }
                _ => {
                    let from = rng.below(mutated.len());
                    let piece: Vec<u8> =
                        mutated[from..(from + rng.below(24)).min(mutated.len())].to_vec();
                    mutated.splice(at..at, piece);
                }
            }
        }
        cases.push(mutated);
    }
    for case in &cases {
        let (status, code) = judge(policy, case);
        assert_eq!(
            status,
            WardStatus::Ok,
            "{:?}",
            String::from_utf8_lossy(case)
        );
        assert!((0..=2).contains(&code));
    }
    // SAFETY: the policy made above, freed once.
    unsafe { ward_policy_free(policy) };
}
