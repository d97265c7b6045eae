//! The standard policy library: Ward source files embedded in the binary and
//! fed to the compiler under virtual paths (`std/...`), so diagnostics, hover
//! and go to definition work on them as on any other file.
//!
//! Every rule carries a doc comment (what, why, how to fix), its controls,
//! and tests beside it with a passing and a failing input.

/// Every standard library file as (virtual path, text).
pub const FILES: &[(&str, &str)] = &[
    ("std/aws/access.ward", include_str!("../aws/access.ward")),
    (
        "std/aws/analytics.ward",
        include_str!("../aws/analytics.ward"),
    ),
    ("std/aws/common.ward", include_str!("../aws/common.ward")),
    ("std/aws/compute.ward", include_str!("../aws/compute.ward")),
    (
        "std/aws/containers.ward",
        include_str!("../aws/containers.ward"),
    ),
    (
        "std/aws/containers_runtime.ward",
        include_str!("../aws/containers_runtime.ward"),
    ),
    (
        "std/aws/credentials.ward",
        include_str!("../aws/credentials.ward"),
    ),
    (
        "std/aws/database.ward",
        include_str!("../aws/database.ward"),
    ),
    (
        "std/aws/datastores.ward",
        include_str!("../aws/datastores.ward"),
    ),
    (
        "std/aws/detection.ward",
        include_str!("../aws/detection.ward"),
    ),
    ("std/aws/edge.ward", include_str!("../aws/edge.ward")),
    (
        "std/aws/edge_api.ward",
        include_str!("../aws/edge_api.ward"),
    ),
    (
        "std/aws/edge_cdn.ward",
        include_str!("../aws/edge_cdn.ward"),
    ),
    (
        "std/aws/encryption.ward",
        include_str!("../aws/encryption.ward"),
    ),
    (
        "std/aws/firewall.ward",
        include_str!("../aws/firewall.ward"),
    ),
    ("std/aws/iam.ward", include_str!("../aws/iam.ward")),
    ("std/aws/keys.ward", include_str!("../aws/keys.ward")),
    ("std/aws/logging.ward", include_str!("../aws/logging.ward")),
    (
        "std/aws/messaging.ward",
        include_str!("../aws/messaging.ward"),
    ),
    ("std/aws/network.ward", include_str!("../aws/network.ward")),
    ("std/aws/rds.ward", include_str!("../aws/rds.ward")),
    (
        "std/aws/reliability.ward",
        include_str!("../aws/reliability.ward"),
    ),
    (
        "std/aws/resource_policies.ward",
        include_str!("../aws/resource_policies.ward"),
    ),
    ("std/aws/s3.ward", include_str!("../aws/s3.ward")),
    ("std/aws/secrets.ward", include_str!("../aws/secrets.ward")),
    ("std/aws/storage.ward", include_str!("../aws/storage.ward")),
    ("std/aws/tagging.ward", include_str!("../aws/tagging.ward")),
    ("std/aws/vpc.ward", include_str!("../aws/vpc.ward")),
];

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn every_file_on_disk_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("aws");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("stdlib folder")
            .map(|entry| {
                format!(
                    "std/aws/{}",
                    entry.expect("entry").file_name().to_string_lossy()
                )
            })
            .filter(|name| name.ends_with(".ward"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = FILES.iter().map(|(path, _)| path.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }
}
