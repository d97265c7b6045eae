//! A whole editing session of policies against the real server, in
//! process, over real JSON-RPC (the client is in `common`).

mod common;

use std::path::PathBuf;

use common::{TIMEOUT, position, start, uri_of};
use serde_json::{Value, json};

fn workspace() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ward-lsp-session-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).expect("a temporary folder");
    std::fs::write(
        dir.join("policies/lib.ward"),
        "package demo\n\n/// Whether the bucket has a name.\nfn is_named(b) = b.props.BucketName != null\n",
    )
    .expect("writable");
    std::fs::write(
        dir.join("template.json"),
        r#"{"Resources": {"Named": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}}, "Anonymous": {"Type": "AWS::S3::Bucket"}}}"#,
    )
    .expect("writable");
    dir
}

const POLICY: &str = "package demo

/// Buckets have names.
@id(\"DEMO-1\") @severity(high)
rule named for b in resources(\"AWS::S3::Bucket\") {
  require is_named(b) message \"{b} has no name\"
}
";

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["label"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session() {
    let root = workspace();
    let (mut client, server) = start();

    // ----- initialize -----
    let init = client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(&root),
                "workspaceFolders": [{ "uri": uri_of(&root), "name": "ws" }],
                "clientInfo": { "name": "session test" },
                "capabilities": {
                    "textDocument": {
                        "completion": { "completionItem": { "snippetSupport": true } },
                        "publishDiagnostics": { "relatedInformation": true }
                    },
                    "workspace": {
                        "configuration": true,
                        "didChangeWatchedFiles": { "dynamicRegistration": true }
                    }
                }
            }),
        )
        .await;
    let capabilities = &init["capabilities"];
    assert_eq!(init["serverInfo"]["name"], "ward");
    assert_eq!(
        capabilities["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert_eq!(
        capabilities["executeCommandProvider"]["commands"][0],
        "ward.runRule"
    );
    assert!(capabilities["semanticTokensProvider"]["legend"]["tokenTypes"].is_array());
    client.notify("initialized", json!({})).await;
    client
        .wait_for("the workspace is loaded", |message| {
            message["method"] == "window/logMessage"
                && message["params"]["message"]
                    .as_str()
                    .is_some_and(|text| text.contains("loaded 1 policy file"))
        })
        .await;

    // ----- open, break, fix -----
    let policy_path = root.join("policies/policy.ward");
    let policy = uri_of(&policy_path);
    let lib = uri_of(&root.join("policies/lib.ward"));
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": policy, "languageId": "ward", "version": 1, "text": POLICY } }),
        )
        .await;
    client.diagnostics(&policy, |list| list.is_empty()).await;

    // `is_named` -> `is_namd`: delete the `e` (line 5, `  require is_nam|ed`).
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": policy, "version": 2 },
                "contentChanges": [{ "range": { "start": position(5, 16), "end": position(5, 17) }, "text": "" }]
            }),
        )
        .await;
    let broken = client.diagnostics(&policy, |list| !list.is_empty()).await;
    assert_eq!(broken[0]["code"], "E0102", "{broken:?}");
    assert_eq!(broken[0]["severity"], 1);
    assert_eq!(broken[0]["range"]["start"], position(5, 10));
    assert!(
        broken[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `is_named`?")
    );
    assert!(broken[0]["relatedInformation"].is_array());

    // The quick fix from the diagnostic.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": policy },
                "range": { "start": position(5, 12), "end": position(5, 12) },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    assert_eq!(actions[0]["title"], "replace with `is_named`");
    assert_eq!(actions[0]["kind"], "quickfix");
    let edit = &actions[0]["edit"]["changes"][&policy][0];
    assert_eq!(edit["newText"], "is_named");

    // Apply it as the editor would.
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": policy, "version": 3 },
                "contentChanges": [{ "range": edit["range"].clone(), "text": "is_named" }]
            }),
        )
        .await;
    client.diagnostics(&policy, |list| list.is_empty()).await;

    // ----- hover -----
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": policy }, "position": position(5, 13) }),
        )
        .await;
    let hover_text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(hover_text.contains("fn is_named(b)"), "{hover_text}");
    assert!(
        hover_text.contains("Whether the bucket has a name."),
        "{hover_text}"
    );

    // ----- completion: keywords, builtins, resource types, properties -----
    let with_lines = POLICY.replace(
        "  require is_named(b) message \"{b} has no name\"\n",
        "  require is_named(b) message \"{b} has no name\"\n  re\n  require b.props.\n}\nrule other for q in resources(\"AWS::SQS::Qu\n",
    );
    let with_lines = with_lines.trim_end_matches("}\n").to_string() + "\n";
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": policy, "version": 4 }, "contentChanges": [{ "text": with_lines }] }),
        )
        .await;
    // Half-typed code has syntax errors.
    client.diagnostics(&policy, |list| !list.is_empty()).await;
    let keyword = client
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": policy }, "position": position(6, 4) }),
        )
        .await;
    let keyword_labels = labels(&keyword);
    assert!(
        keyword_labels.contains(&"require".to_string()),
        "{keyword_labels:?}"
    );
    assert!(
        keyword_labels.contains(&"count".to_string()),
        "builtins: {keyword_labels:?}"
    );
    assert!(
        keyword_labels.contains(&"is_named".to_string()),
        "package functions: {keyword_labels:?}"
    );
    let properties = client
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": policy }, "position": position(7, 18) }),
        )
        .await;
    let property_labels = labels(&properties);
    assert!(
        property_labels.contains(&"BucketName".to_string()),
        "{property_labels:?}"
    );
    let bucket_name = properties
        .as_array()
        .and_then(|items| items.iter().find(|item| item["label"] == "BucketName"))
        .expect("BucketName");
    assert!(
        bucket_name["documentation"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("A name for the bucket")
    );
    let types = client
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": policy }, "position": position(9, 43) }),
        )
        .await;
    let type_labels = labels(&types);
    assert!(
        type_labels.contains(&"AWS::SQS::Queue".to_string()),
        "{type_labels:?}"
    );
    assert_eq!(types[0]["textEdit"]["range"]["start"], position(9, 31));

    // Back to the clean policy.
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": policy, "version": 5 }, "contentChanges": [{ "text": POLICY }] }),
        )
        .await;
    client.diagnostics(&policy, |list| list.is_empty()).await;

    // ----- signature help -----
    let signature = client
        .request(
            "textDocument/signatureHelp",
            json!({ "textDocument": { "uri": policy }, "position": position(5, 19) }),
        )
        .await;
    assert_eq!(signature["signatures"][0]["label"], "is_named(b)");

    // ----- definition, references, rename -----
    let definition = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": policy }, "position": position(5, 13) }),
        )
        .await;
    assert_eq!(definition[0]["uri"], lib.as_str());
    assert_eq!(definition[0]["range"]["start"], position(3, 3));
    let references = client
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": policy },
                "position": position(5, 13),
                "context": { "includeDeclaration": true }
            }),
        )
        .await;
    assert_eq!(references.as_array().map(Vec::len), Some(2), "{references}");
    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({ "textDocument": { "uri": policy }, "position": position(5, 13) }),
        )
        .await;
    assert_eq!(prepared["start"], position(5, 10));
    let rename = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": policy }, "position": position(5, 13), "newName": "has_name" }),
        )
        .await;
    assert_eq!(rename["changes"][&policy][0]["newText"], "has_name");
    assert_eq!(rename["changes"][&lib][0]["newText"], "has_name");

    // ----- symbols -----
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": policy } }),
        )
        .await;
    assert_eq!(symbols[0]["name"], "named");
    assert_eq!(symbols[0]["detail"], "DEMO-1 · high");
    let workspace_symbols = client
        .request("workspace/symbol", json!({ "query": "isnam" }))
        .await;
    assert_eq!(workspace_symbols[0]["name"], "is_named");

    // ----- formatting -----
    let messy = POLICY.replace("  require is_named(b)", "require   is_named( b )");
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": policy, "version": 6 }, "contentChanges": [{ "text": messy }] }),
        )
        .await;
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": policy }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await;
    let edits = edits.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], "  require is_named(b");
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": policy, "version": 7 }, "contentChanges": [{ "text": POLICY }] }),
        )
        .await;

    // ----- semantic tokens -----
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": policy } }),
        )
        .await;
    let data = tokens["data"].as_array().cloned().unwrap_or_default();
    assert!(
        data.len() > 20 && data.len() % 5 == 0,
        "{} numbers",
        data.len()
    );
    // The first token is `package`, a keyword (type 0) at 0:0.
    assert_eq!(
        &data[..5],
        &[json!(0), json!(0), json!(7), json!(0), json!(0)]
    );

    // ----- code lens and running a rule -----
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": policy } }),
        )
        .await;
    assert_eq!(lenses[0]["command"]["command"], "ward.runRule");
    assert_eq!(lenses[0]["range"]["start"], position(3, 0));
    let arguments = lenses[0]["command"]["arguments"].clone();
    let unconfigured = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "ward.runRule", "arguments": arguments }),
        )
        .await;
    assert!(
        unconfigured
            .as_str()
            .unwrap_or("")
            .contains("ward.sampleTemplate"),
        "{unconfigured}"
    );
    client.settings = json!({ "sampleTemplate": "template.json" });
    let report = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "ward.runRule", "arguments": arguments }),
        )
        .await;
    let report = report.as_str().unwrap_or("");
    assert!(report.contains("2 resources: 1 fail, 1 pass"), "{report}");
    assert!(report.contains("Anonymous has no name"), "{report}");
    assert!(
        client
            .server_requests
            .contains(&"workspace/configuration".to_string())
    );
    assert!(
        client
            .server_requests
            .contains(&"client/registerCapability".to_string())
    );

    // ----- a file created on disk, then shutdown -----
    std::fs::write(
        root.join("policies/extra.ward"),
        "package demo\nfn extra() = cout([])\n",
    )
    .expect("writable");
    let extra = uri_of(&root.join("policies/extra.ward"));
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": extra, "type": 1 }] }),
        )
        .await;
    let extra_diagnostics = client.diagnostics(&extra, |list| !list.is_empty()).await;
    assert_eq!(extra_diagnostics[0]["code"], "E0102");

    let shutdown = client.request("shutdown", Value::Null).await;
    assert_eq!(shutdown, Value::Null);
    client.notify("exit", Value::Null).await;
    tokio::time::timeout(TIMEOUT, server)
        .await
        .expect("the server stops after exit")
        .expect("the server task");
    let _ = std::fs::remove_dir_all(&root);
}

/// Edits as fast as the client can send them, with requests in between:
/// every request is answered (possibly with "content modified"), and the
/// diagnostics end up those of the last text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits() {
    let (mut client, server) = start();
    client
        .request(
            "initialize",
            json!({ "processId": null, "capabilities": {} }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    // The workspace (and the standard library, as library files) is loaded
    // after `initialized`; a request running when it lands is refused as
    // "content modified", as any edit would. Start the burst once it has.
    client
        .wait_for("the workspace loaded", |message| {
            message["method"] == "window/logMessage"
                && message["params"]["message"]
                    .as_str()
                    .is_some_and(|text| text.starts_with("ward: loaded"))
        })
        .await;
    let uri = "untitled:burst.ward";
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "ward", "version": 0, "text": POLICY } }),
        )
        .await;
    for version in 1..=60 {
        let text = POLICY.replace("is_named(b)", &format!("is_named_{version}(b)"));
        client
            .notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
            )
            .await;
        if version % 10 == 0 {
            // Answered, or refused as "content modified"; never stuck.
            client.next_id += 1;
            let id = client.next_id;
            client
                .send(json!({
                    "jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                    "params": { "textDocument": { "uri": uri }, "position": position(5, 13) }
                }))
                .await;
        }
    }
    let last = client
        .diagnostics(uri, |list| {
            list.iter().any(|d| {
                d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("`is_named_60`"))
            })
        })
        .await;
    assert_eq!(last.len(), 1, "{last:?}");
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(5, 4) }),
        )
        .await;
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("require")
    );
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    tokio::time::timeout(TIMEOUT, server)
        .await
        .expect("the server stops after exit")
        .expect("the server task");
}

/// A policy that imports the standard library: its functions and
/// parameters resolve, go to definition leads to a read-only copy of the
/// standard library's source that the editor can open, hover shows its
/// documentation, and the standard library's files get no diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standard_library_is_imported_and_navigable() {
    let root = std::env::temp_dir().join(format!("ward-lsp-stdlib-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("policies")).expect("a temporary folder");
    let stdlib = root.join("cache");
    let text = "package acme

import ward.aws.common

@id(\"ACME-1\") @severity(low)
rule versioned for b in resources(\"AWS::S3::Bucket\") {
  require common.is_true(b.props.VersioningConfiguration.Status)
}
";
    let policy_path = root.join("policies/acme.ward");
    std::fs::write(&policy_path, text).expect("writable");
    let (mut client, server) = start();
    client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(&root),
                "workspaceFolders": [{ "uri": uri_of(&root), "name": "ws" }],
                "capabilities": {},
                "initializationOptions": { "ward": { "stdlibDirectory": stdlib.display().to_string() } }
            }),
        )
        .await;
    client.notify("initialized", json!({})).await;
    client
        .wait_for("the workspace is loaded", |message| {
            message["method"] == "window/logMessage"
                && message["params"]["message"]
                    .as_str()
                    .is_some_and(|text| text.contains("loaded 1 policy file"))
        })
        .await;
    let policy = uri_of(&policy_path);
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": policy, "languageId": "ward", "version": 1, "text": text } }),
        )
        .await;
    client.diagnostics(&policy, |list| list.is_empty()).await;

    // `common.is_true` on line 6: go to its definition in the written copy.
    let definition = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": policy }, "position": position(6, 18) }),
        )
        .await;
    let target = definition
        .as_array()
        .and_then(|list| list.first())
        .cloned()
        .unwrap_or(definition.clone());
    let common = stdlib.join("aws/common.ward");
    assert_eq!(target["uri"], uri_of(&common), "{definition}");
    let on_disk = std::fs::read_to_string(&common).expect("the standard library is written");
    assert!(on_disk.contains("fn is_true("));
    assert!(
        std::fs::metadata(&common)
            .expect("written")
            .permissions()
            .readonly()
    );
    let line = target["range"]["start"]["line"].as_u64().expect("a line") as usize;
    assert!(
        on_disk
            .lines()
            .nth(line)
            .is_some_and(|text| text.contains("is_true")),
        "{target}"
    );

    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": policy }, "position": position(6, 18) }),
        )
        .await;
    let markdown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(markdown.contains("fn is_true(value)"), "{markdown}");
    assert!(markdown.contains("ward.aws.common"), "{markdown}");

    // The standard library's files get no diagnostics.
    assert!(!client.notifications.iter().any(|message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.contains("/cache/"))
    }));

    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    tokio::time::timeout(TIMEOUT, server)
        .await
        .expect("the server stops after exit")
        .expect("the server task");
    let _ = std::fs::remove_dir_all(&root);
}
