//! The host against hand-written modules that follow `docs/abi.md`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ward_abi::{CheckKind, CheckMeta, Metadata, RuleMeta, Severity, SourceSpan};
use ward_model::{LoadOptions, load};
use ward_runtime::{
    Budget, Engine, EngineConfig, Input, ModuleCache, ModuleOrigin, Outcome, Policy, PolicyError,
    RuleErrorKind,
};

const COMMON: &str = include_str!("modules/common.wat");
const POLICY: &str = include_str!("modules/policy.wat");
const BAD_RESULTS: &str = include_str!("modules/bad_results.wat");

const FUEL: u64 = 20_000_000;
const MEMORY: usize = 16 << 20;

const TEMPLATE: &str = "\
Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - IpProtocol: tcp
          CidrIp: 10.0.0.0/8
        - IpProtocol: tcp
          CidrIp: 0.0.0.0/0
  Closed:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: closed
      SecurityGroupIngress:
        - CidrIp: 10.0.0.0/8
  Bucket:
    Type: AWS::S3::Bucket
";

fn span(line: u32) -> SourceSpan {
    SourceSpan {
        file: "test.ward".to_string(),
        start_line: line,
        start_column: 1,
        end_line: line,
        end_column: 10,
    }
}

fn rule(id: &str, title: &str) -> RuleMeta {
    RuleMeta {
        id: id.to_string(),
        name: id.to_lowercase().replace('-', "_"),
        package: "test".to_string(),
        severity: Severity::High,
        controls: vec!["CIS:5.2".to_string()],
        tags: Vec::new(),
        title: title.to_string(),
        description: String::new(),
        resource_types: vec!["AWS::EC2::SecurityGroup".to_string()],
        source: span(1),
        checks: vec![CheckMeta {
            kind: CheckKind::Deny,
            message: "{sg} is open".to_string(),
            source: span(2),
        }],
        level: ward_abi::Level::default(),
        formats: Vec::new(),
        checkov: Vec::new(),
        guard: Vec::new(),
    }
}

fn metadata(rules: &[(&str, &str)]) -> Metadata {
    Metadata {
        producer: "hand-written".to_string(),
        rules: rules.iter().map(|(id, title)| rule(id, title)).collect(),
        keys: vec![
            "AWS::EC2::SecurityGroup".to_string(),
            "SecurityGroupIngress".to_string(),
            "CidrIp".to_string(),
        ],
        regex_count: 0,
        uses_root: false,
        params: Vec::new(),
    }
}

fn four_rules() -> Metadata {
    metadata(&[
        ("NET-001", "Security groups must not open SSH to the world"),
        ("LOOP-001", "Loops"),
        ("MEM-001", "Grows"),
        ("DOC-001", "The first resource is undecided"),
    ])
}

/// Appends a custom section to a module.
fn with_section(mut wasm: Vec<u8>, name: &str, payload: &[u8]) -> Vec<u8> {
    let mut content = Vec::new();
    leb(&mut content, name.len());
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    wasm.push(0);
    leb(&mut wasm, content.len());
    wasm.extend_from_slice(&content);
    wasm
}

fn leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn assemble(wat: &str) -> Vec<u8> {
    wat::parse_str(wat.replace("(;COMMON;)", COMMON)).unwrap()
}

fn module(wat: &str, metadata: &Metadata) -> Vec<u8> {
    with_section(assemble(wat), "ward.meta", &metadata.encode())
}

fn config() -> EngineConfig {
    EngineConfig {
        budget: Budget::Fuel(FUEL),
        memory_limit: MEMORY,
        max_instances: 16,
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    }
}

fn engine() -> Engine {
    Engine::new(config()).unwrap()
}

fn input(text: &str) -> Input {
    Input::new(load("template.yaml", text.as_bytes(), &LoadOptions::default()).unwrap())
}

fn load_error(wasm: &[u8]) -> String {
    Policy::load(&engine(), wasm).unwrap_err().to_string()
}

#[test]
fn a_finding_is_located_at_the_input_node_and_bad_rules_do_not_hide_good_ones() {
    let policy = Policy::load(&engine(), &module(POLICY, &four_rules())).unwrap();
    let input = input(TEMPLATE);
    let report = policy.evaluate(&input);

    assert_eq!(report.findings.len(), 2, "{report:#?}");
    let finding = &report.findings[0];
    assert_eq!(&*finding.rule, "NET-001");
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(finding.outcome, Outcome::Fail);
    assert_eq!(&*finding.resource, "Open");
    assert_eq!(&*finding.resource_type, "AWS::EC2::SecurityGroup");
    assert_eq!(
        finding.path,
        "$.Resources.Open.Properties.SecurityGroupIngress[1]"
    );
    assert_eq!(finding.message, "SSH open to the world");
    assert_eq!(&*finding.file, "template.yaml");
    assert_eq!((finding.line, finding.column), (9, 11));

    // Rule 3 ran after two traps, on a fresh instance; the host found the
    // resource from the node id and used the title for the empty message.
    let located_by_node = &report.findings[1];
    assert_eq!(&*located_by_node.rule, "DOC-001");
    assert_eq!(located_by_node.outcome, Outcome::Unknown);
    assert_eq!(&*located_by_node.resource, "Open");
    assert_eq!(located_by_node.path, "$.Resources.Open");
    assert_eq!(located_by_node.message, "The first resource is undecided");
    let open = &input.document().resources[0];
    assert_eq!(
        (located_by_node.line, located_by_node.column),
        (open.pos.line, open.pos.column)
    );

    assert_eq!(report.errors.len(), 2);
    assert_eq!(report.errors[0].rule, "LOOP-001");
    assert_eq!(report.errors[0].kind, RuleErrorKind::OutOfFuel);
    assert_eq!(
        report.errors[0].message,
        format!("rule `LOOP-001` ran out of fuel (limit {FUEL})")
    );
    assert_eq!(report.errors[1].rule, "MEM-001");
    assert_eq!(report.errors[1].kind, RuleErrorKind::MemoryLimit);
    assert!(
        report.errors[1]
            .message
            .starts_with("rule `MEM-001` exceeded the memory limit"),
        "{}",
        report.errors[1].message
    );
    assert!(
        report.errors[1]
            .message
            .contains(&format!("the limit is {MEMORY} bytes"))
    );

    assert_eq!(report.outcome("NET-001", Some(0)), Some(Outcome::Fail));
    assert_eq!(report.outcome("NET-001", Some(1)), Some(Outcome::Pass));
    assert_eq!(report.outcome("NET-001", Some(2)), None);
    assert_eq!(report.outcome("DOC-001", None), Some(Outcome::Unknown));
    let summary = &report.summary;
    assert_eq!(
        (
            summary.rules,
            summary.resources,
            summary.pass,
            summary.fail,
            summary.unknown
        ),
        (4, 3, 1, 1, 1)
    );
    assert_eq!((summary.findings, summary.errors), (2, 2));

    // One instance for rules 0 and 1, a new one after each trap.
    assert_eq!(policy.stats().instantiations, 3);
}

#[test]
fn a_time_budget_stops_a_rule_that_loops_and_the_others_report() {
    let limit = Duration::from_millis(200);
    let engine = Engine::new(EngineConfig {
        budget: Budget::Time(limit),
        ..config()
    })
    .unwrap();
    let policy = Policy::load(&engine, &module(POLICY, &four_rules())).unwrap();
    let started = Instant::now();
    let report = policy.evaluate(&input(TEMPLATE));
    let elapsed = started.elapsed();

    let rules: Vec<&str> = report.findings.iter().map(|f| &*f.rule).collect();
    assert_eq!(rules, ["NET-001", "DOC-001"], "{report:#?}");
    let error = &report.errors[0];
    assert_eq!(&*error.rule, "LOOP-001");
    assert_eq!(error.kind, RuleErrorKind::Timeout);
    assert_eq!(
        error.message,
        "rule `LOOP-001` ran out of time (limit 200 ms)"
    );
    assert_eq!(report.errors[1].kind, RuleErrorKind::MemoryLimit);
    // Stopped after its time, not long after (generous for a loaded machine).
    assert!(elapsed >= limit, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn the_default_budget_is_time() {
    assert_eq!(
        EngineConfig::default().budget,
        Budget::Time(Budget::DEFAULT_TIME)
    );
    // A rule that finishes well within its time reports normally.
    let engine = Engine::new(EngineConfig {
        budget: Budget::default(),
        ..config()
    })
    .unwrap();
    let policy = Policy::load(&engine, &module(POLICY, &metadata(&[("NET-001", "t")]))).unwrap();
    let report = policy.evaluate(&input(TEMPLATE));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.findings.len(), 1);
}

#[test]
fn instances_and_written_inputs_are_reused() {
    let policy = Policy::load(&engine(), &module(POLICY, &metadata(&[("NET-001", "t")]))).unwrap();
    let first = input(TEMPLATE);
    let second = input(&TEMPLATE.replace("0.0.0.0/0", "10.1.0.0/16"));
    assert_eq!(policy.evaluate(&first).findings.len(), 1);
    assert_eq!(policy.evaluate(&first).findings.len(), 1);
    assert_eq!(policy.evaluate(&second).findings.len(), 0);
    assert_eq!(policy.evaluate(&first).findings.len(), 1);
    let stats = policy.stats();
    assert_eq!(stats.instantiations, 1);
    assert_eq!(stats.input_writes, 3);
    assert_eq!(stats.evaluations, 4);
}

#[test]
fn without_idle_instances_every_evaluation_instantiates() {
    let engine = Engine::new(EngineConfig {
        idle_instances_per_policy: 0,
        ..config()
    })
    .unwrap();
    let policy = Policy::load(&engine, &module(POLICY, &metadata(&[("NET-001", "t")]))).unwrap();
    let input = input(TEMPLATE);
    policy.evaluate(&input);
    policy.evaluate(&input);
    assert_eq!(policy.stats().instantiations, 2);
}

#[test]
fn evaluation_is_shared_between_threads() {
    let policy = Policy::load(&engine(), &module(POLICY, &metadata(&[("NET-001", "t")]))).unwrap();
    let input = input(TEMPLATE);
    let expected = policy.evaluate(&input);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| policy.evaluate(&input)))
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), expected);
        }
    });
}

#[test]
fn a_selection_of_rules_is_evaluated_and_reports_merge() {
    let policy = Policy::load(&engine(), &module(POLICY, &four_rules())).unwrap();
    let input = input(TEMPLATE);
    let first = policy.evaluate_rules(&input, &[3, 0, 99]);
    assert_eq!(first.summary.rules, 2);
    let rules: Vec<&str> = first
        .findings
        .iter()
        .map(|finding| &*finding.rule)
        .collect();
    assert_eq!(rules, ["DOC-001", "NET-001"]);
    assert!(first.errors.is_empty());
    let mut merged = first.clone();
    merged.merge(policy.evaluate_rules(&input, &[1]));
    assert_eq!(merged.summary.rules, 3);
    assert_eq!(merged.summary.errors, 1);
    assert_eq!(merged.summary.findings, 2);
    assert_eq!(merged.summary.resources, 3);
}

#[test]
fn rules_are_listed_without_running() {
    let wasm = module(POLICY, &four_rules());
    let metadata = ward_runtime::read_metadata(&wasm).unwrap();
    assert_eq!(metadata, four_rules());
    let policy = Policy::load(&engine(), &wasm).unwrap();
    let ids: Vec<&str> = policy.rules().iter().map(|rule| rule.id.as_str()).collect();
    assert_eq!(ids, ["NET-001", "LOOP-001", "MEM-001", "DOC-001"]);
    assert_eq!(policy.stats().instantiations, 0);
    assert_eq!(policy.module_hash().len(), 64);
}

#[test]
fn results_that_break_the_contract_are_errors_of_their_rule() {
    let metadata = metadata(&[
        ("BAD-1", "a"),
        ("BAD-2", "b"),
        ("BAD-3", "c"),
        ("GOOD", "d"),
    ]);
    let policy = Policy::load(&engine(), &module(BAD_RESULTS, &metadata)).unwrap();
    let report = policy.evaluate(&input(TEMPLATE));
    let errors: Vec<(&str, RuleErrorKind, &str)> = report
        .errors
        .iter()
        .map(|error| (error.rule.as_str(), error.kind, error.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "BAD-1",
                RuleErrorKind::InvalidResults,
                "rule `BAD-1` wrote invalid results: the finding list ends after 1 of 2 records"
            ),
            (
                "BAD-2",
                RuleErrorKind::Trap,
                "rule `BAD-2` trapped: wasm trap: wasm `unreachable` instruction executed"
            ),
            (
                "BAD-3",
                RuleErrorKind::Module,
                "rule `BAD-3` failed: no such thing"
            ),
        ]
    );
    assert!(report.findings.is_empty());
    assert_eq!(report.summary.errors, 3);
}

#[test]
fn an_input_larger_than_the_memory_limit_fails_every_rule_clearly() {
    let engine = Engine::new(EngineConfig {
        memory_limit: 64 * 1024,
        ..config()
    })
    .unwrap();
    let policy = Policy::load(
        &engine,
        &module(POLICY, &metadata(&[("NET-001", "t"), ("NET-002", "u")])),
    )
    .unwrap();
    let mut template = String::from("Resources:\n");
    for index in 0..400 {
        template.push_str(&format!(
            "  Group{index}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: group number {index}\n"
        ));
    }
    let report = policy.evaluate(&input(&template));
    assert_eq!(report.errors.len(), 2);
    for error in &report.errors {
        assert_eq!(error.kind, RuleErrorKind::MemoryLimit);
        assert!(
            error
                .message
                .contains("was not evaluated: the encoded input takes")
                && error
                    .message
                    .ends_with("more than the memory limit of 65536 bytes allows"),
            "{}",
            error.message
        );
    }
}

#[test]
fn a_module_that_cannot_be_instantiated_fails_every_rule_clearly() {
    // 300 pages are more than the 16 MiB limit.
    let big = POLICY.replace(
        "(;COMMON;)",
        &COMMON.replace(
            "(memory (export \"memory\") 1)",
            "(memory (export \"memory\") 300)",
        ),
    );
    let wasm = with_section(
        wat::parse_str(big).unwrap(),
        "ward.meta",
        &four_rules().encode(),
    );
    // The pooling allocator refuses such a module when it is loaded.
    let pooled = engine();
    assert!(pooled.uses_pooling());
    let message = Policy::load(&pooled, &wasm).unwrap_err().to_string();
    assert!(message.contains("exceeds the limit"), "{message}");
    // Without it, instantiation fails, and every rule says so.
    let on_demand = Engine::new(EngineConfig {
        pooling: false,
        ..config()
    })
    .unwrap();
    let policy = Policy::load(&on_demand, &wasm).unwrap();
    let report = policy.evaluate(&input(TEMPLATE));
    assert_eq!(report.errors.len(), 4);
    assert!(
        report
            .errors
            .iter()
            .all(|error| error.kind == RuleErrorKind::Instantiate)
    );
    assert!(
        report.errors[0]
            .message
            .starts_with("rule `NET-001` was not evaluated: the module cannot be instantiated: "),
        "{}",
        report.errors[0].message
    );
    assert!(report.findings.is_empty());
}

#[test]
fn wrong_metadata_magic_or_version_is_refused_clearly() {
    let mut bytes = metadata(&[("NET-001", "t")]).encode();
    bytes[1] = b'W';
    let wasm = with_section(assemble(POLICY), "ward.meta", &bytes);
    assert_eq!(
        load_error(&wasm),
        "the `ward.meta` section starts with 00 57 61 72 64 6d 65 74 instead of the ward metadata magic 00 77 61 72 64 6d 65 74"
    );
    assert!(matches!(
        Policy::load(&engine(), &wasm),
        Err(PolicyError::Metadata(ward_abi::MetaError::BadMagic { .. }))
    ));

    let mut bytes = metadata(&[("NET-001", "t")]).encode();
    bytes[8..12].copy_from_slice(&9u32.to_le_bytes());
    let wasm = with_section(assemble(POLICY), "ward.meta", &bytes);
    assert_eq!(
        load_error(&wasm),
        "the module was compiled for ward ABI version 9, this runtime supports version 4"
    );
}

#[test]
fn modules_outside_the_contract_are_refused_clearly() {
    let meta = metadata(&[("NET-001", "t")]);
    assert_eq!(
        load_error(&assemble(POLICY)),
        "the module has no `ward.meta` section: it was not compiled by ward"
    );
    let twice = with_section(module(POLICY, &meta), "ward.meta", &meta.encode());
    assert_eq!(
        load_error(&twice),
        "the module has more than one `ward.meta` section"
    );
    assert!(load_error(b"not wasm at all").starts_with("not a webassembly module: "));

    let importing = module(
        r#"(module (import "env" "clock" (func)) (;COMMON;)
             (func (export "ward_eval") (param i32 i32 i32) (result i32) (i32.const 0)))"#,
        &meta,
    );
    assert_eq!(
        load_error(&importing),
        "the module imports `env.clock`, but a ward policy module must not import anything"
    );
    let no_eval = module("(module (;COMMON;))", &meta);
    assert_eq!(
        load_error(&no_eval),
        "the module's export `ward_eval` is missing, expected a function (i32, i32, i32) -> (i32)"
    );
    let wrong_type = module(
        r#"(module (;COMMON;) (func (export "ward_eval") (param i32) (result i32) (i32.const 0)))"#,
        &meta,
    );
    assert_eq!(
        load_error(&wrong_type),
        "the module's export `ward_eval` has type (i32) -> (i32), expected (i32, i32, i32) -> (i32)"
    );
    let no_memory = module(
        r#"(module (func (export "ward_reset")) (func (export "ward_alloc") (param i32) (result i32) (i32.const 8))
             (func (export "ward_eval") (param i32 i32 i32) (result i32) (i32.const 0)))"#,
        &meta,
    );
    assert_eq!(
        load_error(&no_memory),
        "the module's export `memory` is missing"
    );
    let invalid = with_section(
        vec![
            0, b'a', b's', b'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 10, 4, 1, 2, 0, 0x6A,
        ],
        "ward.meta",
        &meta.encode(),
    );
    let message = load_error(&invalid);
    assert!(
        message.starts_with("not a webassembly module")
            || message.starts_with("the module does not compile"),
        "{message}"
    );
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("ward-runtime-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The cache folder of a test.
fn cache_dir(dir: &TempDir) -> PathBuf {
    dir.0.join("cache")
}

/// The cache key of a test, outside its cache folder.
fn key_file(dir: &TempDir) -> PathBuf {
    dir.0.join("config").join("ward").join("cache-key")
}

fn keyed(dir: &TempDir) -> ModuleCache {
    ModuleCache::Keyed {
        directory: cache_dir(dir),
        key_file: key_file(dir),
    }
}

fn cached_engine(dir: &TempDir) -> Engine {
    Engine::new(EngineConfig {
        cache: keyed(dir),
        ..config()
    })
    .unwrap()
}

fn cache_files(dir: &TempDir) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache_dir(dir))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn compiled_modules_are_cached_on_disk_and_corrupt_entries_rebuilt() {
    let dir = TempDir::new("cache");
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    let input = input(TEMPLATE);

    let engine = cached_engine(&dir);
    assert_eq!(engine.cache_dir(), Some(cache_dir(&dir).as_path()));
    let policy = Policy::load(&engine, &wasm).unwrap();
    assert_eq!(policy.origin(), ModuleOrigin::Compiled);
    let expected = policy.evaluate(&input);
    assert_eq!(expected.findings.len(), 1);
    assert_eq!(
        Policy::load(&engine, &wasm).unwrap().origin(),
        ModuleOrigin::MemoryCache
    );
    let files = cache_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|ext| ext == "cwasm"));

    // A new engine (a new process, say) finds the entry on disk.
    let policy = Policy::load(&cached_engine(&dir), &wasm).unwrap();
    assert_eq!(policy.origin(), ModuleOrigin::DiskCache);
    assert_eq!(policy.evaluate(&input), expected);

    // Another module gets another entry.
    let other = module(POLICY, &metadata(&[("NET-002", "t")]));
    assert_eq!(
        Policy::load(&cached_engine(&dir), &other).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert_eq!(cache_files(&dir).len(), 2);
    std::fs::remove_file(
        cache_files(&dir)
            .into_iter()
            .find(|file| *file != files[0])
            .unwrap(),
    )
    .unwrap();

    // Corrupt entries: a flipped byte, a truncated file, garbage. Each is
    // ignored, the module compiled again and the entry rewritten.
    let entry = &files[0];
    let good = std::fs::read(entry).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    for corrupt in [
        flipped,
        good[..good.len() / 3].to_vec(),
        b"garbage".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(entry, &corrupt).unwrap();
        let policy = Policy::load(&cached_engine(&dir), &wasm).unwrap();
        assert_eq!(policy.origin(), ModuleOrigin::Compiled);
        assert_eq!(policy.evaluate(&input), expected);
        assert_eq!(std::fs::read(entry).unwrap(), good);
        assert_eq!(
            Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
            ModuleOrigin::DiskCache
        );
    }

    // An engine with another configuration does not use these entries.
    let other_engine = Engine::new(EngineConfig {
        cache: keyed(&dir),
        pooling: false,
        memory_limit: 1 << 20,
        ..config()
    })
    .unwrap();
    let origin = Policy::load(&other_engine, &wasm).unwrap().origin();
    assert!(matches!(
        origin,
        ModuleOrigin::Compiled | ModuleOrigin::DiskCache
    ));
}

#[test]
fn an_unwritable_cache_directory_only_costs_compilation() {
    let dir = TempDir::new("unwritable");
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(cache_dir(&dir), b"a file where the directory should be").unwrap();
    let engine = cached_engine(&dir);
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    assert_eq!(
        Policy::load(&engine, &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert_eq!(policy_findings(&engine, &wasm), 1);
    assert!(
        engine
            .cache_notes()
            .iter()
            .any(|note| note.contains("is not a folder")),
        "{:?}",
        engine.cache_notes()
    );
}

fn policy_findings(engine: &Engine, wasm: &[u8]) -> usize {
    Policy::load(engine, wasm)
        .unwrap()
        .evaluate(&input(TEMPLATE))
        .findings
        .len()
}

/// Sets a file's modification time, which orders eviction.
fn set_age(path: &std::path::Path, age: Duration) {
    std::fs::File::options()
        .append(true)
        .open(path)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

fn noted(engine: &Engine, text: &str) -> bool {
    engine.cache_notes().iter().any(|note| note.contains(text))
}

#[test]
fn a_tampered_entry_is_never_loaded() {
    let dir = TempDir::new("tampered");
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    let input = input(TEMPLATE);
    let engine = cached_engine(&dir);
    let expected = Policy::load(&engine, &wasm).unwrap().evaluate(&input);
    let files = cache_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let entry = &files[0];
    let good = std::fs::read(entry).unwrap();
    // One byte anywhere: the header, the tag, the native code, the end.
    for position in [0, 8, 39, 40, good.len() / 2, good.len() - 1] {
        let mut tampered = good.clone();
        tampered[position] ^= 0x01;
        std::fs::write(entry, &tampered).unwrap();
        let engine = cached_engine(&dir);
        let policy = Policy::load(&engine, &wasm).unwrap();
        assert_eq!(policy.origin(), ModuleOrigin::Compiled, "byte {position}");
        assert_eq!(policy.evaluate(&input), expected);
        assert!(
            noted(&engine, "compiled again"),
            "{:?}",
            engine.cache_notes()
        );
        // The entry was overwritten with a good one.
        assert_eq!(std::fs::read(entry).unwrap(), good);
    }
    assert_eq!(
        Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
        ModuleOrigin::DiskCache
    );
}

#[test]
fn an_entry_moved_to_another_module_or_written_with_another_key_is_rejected() {
    let dir = TempDir::new("swapped");
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    // The same rule id, other code: this one writes invalid results.
    let other = module(BAD_RESULTS, &metadata(&[("NET-001", "t")]));
    let input = input(TEMPLATE);
    let engine = cached_engine(&dir);
    let expected = Policy::load(&engine, &wasm).unwrap().evaluate(&input);
    assert_eq!(expected.findings.len(), 1);
    assert!(expected.errors.is_empty());
    let entry = cache_files(&dir).remove(0);
    let good = std::fs::read(&entry).unwrap();
    Policy::load(&engine, &other).unwrap();
    let other_entry = cache_files(&dir)
        .into_iter()
        .find(|file| *file != entry)
        .unwrap();

    // The other module's valid entry under this module's name.
    std::fs::copy(&other_entry, &entry).unwrap();
    let engine = cached_engine(&dir);
    let policy = Policy::load(&engine, &wasm).unwrap();
    assert_eq!(policy.origin(), ModuleOrigin::Compiled);
    assert_eq!(policy.evaluate(&input), expected);
    assert!(
        noted(&engine, "does not verify"),
        "{:?}",
        engine.cache_notes()
    );
    assert_eq!(std::fs::read(&entry).unwrap(), good);

    // Entries written under another user's key (another key file).
    let stranger = Engine::new(EngineConfig {
        cache: ModuleCache::Keyed {
            directory: cache_dir(&dir),
            key_file: dir.0.join("stranger").join("cache-key"),
        },
        ..config()
    })
    .unwrap();
    let policy = Policy::load(&stranger, &wasm).unwrap();
    assert_eq!(policy.origin(), ModuleOrigin::Compiled);
    assert_eq!(policy.evaluate(&input), expected);
    assert_ne!(
        std::fs::read(key_file(&dir)).unwrap(),
        std::fs::read(dir.0.join("stranger").join("cache-key")).unwrap()
    );
    // The stranger overwrote the entry: this user refuses it in turn.
    assert_eq!(
        Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
}

#[cfg(unix)]
#[test]
fn a_cache_folder_others_may_write_to_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("shared-folder");
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    let other = module(POLICY, &metadata(&[("NET-002", "t")]));
    assert_eq!(
        Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    // The runtime made the folder private.
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&cache_dir(&dir)), 0o700);
    let files = cache_files(&dir);
    for shared in [0o770, 0o707, 0o777, 0o720] {
        std::fs::set_permissions(cache_dir(&dir), std::fs::Permissions::from_mode(shared)).unwrap();
        let engine = cached_engine(&dir);
        // A valid entry is not loaded from it, and nothing is written to it.
        let policy = Policy::load(&engine, &wasm).unwrap();
        assert_eq!(policy.origin(), ModuleOrigin::Compiled, "{shared:o}");
        assert_eq!(policy.evaluate(&input(TEMPLATE)).findings.len(), 1);
        assert_eq!(
            Policy::load(&engine, &other).unwrap().origin(),
            ModuleOrigin::Compiled
        );
        assert_eq!(cache_files(&dir), files);
        assert!(
            noted(&engine, "writable by other users"),
            "{:?}",
            engine.cache_notes()
        );
    }
    // Read access for others is no risk: the folder is used.
    std::fs::set_permissions(cache_dir(&dir), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
        ModuleOrigin::DiskCache
    );
}

#[cfg(unix)]
#[test]
fn the_key_is_created_private_and_a_key_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("key");
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    let engine = cached_engine(&dir);
    assert_eq!(
        Policy::load(&engine, &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert!(
        engine.cache_notes().is_empty(),
        "{:?}",
        engine.cache_notes()
    );
    let key = key_file(&dir);
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    let text = std::fs::read_to_string(&key).unwrap();
    let digits = text.trim_end();
    assert_eq!(digits.len(), 64, "{text:?}");
    assert!(digits.bytes().all(|byte| byte.is_ascii_hexdigit()));
    // The key stays: a later run uses the entry.
    assert_eq!(
        Policy::load(&cached_engine(&dir), &wasm).unwrap().origin(),
        ModuleOrigin::DiskCache
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);

    for shared in [0o640, 0o604, 0o620, 0o666] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(shared)).unwrap();
        let engine = cached_engine(&dir);
        let policy = Policy::load(&engine, &wasm).unwrap();
        assert_eq!(policy.origin(), ModuleOrigin::Compiled, "{shared:o}");
        assert_eq!(policy.evaluate(&input(TEMPLATE)).findings.len(), 1);
        assert!(
            noted(&engine, "the cache key"),
            "{:?}",
            engine.cache_notes()
        );
        // The key was neither used nor replaced.
        assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
    }
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();

    // A key file that holds no key is refused too, and left alone.
    std::fs::write(&key, "not a key\n").unwrap();
    let engine = cached_engine(&dir);
    assert_eq!(
        Policy::load(&engine, &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert!(
        noted(&engine, "64 hexadecimal digits"),
        "{:?}",
        engine.cache_notes()
    );
    assert_eq!(std::fs::read_to_string(&key).unwrap(), "not a key\n");
}

#[test]
fn without_a_key_the_run_compiles_in_memory() {
    let dir = TempDir::new("no-key");
    std::fs::create_dir_all(&dir.0).unwrap();
    let blocker = dir.0.join("config");
    std::fs::write(&blocker, b"a file where the key's folder should be").unwrap();
    let wasm = module(POLICY, &metadata(&[("NET-001", "t")]));
    let engine = cached_engine(&dir);
    for _ in 0..2 {
        let engine = cached_engine(&dir);
        let policy = Policy::load(&engine, &wasm).unwrap();
        assert_eq!(policy.origin(), ModuleOrigin::Compiled);
        assert_eq!(policy.evaluate(&input(TEMPLATE)).findings.len(), 1);
        assert!(
            noted(&engine, "the cache key"),
            "{:?}",
            engine.cache_notes()
        );
    }
    // Nothing was written without a key.
    assert!(!cache_dir(&dir).exists());
    // Nor with a key inside the cache, which whoever writes the cache
    // could replace.
    let inside = Engine::new(EngineConfig {
        cache: ModuleCache::Keyed {
            directory: cache_dir(&dir),
            key_file: cache_dir(&dir).join("cache-key"),
        },
        ..config()
    })
    .unwrap();
    assert_eq!(
        Policy::load(&inside, &wasm).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert!(
        noted(&inside, "inside the cache folder"),
        "{:?}",
        inside.cache_notes()
    );
    assert!(!cache_dir(&dir).exists());
    // The engine's memory cache still serves.
    Policy::load(&engine, &wasm).unwrap();
    assert_eq!(
        Policy::load(&engine, &wasm).unwrap().origin(),
        ModuleOrigin::MemoryCache
    );
}

#[test]
fn eviction_keeps_the_cache_within_its_bound_and_keeps_what_was_used() {
    let dir = TempDir::new("evict");
    let modules: Vec<Vec<u8>> = ["NET-001", "NET-002", "NET-003", "NET-004"]
        .iter()
        .map(|id| module(POLICY, &metadata(&[(id, "t")])))
        .collect();
    // Measure an entry with an unbounded cache.
    Policy::load(&cached_engine(&dir), &modules[0]).unwrap();
    let size = std::fs::metadata(&cache_files(&dir)[0]).unwrap().len();
    std::fs::remove_dir_all(cache_dir(&dir)).unwrap();

    // Room for two entries and a half.
    let limit = size * 5 / 2;
    let bounded = || {
        Engine::new(EngineConfig {
            cache: keyed(&dir),
            cache_limit: limit,
            ..config()
        })
        .unwrap()
    };
    let total = || -> u64 {
        cache_files(&dir)
            .iter()
            .map(|file| std::fs::metadata(file).unwrap().len())
            .sum()
    };
    let entry_of = |wasm: &[u8], before: &[PathBuf]| -> PathBuf {
        Policy::load(&bounded(), wasm).unwrap();
        let after = cache_files(&dir);
        after
            .into_iter()
            .find(|file| !before.contains(file))
            .unwrap()
    };
    let a = entry_of(&modules[0], &[]);
    set_age(&a, Duration::from_secs(300));
    let b = entry_of(&modules[1], &cache_files(&dir));
    set_age(&b, Duration::from_secs(200));
    assert_eq!(cache_files(&dir).len(), 2);
    // Using A makes it the most recent: B is now the least recently used.
    assert_eq!(
        Policy::load(&bounded(), &modules[0]).unwrap().origin(),
        ModuleOrigin::DiskCache
    );
    let c = entry_of(&modules[2], &cache_files(&dir));
    let mut expected = vec![a.clone(), c.clone()];
    expected.sort();
    assert_eq!(cache_files(&dir), expected);
    assert!(total() <= limit, "{} > {limit}", total());
    set_age(&c, Duration::from_secs(100));
    set_age(&a, Duration::from_secs(150));
    let d = entry_of(&modules[3], &cache_files(&dir));
    let mut expected = vec![c, d];
    expected.sort();
    assert_eq!(cache_files(&dir), expected);
    assert!(total() <= limit, "{} > {limit}", total());

    // A module larger than the whole bound is not cached at all.
    std::fs::remove_dir_all(cache_dir(&dir)).unwrap();
    let tiny = Engine::new(EngineConfig {
        cache: keyed(&dir),
        cache_limit: size / 2,
        ..config()
    })
    .unwrap();
    assert_eq!(
        Policy::load(&tiny, &modules[0]).unwrap().origin(),
        ModuleOrigin::Compiled
    );
    assert!(
        noted(&tiny, "larger than the cache's bound"),
        "{:?}",
        tiny.cache_notes()
    );
    assert!(!cache_dir(&dir).exists());
}

#[test]
fn concurrent_processes_share_entries_safely() {
    let dir = TempDir::new("concurrent");
    let modules: Vec<Vec<u8>> = ["NET-001", "NET-002"]
        .iter()
        .map(|id| module(POLICY, &metadata(&[(id, "t")])))
        .collect();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let modules = &modules;
            let dir = &dir;
            scope.spawn(move || {
                for round in 0..3 {
                    // A new engine each time, as a new process would.
                    let engine = cached_engine(dir);
                    let wasm = &modules[(thread + round) % 2];
                    assert_eq!(policy_findings(&engine, wasm), 1);
                    assert!(
                        engine.cache_notes().is_empty(),
                        "{:?}",
                        engine.cache_notes()
                    );
                }
            });
        }
    });
    // Every entry is whole, and no temporary file is left.
    let files = cache_files(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    for wasm in &modules {
        assert_eq!(
            Policy::load(&cached_engine(&dir), wasm).unwrap().origin(),
            ModuleOrigin::DiskCache
        );
    }
}

#[test]
fn the_report_serialises_to_json() {
    let policy = Policy::load(&engine(), &module(POLICY, &four_rules())).unwrap();
    let report = policy.evaluate(&input(TEMPLATE));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["findings"][0]["rule"], "NET-001");
    assert_eq!(json["findings"][0]["severity"], "high");
    assert_eq!(json["findings"][0]["outcome"], "fail");
    assert_eq!(json["errors"][0]["kind"], "out_of_fuel");
    assert_eq!(json["summary"]["fail"], 1);
    assert_eq!(json["outcomes"][0]["outcome"], "fail");
}
