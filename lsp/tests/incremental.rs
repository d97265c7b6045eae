//! An edit recomputes what it touches and nothing else: after a keystroke in
//! one policy, the editor's diagnostics of the other policies come from
//! memory.

use ward_lsp::ide::AnalysisHost;

fn executed(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|entry| entry.starts_with(&format!("{query}(")))
        .count()
}

#[test]
fn a_keystroke_reruns_only_the_edited_file() {
    let mut host = AnalysisHost::with_query_log();
    let policy = |message: &str| {
        format!(
            "package demo\n@id(\"D-1\") @severity(high)\nrule named for b in resources(\"AWS::S3::Bucket\") {{\n  require b.props.BucketNam != null message \"{message}\"\n}}\n"
        )
    };
    host.set_file("file:///a.ward", policy("{b} has no name"));
    host.set_file(
        "file:///b.ward",
        "package demo\n@id(\"D-2\") @severity(low)\nrule tagged for b in resources(\"AWS::S3::Bucket\") {\n  require count(as_list(b.props.Tags)) > 0\n}\n".to_string(),
    );
    let all = |host: &AnalysisHost| {
        let snapshot = host.snapshot();
        snapshot
            .files()
            .iter()
            .map(|file| snapshot.diagnostics(file))
            .collect::<Vec<_>>()
    };
    let first = all(&host);
    assert_eq!(first[0][0].code.as_str(), "W0601", "{:?}", first[0]);
    let log = host.take_query_log();
    assert_eq!(executed(&log, "schema_diagnostics"), 2, "{log:?}");
    assert_eq!(executed(&log, "analyze"), 2, "{log:?}");

    host.set_file("file:///a.ward", policy("{b} has no bucket name"));
    let second = all(&host);
    assert_eq!(first, second);
    let log = host.take_query_log();
    assert_eq!(executed(&log, "schema_diagnostics"), 1, "{log:?}");
    assert_eq!(executed(&log, "analyze"), 1, "{log:?}");
    assert_eq!(executed(&log, "parse"), 1, "{log:?}");
}
