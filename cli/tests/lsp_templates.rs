//! `ward lsp` judges a template over standard input and output, as an
//! editor runs it, and the suppression its quick fix writes is the one
//! `ward check` reads.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{repository_root, run_ward_in, scratch_repository};
use serde_json::{Value, json};

const TEMPLATE: &str = "Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - CidrIp: 0.0.0.0/0
          IpProtocol: tcp
          FromPort: 22
          ToPort: 22
";

/// A blocking JSON-RPC client of a `ward lsp` process.
struct Server {
    child: Child,
    input: ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: i64,
}

fn read_messages(output: ChildStdout, sink: mpsc::Sender<Value>) {
    let mut reader = BufReader::new(output);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let Ok(message) = serde_json::from_slice(&body) else {
            return;
        };
        if sink.send(message).is_err() {
            return;
        }
    }
}

impl Server {
    fn start(cache: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ward lsp starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (sink, messages) = mpsc::channel();
        std::thread::spawn(move || read_messages(output, sink));
        Server {
            child,
            input,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.input.flush().expect("flush");
    }

    fn next(&mut self, what: &str) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no message from the server: {what}"))
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next(method);
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message["result"].clone();
            }
            self.answer(&message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Answers a request of the server's (configuration, registration).
    fn answer(&mut self, message: &Value) {
        if let (Some(id), Some(_)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        }
    }

    /// The next diagnostics of `uri` that satisfy `wanted`.
    fn diagnostics(&mut self, uri: &str, wanted: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        loop {
            let message = self.next("diagnostics");
            self.answer(&message);
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && let Some(list) = message["params"]["diagnostics"].as_array()
                && wanted(list)
            {
                return list.clone();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn has(list: &[Value], code: &str) -> bool {
    list.iter().any(|d| d["code"] == code)
}

/// Applies LSP edits of ASCII text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap_or(0) as usize;
        let character = position["character"].as_u64().unwrap_or(0) as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut out = text.to_string();
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|edit| std::cmp::Reverse(offset(&edit["range"]["start"])));
    for edit in edits {
        let range = offset(&edit["range"]["start"])..offset(&edit["range"]["end"]);
        out.replace_range(range, edit["newText"].as_str().unwrap_or(""));
    }
    out
}

#[test]
fn the_quick_fix_writes_the_suppression_ward_check_reads() {
    let dir = scratch_repository("lsp", "quick_fix");
    let path = dir.join("template.yaml");
    std::fs::write(&path, TEMPLATE).expect("writable");
    let uri = format!("file://{}", path.display());
    let cache = repository_root().join("target/cli-test-cache");

    // Before: `ward check` fails on the open SSH port.
    let (code, before, _) = run_ward_in(&dir, &["check", "--format", "json", "template.yaml"]);
    assert_eq!(code, 1, "{before}");
    assert!(before.contains("WARD-NET-001"), "{before}");

    let mut server = Server::start(&cache);
    let root = format!("file://{}", dir.display());
    server.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root,
            "workspaceFolders": [{ "uri": root, "name": "repo" }],
            "capabilities": {},
            "initializationOptions": { "ward": { "stdlibDirectory": dir.join(".stdlib").display().to_string() } }
        }),
    );
    server.notify("initialized", json!({}));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": TEMPLATE } }),
    );
    let found = server.diagnostics(&uri, |list| has(list, "WARD-NET-001"));
    let finding = found
        .iter()
        .find(|d| d["code"] == "WARD-NET-001")
        .expect("the finding");
    assert_eq!(finding["range"]["start"]["line"], 6, "{finding}");

    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": finding["range"].clone(),
            "context": { "diagnostics": [finding.clone()] }
        }),
    );
    let action = actions
        .as_array()
        .and_then(|list| {
            list.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|title| title.contains("WARD-NET-001"))
            })
        })
        .expect("a quick fix")
        .clone();
    let edits = action["edit"]["changes"][&uri]
        .as_array()
        .expect("edits of the template")
        .clone();
    let fixed = apply(TEMPLATE, &edits);
    std::fs::write(&path, &fixed).expect("writable");

    // The server sees the edit too: the finding is gone from the editor.
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": fixed }]
        }),
    );
    server.diagnostics(&uri, |list| !has(list, "WARD-NET-001"));
    drop(server);

    // After: `ward check` reads the suppression and the run passes.
    let (code, after, stderr) = run_ward_in(&dir, &["check", "--format", "json", "template.yaml"]);
    let report: Value = serde_json::from_str(&after).expect("a JSON report");
    let suppressed = report["suppressed"].as_array().cloned().unwrap_or_default();
    assert!(
        suppressed.iter().any(|s| s["rule"] == "WARD-NET-001"
            && s["suppression"]["reason"] == "TODO: say why this finding is accepted"),
        "{after}\n{stderr}"
    );
    assert!(
        !report["findings"]
            .as_array()
            .is_some_and(|list| list.iter().any(|f| f["rule"] == "WARD-NET-001")),
        "{after}"
    );
    assert_eq!(
        code, 1,
        "WARD-NET-001 is hard-mandatory: suppressed, it still fails the run"
    );
}
