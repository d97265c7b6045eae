//! Inputs judged as they are edited: a CloudFormation template opened in
//! the editor gets the findings of the workspace's policies (the standard
//! library and the workspace's own rules) as diagnostics, over real
//! JSON-RPC.

mod common;

use std::path::PathBuf;

use common::{Client, position, start, uri_of};
use serde_json::{Value, json};

const TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
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

/// The workspace's own rule: security groups say what they are for.
const POLICY: &str = "package team

/// Security groups carry the approved description.
@id(\"TEAM-1\") @severity(medium)
rule described for sg in resources(\"AWS::EC2::SecurityGroup\") {
  require sg.props.GroupDescription == \"admin\" message \"{sg} is not described as approved\"
}
";

fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ward-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies")).expect("a temporary folder");
    std::fs::write(dir.join("policies/team.ward"), POLICY).expect("writable");
    dir
}

async fn initialize(client: &mut Client, root: &std::path::Path) {
    let stdlib = root.join(".stdlib");
    client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri_of(root),
                "workspaceFolders": [{ "uri": uri_of(root), "name": "ws" }],
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
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

fn has_code(diagnostics: &[Value], code: &str) -> bool {
    codes(diagnostics).iter().any(|c| c == code)
}

fn replace_all(uri: &str, version: i32, text: &str) -> Value {
    json!({
        "textDocument": { "uri": uri, "version": version },
        "contentChanges": [{ "text": text }]
    })
}

/// Applies LSP text edits (line/character, ASCII text) to a text.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().expect("a line") as usize;
        let character = position["character"].as_u64().expect("a character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|edit| std::cmp::Reverse(offset(&edit["range"]["start"])));
    let mut out = text.to_string();
    for edit in sorted {
        let from = offset(&edit["range"]["start"]);
        let to = offset(&edit["range"]["end"]);
        out.replace_range(from..to, edit["newText"].as_str().expect("text"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_is_judged_as_it_is_edited() {
    let root = workspace("templates");
    let (mut client, _server) = start();
    initialize(&mut client, &root).await;
    let template = uri_of(&root.join("template.yaml"));

    // ----- open: the open SSH port is found on the ingress's line -----
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": template, "languageId": "yaml", "version": 1, "text": TEMPLATE } }),
        )
        .await;
    let found = client
        .diagnostics(&template, |list| has_code(list, "WARD-NET-001"))
        .await;
    let open_port = found
        .iter()
        .find(|d| d["code"] == "WARD-NET-001")
        .expect("the finding");
    assert_eq!(open_port["range"]["start"], position(7, 10), "{open_port}");
    assert_eq!(
        open_port["range"]["end"],
        position(7, 27),
        "to the end of the value's line: {open_port}"
    );
    assert_eq!(open_port["severity"], 1, "high is an error");
    assert_eq!(open_port["source"], "ward");
    assert!(
        open_port["message"]
            .as_str()
            .is_some_and(|m| m.contains("administrative port")),
        "{open_port}"
    );
    let link = open_port["codeDescription"]["href"]
        .as_str()
        .expect("a link to the rule");
    assert!(
        link.starts_with("file://") && link.contains("network.ward#L"),
        "{link}"
    );
    assert!(
        !has_code(&found, "TEAM-1"),
        "the workspace's rule passes: {found:?}"
    );

    // ----- once the policies are compiled, the module judges: same diagnostics -----
    client
        .wait_for("the policies are compiled", |message| {
            message["method"] == "window/logMessage"
                && message["params"]["message"]
                    .as_str()
                    .is_some_and(|text| text.contains("rules compiled for judging inputs"))
        })
        .await;
    client
        .notify(
            "textDocument/didChange",
            replace_all(&template, 2, TEMPLATE),
        )
        .await;
    let by_module = client.diagnostics(&template, |_| true).await;
    assert_eq!(
        by_module, found,
        "the compiled module and the reference evaluator agree"
    );

    // ----- hover: the rules that judged the resource, and the finding's rule -----
    let on_id = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": template }, "position": position(2, 3) }),
        )
        .await;
    let text = on_id["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("`Sg`")
            && text.contains("WARD-NET-001 | fail")
            && text.contains("TEAM-1 | pass"),
        "{text}"
    );
    let on_finding = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": template }, "position": position(7, 14) }),
        )
        .await;
    let text = on_finding["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        text.contains("WARD-NET-001") && text.contains("Fix:"),
        "{text}"
    );

    // ----- the quick fix suppresses the finding -----
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": template },
                "range": { "start": position(7, 12), "end": position(7, 12) },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    let suppress = actions
        .as_array()
        .and_then(|list| {
            list.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("WARD-NET-001"))
            })
        })
        .expect("a quick fix for the finding")
        .clone();
    assert_eq!(suppress["kind"], "quickfix");
    let edits = suppress["edit"]["changes"][&template]
        .as_array()
        .expect("edits")
        .clone();
    let suppressed = apply_edits(TEMPLATE, &edits);
    assert!(
        suppressed.contains(
            "    Metadata:\n      ward:\n        suppress:\n          - rule: \"WARD-NET-001\"\n"
        ),
        "{suppressed}"
    );
    client
        .notify(
            "textDocument/didChange",
            replace_all(&template, 12, &suppressed),
        )
        .await;
    let after = client
        .diagnostics(&template, |list| !has_code(list, "WARD-NET-001"))
        .await;
    assert!(after.iter().all(|d| d["severity"] != 1), "{after:?}");

    // ----- fixed in a didChange: the finding goes -----
    let fixed = TEMPLATE.replace("0.0.0.0/0", "10.0.0.0/8");
    client
        .notify(
            "textDocument/didChange",
            replace_all(&template, 13, TEMPLATE),
        )
        .await;
    client
        .diagnostics(&template, |list| has_code(list, "WARD-NET-001"))
        .await;
    client
        .notify("textDocument/didChange", replace_all(&template, 14, &fixed))
        .await;
    let clean = client
        .diagnostics(&template, |list| !has_code(list, "WARD-NET-001"))
        .await;
    assert!(!has_code(&clean, "WARD-NET-002"), "{clean:?}");

    // ----- a buffer that does not parse: one located error, nothing else -----
    let broken = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Sg: [unclosed\n";
    client
        .notify("textDocument/didChange", replace_all(&template, 15, broken))
        .await;
    let errors = client
        .diagnostics(&template, |list| {
            list.len() == 1 && list[0]["code"].is_null()
        })
        .await;
    assert_eq!(errors[0]["severity"], 1);
    assert!(
        errors[0]["range"]["start"]["line"].as_u64() >= Some(2),
        "located: {errors:?}"
    );

    // ----- a policy edit judges the open template again -----
    client
        .notify("textDocument/didChange", replace_all(&template, 16, &fixed))
        .await;
    client
        .diagnostics(&template, |list| !list.iter().any(|d| d["code"].is_null()))
        .await;
    let policy = uri_of(&root.join("policies/team.ward"));
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": policy, "languageId": "ward", "version": 1, "text": POLICY } }),
        )
        .await;
    let stricter = POLICY.replace("== \"admin\"", "== \"approved\"");
    client
        .notify("textDocument/didChange", replace_all(&policy, 2, &stricter))
        .await;
    let judged_again = client
        .diagnostics(&template, |list| has_code(list, "TEAM-1"))
        .await;
    let team = judged_again
        .iter()
        .find(|d| d["code"] == "TEAM-1")
        .expect("the workspace rule's finding");
    assert_eq!(team["severity"], 2, "medium is a warning");
    client
        .notify("textDocument/didChange", replace_all(&policy, 3, POLICY))
        .await;
    client
        .diagnostics(&template, |list| !has_code(list, "TEAM-1"))
        .await;

    // ----- a YAML file of another tool is not judged -----
    let workflow = uri_of(&root.join("workflow.yaml"));
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": workflow, "languageId": "yaml", "version": 1, "text": "on: push\njobs: {}\n" } }),
        )
        .await;
    let none = client.diagnostics(&workflow, |_| true).await;
    assert!(none.is_empty(), "{none:?}");

    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": template } }),
        )
        .await;
    client.diagnostics(&template, <[Value]>::is_empty).await;
    let _ = std::fs::remove_dir_all(&root);
}

/// With a `ward.toml`, the policies it names judge, as `ward check` run
/// there would: here the team's folder without the standard library.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configuration_file_chooses_the_policies() {
    let root = workspace("configured");
    std::fs::write(
        root.join("policies/team.ward"),
        POLICY.replace("== \"admin\"", "== \"approved\""),
    )
    .expect("writable");
    std::fs::write(root.join("ward.toml"), "policies = [\"policies\"]\n").expect("writable");
    let (mut client, _server) = start();
    initialize(&mut client, &root).await;
    let template = uri_of(&root.join("template.yaml"));
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": template, "languageId": "yaml", "version": 1, "text": TEMPLATE } }),
        )
        .await;
    let found = client
        .diagnostics(&template, |list| has_code(list, "TEAM-1"))
        .await;
    assert_eq!(
        codes(&found),
        vec!["TEAM-1".to_string()],
        "only the team's rule judges: {found:?}"
    );

    // `stdlib = true` adds the standard library to them.
    std::fs::write(
        root.join("ward.toml"),
        "policies = [\"policies\"]\nstdlib = true\n",
    )
    .expect("writable");
    let (mut client, _server) = start();
    initialize(&mut client, &root).await;
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": template, "languageId": "yaml", "version": 1, "text": TEMPLATE } }),
        )
        .await;
    let both = client
        .diagnostics(&template, |list| {
            has_code(list, "TEAM-1") && has_code(list, "WARD-NET-001")
        })
        .await;
    assert!(both.len() >= 2);
    let _ = std::fs::remove_dir_all(&root);
}

/// A rule that declares its fix (`@fix("Encrypted", true)` on WARD-EBS-001)
/// is offered as the preferred quick fix; applied, the finding goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_fix_is_a_quick_fix() {
    let root = workspace("declared-fix");
    let (mut client, _server) = start();
    initialize(&mut client, &root).await;
    let template = uri_of(&root.join("volume.yaml"));
    let text = "Resources:\n  Data:\n    Type: AWS::EC2::Volume\n    Properties:\n      AvailabilityZone: eu-west-1a\n      Size: 20\n";
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": template, "languageId": "yaml", "version": 1, "text": text } }),
        )
        .await;
    let found = client
        .diagnostics(&template, |list| has_code(list, "WARD-EBS-001"))
        .await;
    let finding = found
        .iter()
        .find(|d| d["code"] == "WARD-EBS-001")
        .expect("the finding")
        .clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": template },
                "range": finding["range"].clone(),
                "context": { "diagnostics": [finding] }
            }),
        )
        .await;
    let set = actions
        .as_array()
        .and_then(|list| list.iter().find(|a| a["isPreferred"] == true))
        .expect("a preferred quick fix")
        .clone();
    assert_eq!(
        set["title"], "Set `Encrypted` to true on `Data` (WARD-EBS-001)",
        "{actions}"
    );
    let edits = set["edit"]["changes"][&template]
        .as_array()
        .expect("edits")
        .clone();
    let encrypted = apply_edits(text, &edits);
    assert!(encrypted.contains("      Encrypted: true\n"), "{encrypted}");
    client
        .notify(
            "textDocument/didChange",
            replace_all(&template, 2, &encrypted),
        )
        .await;
    client
        .diagnostics(&template, |list| !has_code(list, "WARD-EBS-001"))
        .await;
    let _ = std::fs::remove_dir_all(&root);
}
