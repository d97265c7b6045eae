//! The protocol shell: documents, the workspace on disk, settings, and the
//! dispatch of every request to the `ide` layer on a snapshot.
//!
//! The one [`AnalysisHost`] lives behind a mutex that is held only to apply
//! an edit or take a snapshot. Requests run on snapshots in the blocking
//! thread pool; an edit cancels them (salsa unwinds them with `Cancelled`)
//! and they answer "content modified". Any other panic is caught and turned
//! into an internal error, so the server keeps running.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService};

use crate::ide::{
    AnalysisHost, FilePosition, FormatOutcome, InputDiagnosticKind, Judgement, JudgingSet,
    Policies, SampleTemplate, Snapshot,
};
use crate::to_proto::{self, RUN_RULE_COMMAND, Ranges};

/// Serves the protocol on `input` and `output` until `exit` or the end of
/// the input.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(Backend::new);
    tower_lsp_server::Server::new(input, output, socket)
        .serve(service)
        .await;
}

/// What the client can do, as far as the answers depend on it.
#[derive(Clone, Debug, Default)]
struct ClientFlags {
    snippets: bool,
    related_information: bool,
    configuration: bool,
    watch_files: bool,
    /// VS Code runs the lens command through its own `ward.runRuleOnSample`,
    /// which shows the result; other editors send `ward.runRule` to the
    /// server.
    vscode: bool,
}

#[derive(Debug)]
struct Document {
    version: i32,
    text: String,
}

/// An open input (a template, a plan, Config items): judged by the
/// policies, never part of the compiler's workspace.
#[derive(Debug)]
struct InputDocument {
    version: i32,
    text: String,
    /// Counts the judgements asked for; one that is no longer the newest
    /// is abandoned.
    generation: Arc<AtomicU64>,
    /// The newest judgement published, for hover and quick fixes.
    judgement: Option<Arc<Judgement>>,
}

#[derive(Debug, Default)]
struct State {
    host: AnalysisHost,
    /// Open buffers by URI; they override the files on disk.
    documents: HashMap<String, Document>,
    /// Open inputs by URI.
    inputs: HashMap<String, InputDocument>,
    /// The judging policies compiled at a revision.
    policies: Option<(u64, Policies)>,
    /// Which policies judge inputs (from `ward.toml`, else all).
    judging: JudgingSet,
    /// The workspace folders.
    roots: Vec<PathBuf>,
    client: ClientFlags,
    /// `ward.sampleTemplate` as last configured.
    sample_template: Option<String>,
    /// `ward.stdlibDirectory`: where the standard library's sources are
    /// written for the editor to open (default: under the cache
    /// directory).
    stdlib_directory: Option<PathBuf>,
    /// Counts edits, so that diagnostics computed for an older revision are
    /// not published after newer ones.
    revision: u64,
}

#[derive(Debug, Default)]
struct Published {
    revision: u64,
    diagnostics: HashMap<String, Vec<ward_compiler::Diagnostic>>,
}

#[derive(Debug)]
struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    published: Arc<tokio::sync::Mutex<Published>>,
    /// Held while an input's diagnostics are checked for staleness and
    /// published, so that an older judgement never overwrites a newer one.
    publishing_inputs: Arc<tokio::sync::Mutex<()>>,
}

/// How long the policies must stay unedited before they are compiled to
/// WebAssembly: compiling after every keystroke in a policy would only
/// take the processor from the evaluations.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// The engine that runs the compiled policies, started on first use; `None`
/// when it cannot start (the reference evaluator then judges).
fn engine() -> Option<&'static ward_runtime::Engine> {
    static ENGINE: std::sync::OnceLock<Option<ward_runtime::Engine>> = std::sync::OnceLock::new();
    ENGINE
        .get_or_init(|| ward_runtime::Engine::new(ward_runtime::EngineConfig::default()).ok())
        .as_ref()
}

/// Compiles the judging policies of `revision` in the background once the
/// policies have stayed unedited for [`SETTLE`]; the judgements after it
/// run the compiled module. Until then (and if compiling fails) the
/// reference evaluator judges, with the same results.
fn compile_when_settled(
    state: Arc<Mutex<State>>,
    client: Client,
    revision: u64,
    policies: Policies,
) {
    let runtime = tokio::runtime::Handle::try_current().ok();
    std::thread::spawn(move || {
        std::thread::sleep(SETTLE);
        let current = state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .revision;
        if current == revision
            && let Some(engine) = engine()
        {
            policies.compile(engine);
            if policies.is_compiled()
                && let Some(runtime) = runtime
            {
                let message = format!(
                    "ward: {} rules compiled for judging inputs",
                    policies.rule_count()
                );
                runtime.spawn(async move {
                    client.log_message(lsp::MessageType::INFO, message).await;
                });
            }
        }
    });
}

/// Which policies judge inputs: those the first workspace folder's
/// `ward.toml` names (`policies`, with the standard library when it names
/// none or sets `stdlib`), as `ward check` run there reads them; every
/// policy file and the standard library without one. A configuration file
/// that does not parse is said (the second value) and left aside.
fn judging_set(roots: &[PathBuf]) -> (JudgingSet, Option<String>) {
    let Some(root) = roots.first() else {
        return (JudgingSet::default(), None);
    };
    let path = root.join(ward_config::FILE_NAME);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return (JudgingSet::default(), None);
    };
    match ward_config::parse(&text) {
        Ok(config) if config.policies.is_empty() => (
            JudgingSet {
                policies: Some(Vec::new()),
                stdlib: true,
            },
            None,
        ),
        Ok(config) => {
            let policies = config
                .policies
                .iter()
                .filter_map(|policy| key_of_path(&root.join(policy)))
                .collect();
            (
                JudgingSet {
                    policies: Some(policies),
                    stdlib: config.stdlib,
                },
                None,
            )
        }
        Err(error) => (
            JudgingSet::default(),
            Some(format!(
                "ward: {} is not read for judging inputs: {}",
                path.display(),
                error.message
            )),
        ),
    }
}

/// Whether an opened document is a policy (the rest are inputs to judge).
fn is_policy(key: &str, language_id: &str) -> bool {
    language_id == "ward" || key.ends_with(".ward")
}

/// The key of a document: its URI, with `file:` URIs normalized through the
/// path so that the client's spelling and the one built from a path agree.
fn document_key(uri: &lsp::Uri) -> String {
    if uri.scheme().as_str() == "file"
        && let Some(path) = uri.to_file_path()
        && let Some(normalized) = lsp::Uri::from_file_path(&path)
    {
        return normalized.as_str().to_string();
    }
    uri.as_str().to_string()
}

fn key_of_path(path: &Path) -> Option<String> {
    lsp::Uri::from_file_path(path).map(|uri| uri.as_str().to_string())
}

/// Every `.ward` file under `root`, skipping hidden folders, build output
/// and dependencies.
fn ward_files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                ward_files(&path, out);
            }
        } else if kind.is_file() && name.ends_with(".ward") {
            out.push(path);
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Why a computation on a snapshot gave no answer.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// An edit cancelled it.
    Cancelled,
    /// It panicked, with this message.
    Panicked(String),
}

/// Runs `f` on a snapshot (and drops the snapshot), catching cancellation
/// and panics.
fn guarded<T>(
    snapshot: Snapshot,
    f: impl FnOnce(&Snapshot) -> T,
) -> std::result::Result<T, Failure> {
    let result = catch_unwind(AssertUnwindSafe(|| f(&snapshot)));
    drop(snapshot);
    result.map_err(|payload| {
        if payload.is::<salsa::Cancelled>() {
            Failure::Cancelled
        } else {
            Failure::Panicked(panic_message(payload.as_ref()))
        }
    })
}

fn internal_error(message: String) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

fn invalid_params(message: impl Into<String>) -> Error {
    Error::invalid_params(message.into())
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::default(),
            published: Arc::default(),
            publishing_inputs: Arc::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held cannot leave the state half
        // edited in a way that matters more than stopping would.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn flags(&self) -> ClientFlags {
        self.state().client.clone()
    }

    /// Runs `f` on a snapshot in the blocking pool. Cancellation by an edit
    /// answers "content modified"; a panic answers an internal error and is
    /// logged.
    async fn with_snapshot<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Snapshot) -> T + Send + 'static,
        T: Send + 'static,
    {
        let snapshot = self.state().host.snapshot();
        let joined = tokio::task::spawn_blocking(move || guarded(snapshot, f)).await;
        match joined {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(Failure::Cancelled)) => Err(Error::content_modified()),
            Ok(Err(Failure::Panicked(message))) => {
                let message = format!("internal error: {message}");
                self.client
                    .log_message(lsp::MessageType::ERROR, &message)
                    .await;
                Err(internal_error(message))
            }
            Err(error) => Err(internal_error(format!("internal error: {error}"))),
        }
    }

    /// Applies an edit to the host and recomputes the diagnostics.
    fn edit(&self, apply: impl FnOnce(&mut State)) {
        let (revision, snapshot, versions, inputs) = {
            let mut state = self.state();
            apply(&mut state);
            let set = state.judging.clone();
            state.host.sync_judging(&set);
            state.revision += 1;
            let versions: HashMap<String, i32> = state
                .documents
                .iter()
                .map(|(key, document)| (key.clone(), document.version))
                .collect();
            let inputs: Vec<String> = state.inputs.keys().cloned().collect();
            (state.revision, state.host.snapshot(), versions, inputs)
        };
        self.publish_diagnostics(revision, snapshot, versions);
        // The policies changed: every open input is judged again.
        for key in inputs {
            self.judge_input(key);
        }
    }

    /// Judges an open input on the blocking pool and publishes its
    /// diagnostics, unless a newer edit of the input or of the policies
    /// asked for another judgement meanwhile (then this one stops between
    /// rules).
    fn judge_input(&self, key: String) {
        let prepared = {
            let state = self.state();
            let Some(input) = state.inputs.get(&key) else {
                return;
            };
            let mine = input.generation.fetch_add(1, Ordering::SeqCst) + 1;
            let policies = match &state.policies {
                Some((revision, policies)) if *revision == state.revision => Ok(policies.clone()),
                _ => Err((state.revision, state.host.snapshot())),
            };
            (
                input.text.clone(),
                input.version,
                input.generation.clone(),
                mine,
                policies,
            )
        };
        let (text, version, generation, mine, policies) = prepared;
        let state = self.state.clone();
        let client = self.client.clone();
        let publishing = self.publishing_inputs.clone();
        let name = key.clone();
        let compiling_client = self.client.clone();
        let computing = tokio::task::spawn_blocking(move || {
            let policies = match policies {
                Ok(policies) => policies,
                Err((revision, snapshot)) => {
                    let compiled = guarded(snapshot, Snapshot::judging_policies)?;
                    let policies = compiled.ok_or(Failure::Cancelled)?;
                    let mut locked = state
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    if locked.revision == revision {
                        locked.policies = Some((revision, policies.clone()));
                        drop(locked);
                        compile_when_settled(
                            state.clone(),
                            compiling_client.clone(),
                            revision,
                            policies.clone(),
                        );
                    }
                    policies
                }
            };
            let stale = || generation.load(Ordering::SeqCst) != mine;
            catch_unwind(AssertUnwindSafe(|| {
                crate::ide::judge(&policies, &name, &text, &stale)
                    .map(|judgement| (judgement, text))
            }))
            .map_err(|payload| Failure::Panicked(panic_message(payload.as_ref())))
        });
        let state = self.state.clone();
        tokio::spawn(async move {
            let (judgement, text) = match computing.await {
                Ok(Ok(Some(judged))) => judged,
                Ok(Ok(None) | Err(Failure::Cancelled)) | Err(_) => return,
                Ok(Err(Failure::Panicked(message))) => {
                    let message = format!("internal error while judging {key}: {message}");
                    client.log_message(lsp::MessageType::ERROR, message).await;
                    return;
                }
            };
            let Some(uri) = to_proto::uri(&key) else {
                return;
            };
            let index = ward_syntax::LineIndex::new(&text);
            let diagnostics: Vec<lsp::Diagnostic> = judgement
                .diagnostics
                .iter()
                .map(|diagnostic| to_proto::input_diagnostic(&index, &text, diagnostic))
                .collect();
            let _publishing = publishing.lock().await;
            {
                let mut state = state
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let Some(input) = state.inputs.get_mut(&key) else {
                    return;
                };
                if input.generation.load(Ordering::SeqCst) != mine {
                    return;
                }
                input.judgement = Some(Arc::new(judgement));
            }
            client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        });
    }

    /// Computes the diagnostics of every file on a snapshot and publishes
    /// those that changed, unless a newer revision got there first.
    fn publish_diagnostics(
        &self,
        revision: u64,
        snapshot: Snapshot,
        versions: HashMap<String, i32>,
    ) {
        let client = self.client.clone();
        let published = self.published.clone();
        let related_information = self.flags().related_information;
        // The snapshot goes to the blocking pool right away: the next edit
        // waits for it to be dropped, and must not depend on a runtime
        // worker being free to start an async task.
        let computing = tokio::task::spawn_blocking(move || {
            guarded(snapshot, |snapshot| {
                snapshot
                    .files()
                    .into_iter()
                    .filter(|file| !snapshot.is_library(file))
                    .map(|file| {
                        let diagnostics = snapshot.diagnostics(&file);
                        let mut ranges = Ranges::new(snapshot);
                        let converted: Vec<lsp::Diagnostic> = diagnostics
                            .iter()
                            .filter_map(|d| {
                                to_proto::diagnostic(&mut ranges, d, related_information)
                            })
                            .collect();
                        (file, diagnostics, converted)
                    })
                    .collect::<Vec<_>>()
            })
        });
        tokio::spawn(async move {
            let files = match computing.await {
                Ok(Ok(files)) => files,
                // Cancelled by a newer edit, which publishes in its turn.
                Ok(Err(Failure::Cancelled)) | Err(_) => return,
                Ok(Err(Failure::Panicked(message))) => {
                    let message = format!("internal error while computing diagnostics: {message}");
                    client.log_message(lsp::MessageType::ERROR, message).await;
                    return;
                }
            };
            let mut published = published.lock().await;
            if revision < published.revision {
                return;
            }
            published.revision = revision;
            let mut seen = Vec::with_capacity(files.len());
            for (file, diagnostics, converted) in files {
                seen.push(file.clone());
                let previous = published.diagnostics.get(&file);
                // Nothing to say about a clean file that is not open and has
                // never had diagnostics.
                let quiet =
                    previous.is_none() && diagnostics.is_empty() && !versions.contains_key(&file);
                if previous == Some(&diagnostics) || quiet {
                    continue;
                }
                if let Some(uri) = to_proto::uri(&file) {
                    client
                        .publish_diagnostics(uri, converted, versions.get(&file).copied())
                        .await;
                }
                published.diagnostics.insert(file, diagnostics);
            }
            // Files that left the workspace: clear what was shown for them.
            let gone: Vec<String> = published
                .diagnostics
                .keys()
                .filter(|file| !seen.contains(file))
                .cloned()
                .collect();
            for file in gone {
                published.diagnostics.remove(&file);
                if let Some(uri) = to_proto::uri(&file) {
                    client.publish_diagnostics(uri, Vec::new(), None).await;
                }
            }
        });
    }

    fn read_settings(state: &mut State, settings: &Value) {
        let ward = settings.get("ward").unwrap_or(settings);
        if let Some(directory) = ward.get("stdlibDirectory").and_then(Value::as_str) {
            state.stdlib_directory = Some(PathBuf::from(directory));
        }
        if let Some(sample) = ward.get("sampleTemplate") {
            state.sample_template = sample
                .as_str()
                .filter(|text| !text.is_empty())
                .map(str::to_string);
        }
    }

    /// `ward.sampleTemplate`, fresh from the client when it can tell.
    async fn sample_template_setting(&self) -> Option<String> {
        if self.flags().configuration {
            let items = vec![lsp::ConfigurationItem {
                scope_uri: None,
                section: Some("ward".to_string()),
            }];
            if let Ok(values) = self.client.configuration(items).await
                && let Some(value) = values.first()
            {
                let mut state = self.state();
                Self::read_settings(&mut state, value);
            }
        }
        self.state().sample_template.clone()
    }

    async fn run_rule_command(&self, arguments: Vec<Value>) -> Result<Option<Value>> {
        let (Some(Value::String(document)), Some(Value::String(rule))) =
            (arguments.first(), arguments.get(1))
        else {
            return Err(invalid_params(
                "`ward.runRule` takes the document URI and the rule name",
            ));
        };
        let file = match document.parse::<lsp::Uri>() {
            Ok(uri) => document_key(&uri),
            Err(_) => document.clone(),
        };
        let rule = rule.clone();
        let prepared = {
            let (file, rule) = (file.clone(), rule.clone());
            self.with_snapshot(move |snapshot| snapshot.rule_run_input(&file, &rule))
                .await?
        };
        let input = match prepared {
            Ok(input) => input,
            Err(message) => return Ok(Some(Value::String(message))),
        };
        let Some(setting) = self.sample_template_setting().await else {
            return Ok(Some(Value::String(format!(
                "No sample template is configured, so `{rule}` cannot run.\nSet `ward.sampleTemplate` in the workspace settings to a CloudFormation template, a Terraform plan (JSON) or AWS Config items; a relative path is read from the workspace folder."
            ))));
        };
        let path = {
            let state = self.state();
            let candidate = PathBuf::from(&setting);
            match state.roots.first() {
                Some(root) if candidate.is_relative() => root.join(candidate),
                _ => candidate,
            }
        };
        let read = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || std::fs::read(path)).await
        };
        let bytes = match read.map_err(std::io::Error::other).and_then(|read| read) {
            Ok(bytes) => bytes,
            Err(error) => {
                return Ok(Some(Value::String(format!(
                    "cannot read the sample template {}: {error}",
                    path.display()
                ))));
            }
        };
        let sample = SampleTemplate {
            name: path.display().to_string(),
            bytes,
        };
        let text = self
            .with_snapshot(move |snapshot| snapshot.run_rule(&input, &sample))
            .await?;
        // Editors other than VS Code (whose extension shows the answer)
        // usually drop the answer of a lens command: show it as a message.
        if !self.flags().vscode {
            self.client
                .show_message(lsp::MessageType::INFO, &text)
                .await;
        }
        Ok(Some(Value::String(text)))
    }

    /// Loads every `.ward` file of the workspace folders that is not open.
    async fn load_workspace(&self) {
        let roots = self.state().roots.clone();
        let (judging, config_note) = judging_set(&roots);
        let found = tokio::task::spawn_blocking(move || {
            let mut paths = Vec::new();
            for root in &roots {
                ward_files(root, &mut paths);
            }
            paths.sort();
            paths
                .into_iter()
                .filter_map(|path| {
                    let key = key_of_path(&path)?;
                    let text = std::fs::read_to_string(&path).ok()?;
                    Some((key, text))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let count = found.len();
        if let Some(note) = config_note {
            self.client
                .log_message(lsp::MessageType::WARNING, note)
                .await;
        }
        let edits_stdlib = found
            .iter()
            .any(|(_, text)| crate::stdlib::declares_stdlib_package(text));
        let directory = self
            .state()
            .stdlib_directory
            .clone()
            .or_else(crate::stdlib::default_directory);
        let library = match directory {
            Some(directory) if !edits_stdlib => {
                tokio::task::spawn_blocking(move || crate::stdlib::materialize(&directory))
                    .await
                    .unwrap_or_else(|error| Err(std::io::Error::other(error.to_string())))
            }
            _ => Ok(Vec::new()),
        };
        let library = match library {
            Ok(files) => files,
            Err(error) => {
                self.client
                    .log_message(
                        lsp::MessageType::WARNING,
                        format!("ward: cannot write the standard library for the editor: {error}"),
                    )
                    .await;
                Vec::new()
            }
        };
        self.edit(|state| {
            state.judging = judging;
            for (key, text) in found {
                if !state.documents.contains_key(&key) {
                    state.host.set_file(&key, text);
                }
            }
            for (path, text) in library {
                if let Some(key) = key_of_path(&path) {
                    state.host.set_library_file(&key, text.to_string());
                }
            }
        });
        self.client
            .log_message(
                lsp::MessageType::INFO,
                format!(
                    "ward: loaded {count} policy file{}",
                    if count == 1 { "" } else { "s" }
                ),
            )
            .await;
    }

    /// Hover in an open input: on a resource's logical id, the rules that
    /// judged it and their outcomes; on a finding, its rule's description
    /// and remediation. `None` when the document is not an open input.
    fn input_hover(&self, key: &str, position: lsp::Position) -> Option<Option<lsp::Hover>> {
        let state = self.state();
        let input = state.inputs.get(key)?;
        let Some(judgement) = input.judgement.clone() else {
            return Some(None);
        };
        let text = &input.text;
        let index = ward_syntax::LineIndex::new(text);
        let mut sections = Vec::new();
        let line = position.line + 1;
        if let Some(resource) = Snapshot::judged_resource(&judgement, text, line) {
            sections.push(to_proto::resource_verdicts_markdown(resource));
        }
        for diagnostic in &judgement.diagnostics {
            let range = to_proto::input_range(&index, text, diagnostic.line, diagnostic.column);
            let inside = range.start <= position && position <= range.end;
            if inside && let Some(rule) = &diagnostic.rule {
                sections.push(to_proto::finding_markdown(diagnostic, rule));
            }
        }
        if sections.is_empty() {
            return Some(None);
        }
        Some(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range: None,
        }))
    }

    /// Quick fixes in an open input: suppress a finding (or an *unknown*)
    /// on its resource, in the template's `Metadata`, with a reason to
    /// write. `None` when the document is not an open input.
    fn input_code_actions(
        &self,
        params: &lsp::CodeActionParams,
    ) -> Option<lsp::CodeActionResponse> {
        let key = document_key(&params.text_document.uri);
        let state = self.state();
        let input = state.inputs.get(&key)?;
        let Some(judgement) = input.judgement.clone() else {
            return Some(Vec::new());
        };
        let text = &input.text;
        let index = ward_syntax::LineIndex::new(text);
        let mut actions = Vec::new();
        let mut offered: Vec<(&str, &str)> = Vec::new();
        for diagnostic in &judgement.diagnostics {
            if !matches!(
                diagnostic.kind,
                InputDiagnosticKind::Fail(_) | InputDiagnosticKind::Unknown(_)
            ) {
                continue;
            }
            let (Some(rule), Some(resource)) = (&diagnostic.code, &diagnostic.resource) else {
                continue;
            };
            let range = to_proto::input_range(&index, text, diagnostic.line, diagnostic.column);
            let wanted = params.range;
            let touches =
                range.start.line <= wanted.end.line && wanted.start.line <= range.end.line;
            if !touches || offered.contains(&(rule.as_str(), resource.as_str())) {
                continue;
            }
            offered.push((rule, resource));
            let lsp_diagnostic = to_proto::input_diagnostic(&index, text, diagnostic);
            if let Some(fix) = &diagnostic.fix
                && let Some(edit) = Snapshot::property_fix_edit(&key, text, resource, fix)
            {
                let edit = lsp::TextEdit {
                    range: to_proto::range(&index, text, edit.span),
                    new_text: edit.new_text,
                };
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!(
                        "Set `{}` to {} on `{resource}` ({rule})",
                        fix.path.join("."),
                        fix.value
                    ),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp_diagnostic.clone()]),
                    is_preferred: Some(true),
                    edit: Some(lsp::WorkspaceEdit {
                        changes: Some(
                            [(params.text_document.uri.clone(), vec![edit])]
                                .into_iter()
                                .collect(),
                        ),
                        ..Default::default()
                    }),
                    ..Default::default()
                }));
            }
            let Some(edit) = Snapshot::suppression_edit(&key, text, rule, resource) else {
                continue;
            };
            let edit = lsp::TextEdit {
                range: to_proto::range(&index, text, edit.span),
                new_text: edit.new_text,
            };
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Suppress {rule} on `{resource}` (give the reason)"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp_diagnostic]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(
                        [(params.text_document.uri.clone(), vec![edit])]
                            .into_iter()
                            .collect(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }));
        }
        Some(actions)
    }

    /// The text of a file on disk under a workspace folder, if any.
    fn disk_text(state: &State, key: &str) -> Option<String> {
        let uri: lsp::Uri = key.parse().ok()?;
        let path = uri.to_file_path()?.into_owned();
        if !state.roots.iter().any(|root| path.starts_with(root)) {
            return None;
        }
        std::fs::read_to_string(path).ok()
    }
}

/// Applies one content change to a text.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = ward_syntax::LineIndex::new(text);
            let span = to_proto::span(&index, text, range);
            text.replace_range(span.range(), &change.text);
        }
    }
}

fn position_params(params: &lsp::TextDocumentPositionParams) -> (String, lsp::Position) {
    (document_key(&params.text_document.uri), params.position)
}

/// The byte offset of a protocol position in a file of the snapshot.
fn offset_in(snapshot: &Snapshot, file: &str, position: lsp::Position) -> Option<u32> {
    let text = snapshot.file_text(file)?;
    let index = snapshot.line_index(file)?;
    Some(to_proto::offset(&index, text, position))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        {
            let mut state = self.state();
            let capabilities = &params.capabilities;
            let text = capabilities.text_document.as_ref();
            let workspace = capabilities.workspace.as_ref();
            state.client = ClientFlags {
                snippets: text
                    .and_then(|text| text.completion.as_ref())
                    .and_then(|completion| completion.completion_item.as_ref())
                    .and_then(|item| item.snippet_support)
                    .unwrap_or(false),
                related_information: text
                    .and_then(|text| text.publish_diagnostics.as_ref())
                    .and_then(|publish| publish.related_information)
                    .unwrap_or(false),
                configuration: workspace
                    .and_then(|workspace| workspace.configuration)
                    .unwrap_or(false),
                watch_files: workspace
                    .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                    .and_then(|watch| watch.dynamic_registration)
                    .unwrap_or(false),
                vscode: params.client_info.as_ref().is_some_and(|info| {
                    info.name.contains("Visual Studio Code") || info.name.contains("VSCodium")
                }),
            };
            let mut roots: Vec<PathBuf> = params
                .workspace_folders
                .iter()
                .flatten()
                .filter_map(|folder| folder.uri.to_file_path().map(|path| path.into_owned()))
                .collect();
            #[expect(
                deprecated,
                reason = "clients without workspace folders still send the root URI"
            )]
            if roots.is_empty()
                && let Some(root) = params.root_uri.as_ref().and_then(|uri| uri.to_file_path())
            {
                roots.push(root.into_owned());
            }
            state.roots = roots;
            if let Some(options) = &params.initialization_options {
                Self::read_settings(&mut state, options);
            }
        }
        // Parse the resource schemas while the client gets ready.
        std::thread::spawn(|| {
            ward_compiler::schema::schema();
        });
        let capabilities = lsp::ServerCapabilities {
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), "@".into(), "\"".into(), ":".into()]),
                ..Default::default()
            }),
            signature_help_provider: Some(lsp::SignatureHelpOptions {
                trigger_characters: Some(vec!["(".into(), ",".into()]),
                ..Default::default()
            }),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            semantic_tokens_provider: Some(
                lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                    lsp::SemanticTokensOptions {
                        legend: to_proto::semantic_tokens_legend(),
                        full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        ..Default::default()
                    },
                ),
            ),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                    ..Default::default()
                },
            )),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![RUN_RULE_COMMAND.to_string()],
                ..Default::default()
            }),
            ..Default::default()
        };
        Ok(lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "ward".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        self.load_workspace().await;
        if self.flags().watch_files {
            let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String("**/*.ward".to_string()),
                    kind: None,
                }],
            };
            let registration = lsp::Registration {
                id: "ward-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            let _ = self.client.register_capability(vec![registration]).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let key = document_key(&params.text_document.uri);
        let document = params.text_document;
        if !is_policy(&key, &document.language_id) {
            self.state().inputs.insert(
                key.clone(),
                InputDocument {
                    version: document.version,
                    text: document.text,
                    generation: Arc::default(),
                    judgement: None,
                },
            );
            self.judge_input(key);
            return;
        }
        self.edit(|state| {
            state.host.set_file(&key, document.text.clone());
            state.documents.insert(
                key,
                Document {
                    version: document.version,
                    text: document.text,
                },
            );
        });
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let key = document_key(&params.text_document.uri);
        let version = params.text_document.version;
        let changed_input = {
            let mut state = self.state();
            match state.inputs.get_mut(&key) {
                Some(input) => {
                    for change in params.content_changes.iter().cloned() {
                        apply_change(&mut input.text, change);
                    }
                    input.version = version;
                    true
                }
                None => false,
            }
        };
        if changed_input {
            self.judge_input(key);
            return;
        }
        self.edit(|state| {
            let Some(document) = state.documents.get_mut(&key) else {
                return;
            };
            for change in params.content_changes {
                apply_change(&mut document.text, change);
            }
            document.version = version;
            let text = document.text.clone();
            state.host.set_file(&key, text);
        });
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let key = document_key(&params.text_document.uri);
        let closed_input = self.state().inputs.remove(&key);
        if let Some(input) = closed_input {
            // Stops a judgement under way; what it showed goes away.
            input.generation.fetch_add(1, Ordering::SeqCst);
            let _publishing = self.publishing_inputs.lock().await;
            self.client
                .publish_diagnostics(params.text_document.uri, Vec::new(), None)
                .await;
            return;
        }
        self.edit(|state| {
            state.documents.remove(&key);
            match Self::disk_text(state, &key) {
                Some(text) => state.host.set_file(&key, text),
                None => state.host.remove_file(&key),
            }
        });
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let mut state = self.state();
        Self::read_settings(&mut state, &params.settings);
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.edit(|state| {
            for change in params.changes {
                let key = document_key(&change.uri);
                if state.documents.contains_key(&key) {
                    continue;
                }
                if change.typ == lsp::FileChangeType::DELETED {
                    state.host.remove_file(&key);
                } else if let Some(text) = Self::disk_text(state, &key) {
                    state.host.set_file(&key, text);
                }
            }
        });
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let (file, position) = position_params(&params.text_document_position_params);
        if let Some(hover) = self.input_hover(&file, position) {
            return Ok(hover);
        }
        self.with_snapshot(move |snapshot| {
            let offset = offset_in(snapshot, &file, position)?;
            let result = snapshot.hover(FilePosition {
                file: &file,
                offset,
            })?;
            Some(to_proto::hover(&mut Ranges::new(snapshot), &file, result))
        })
        .await
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let (file, position) = position_params(&params.text_document_position);
        let snippets = self.flags().snippets;
        self.with_snapshot(move |snapshot| {
            let offset = offset_in(snapshot, &file, position)?;
            let items = snapshot.completions(FilePosition {
                file: &file,
                offset,
            });
            let mut ranges = Ranges::new(snapshot);
            let items: Vec<lsp::CompletionItem> = items
                .into_iter()
                .filter_map(|item| to_proto::completion_item(&mut ranges, &file, item, snippets))
                .collect();
            Some(lsp::CompletionResponse::Array(items))
        })
        .await
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> Result<Option<lsp::SignatureHelp>> {
        let (file, position) = position_params(&params.text_document_position_params);
        self.with_snapshot(move |snapshot| {
            let offset = offset_in(snapshot, &file, position)?;
            snapshot
                .signature_help(FilePosition {
                    file: &file,
                    offset,
                })
                .map(to_proto::signature_help)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let (file, position) = position_params(&params.text_document_position_params);
        self.with_snapshot(move |snapshot| {
            let offset = offset_in(snapshot, &file, position)?;
            let targets = snapshot.goto_definition(FilePosition {
                file: &file,
                offset,
            });
            let locations = to_proto::locations(&mut Ranges::new(snapshot), targets);
            (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
        })
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let (file, position) = position_params(&params.text_document_position);
        let include_declaration = params.context.include_declaration;
        self.with_snapshot(move |snapshot| {
            let offset = offset_in(snapshot, &file, position)?;
            let found = snapshot.references(
                FilePosition {
                    file: &file,
                    offset,
                },
                include_declaration,
            );
            Some(to_proto::file_ranges(&mut Ranges::new(snapshot), found))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let (file, position) = position_params(&params);
        self.with_snapshot(move |snapshot| {
            let offset =
                offset_in(snapshot, &file, position).ok_or(crate::ide::RenameError::NoName)?;
            let range = snapshot.prepare_rename(FilePosition {
                file: &file,
                offset,
            })?;
            Ok(Ranges::new(snapshot)
                .range(&range.file, range.span)
                .map(lsp::PrepareRenameResponse::Range))
        })
        .await?
        .map_err(|error: crate::ide::RenameError| invalid_params(error.to_string()))
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let (file, position) = position_params(&params.text_document_position);
        let new_name = params.new_name;
        self.with_snapshot(move |snapshot| {
            let offset =
                offset_in(snapshot, &file, position).ok_or(crate::ide::RenameError::NoName)?;
            let change = snapshot.rename(
                FilePosition {
                    file: &file,
                    offset,
                },
                &new_name,
            )?;
            Ok(Some(to_proto::workspace_edit(
                &mut Ranges::new(snapshot),
                change,
            )))
        })
        .await?
        .map_err(|error: crate::ide::RenameError| invalid_params(error.to_string()))
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let file = document_key(&params.text_document.uri);
        self.with_snapshot(move |snapshot| {
            let mut ranges = Ranges::new(snapshot);
            let symbols: Vec<lsp::DocumentSymbol> = snapshot
                .document_symbols(&file)
                .into_iter()
                .filter_map(|symbol| to_proto::document_symbol(&mut ranges, &file, symbol))
                .collect();
            Some(lsp::DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let query = params.query;
        self.with_snapshot(move |snapshot| {
            let mut ranges = Ranges::new(snapshot);
            let symbols: Vec<lsp::WorkspaceSymbol> = snapshot
                .workspace_symbols(&query)
                .into_iter()
                .filter_map(|(file, symbol)| to_proto::workspace_symbol(&mut ranges, &file, symbol))
                .collect();
            Some(lsp::WorkspaceSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let file = document_key(&params.text_document.uri);
        let outcome = {
            let file = file.clone();
            self.with_snapshot(move |snapshot| {
                let outcome = snapshot.format(&file);
                match outcome {
                    FormatOutcome::Edit(edit) => {
                        Ok(to_proto::text_edit(&mut Ranges::new(snapshot), &file, edit))
                    }
                    FormatOutcome::Unchanged => Ok(None),
                    FormatOutcome::Refused(message) => Err(message),
                }
            })
            .await?
        };
        match outcome {
            Ok(edit) => Ok(Some(edit.into_iter().collect())),
            Err(message) => {
                // Formatting a file with syntax errors is refused quietly in
                // the status bar rather than with an error dialog.
                self.client
                    .log_message(lsp::MessageType::INFO, &message)
                    .await;
                Ok(None)
            }
        }
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let file = document_key(&params.text_document.uri);
        self.with_snapshot(move |snapshot| {
            let text = snapshot.file_text(&file)?;
            let index = snapshot.line_index(&file)?;
            let tokens = to_proto::semantic_tokens(&index, text, snapshot.highlight(&file));
            Some(lsp::SemanticTokensResult::Tokens(tokens))
        })
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let file = document_key(&params.text_document.uri);
        if let Some(actions) = self.input_code_actions(&params) {
            return Ok(Some(actions));
        }
        let range = params.range;
        let related_information = self.flags().related_information;
        self.with_snapshot(move |snapshot| {
            let text = snapshot.file_text(&file)?;
            let index = snapshot.line_index(&file)?;
            let span = to_proto::span(&index, text, range);
            let mut ranges = Ranges::new(snapshot);
            let actions: Vec<lsp::CodeActionOrCommand> = snapshot
                .assists(&file, span)
                .into_iter()
                .map(|assist| to_proto::code_action(&mut ranges, assist, related_information))
                .collect();
            Some(actions)
        })
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        let file = document_key(&params.text_document.uri);
        let command = if self.flags().vscode {
            "ward.runRuleOnSample"
        } else {
            RUN_RULE_COMMAND
        };
        self.with_snapshot(move |snapshot| {
            let mut ranges = Ranges::new(snapshot);
            let lenses: Vec<lsp::CodeLens> = snapshot
                .rule_lenses(&file)
                .into_iter()
                .filter_map(|lens| to_proto::code_lens(&mut ranges, &file, lens, command))
                .collect();
            Some(lenses)
        })
        .await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            RUN_RULE_COMMAND => self.run_rule_command(params.arguments).await,
            other => Err(invalid_params(format!("unknown command `{other}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let host = AnalysisHost::new();
        let result: std::result::Result<(), Failure> = guarded(host.snapshot(), |_| panic!("boom"));
        assert_eq!(result, Err(Failure::Panicked("boom".to_string())));
    }

    #[test]
    fn an_edit_cancels_a_running_request() {
        let mut host = AnalysisHost::new();
        host.set_file(
            "file:///a.ward",
            "rule r for b in resources(\"AWS::S3::Bucket\") {}".to_string(),
        );
        let snapshot = host.snapshot();
        let (started, wait) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            guarded(snapshot, |snapshot| {
                let _ = started.send(());
                // Every query checks for a pending edit; this one loops until
                // the edit below cancels it.
                loop {
                    snapshot.diagnostics("file:///a.ward");
                }
            })
        });
        wait.recv().expect("the request started");
        // Waits for the request to unwind.
        host.set_file("file:///a.ward", "fn f() = 1".to_string());
        let result: std::result::Result<(), Failure> =
            worker.join().expect("the worker does not panic");
        assert_eq!(result, Err(Failure::Cancelled));
        assert_eq!(
            host.snapshot().file_text("file:///a.ward"),
            Some("fn f() = 1")
        );
    }

    #[test]
    fn incremental_changes_apply_in_utf16_units() {
        let mut text = "let é = 1\nx".to_string();
        apply_change(
            &mut text,
            lsp::TextDocumentContentChangeEvent {
                range: Some(lsp::Range {
                    start: lsp::Position {
                        line: 0,
                        character: 4,
                    },
                    end: lsp::Position {
                        line: 0,
                        character: 5,
                    },
                }),
                range_length: None,
                text: "e".to_string(),
            },
        );
        assert_eq!(text, "let e = 1\nx");
    }
}
