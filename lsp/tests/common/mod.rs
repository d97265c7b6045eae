//! The client side of a session with the real server, in process, over a
//! pipe that carries real JSON-RPC with `Content-Length` framing. The client
//! waits for each reply before sending the next request, answers the
//! server's own requests (configuration, capability registration) and
//! collects its notifications.

#![allow(dead_code, reason = "each test file uses part of the client")]

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    pub reader: BufReader<ReadHalf<DuplexStream>>,
    pub writer: WriteHalf<DuplexStream>,
    pub next_id: i64,
    pub notifications: Vec<Value>,
    /// What the client answers to `workspace/configuration` for `ward`.
    pub settings: Value,
    /// Every request the server sent to the client, by method.
    pub server_requests: Vec<String>,
}

impl Client {
    pub async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer
            .write_all(frame.as_bytes())
            .await
            .expect("the server reads");
        self.writer.flush().await.expect("the server reads");
    }

    pub async fn receive(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let read = self
                .reader
                .read_line(&mut line)
                .await
                .expect("the server writes");
            assert!(read > 0, "the server closed the connection");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = Some(value.parse::<usize>().expect("a length"));
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.reader
            .read_exact(&mut body)
            .await
            .expect("a whole message");
        serde_json::from_slice(&body).expect("JSON")
    }

    /// Handles one message from the server that is not the reply we wait
    /// for; returns it when it is a reply.
    pub async fn dispatch(&mut self, message: Value) -> Option<Value> {
        match (
            message.get("id"),
            message.get("method").and_then(Value::as_str),
        ) {
            (Some(id), Some(method)) => {
                self.server_requests.push(method.to_string());
                let result = match method {
                    "workspace/configuration" => json!([self.settings.clone()]),
                    _ => Value::Null,
                };
                let id = id.clone();
                self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }))
                    .await;
                None
            }
            (None, Some(_)) => {
                self.notifications.push(message);
                None
            }
            _ => Some(message),
        }
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        let reply = tokio::time::timeout(TIMEOUT, async {
            loop {
                let message = self.receive().await;
                if let Some(reply) = self.dispatch(message).await
                    && reply.get("id") == Some(&json!(id))
                {
                    return reply;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no reply to {method}"));
        if let Some(error) = reply.get("error") {
            panic!("{method} failed: {error}");
        }
        reply.get("result").cloned().unwrap_or(Value::Null)
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    /// Waits for a notification that satisfies `wanted`, consuming it and
    /// every notification before it.
    pub async fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        tokio::time::timeout(TIMEOUT, async {
            loop {
                if let Some(index) = self.notifications.iter().position(&wanted) {
                    let found = self.notifications[index].clone();
                    self.notifications.drain(..=index);
                    return found;
                }
                let message = self.receive().await;
                self.dispatch(message).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no notification: {what}"))
    }

    /// Waits for the diagnostics of `uri` that satisfy `wanted`.
    pub async fn diagnostics(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let uri = uri.to_string();
        let found = self
            .wait_for(&format!("diagnostics of {uri}"), |message| {
                message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri.as_str()
                    && message["params"]["diagnostics"]
                        .as_array()
                        .is_some_and(|list| wanted(list))
            })
            .await;
        found["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// Starts the server on a pipe and returns the client side.
pub fn start() -> (Client, tokio::task::JoinHandle<()>) {
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_side);
    let server = tokio::spawn(ward_lsp::serve(server_read, server_write));
    let (client_read, client_write) = tokio::io::split(client_side);
    let client = Client {
        reader: BufReader::new(client_read),
        writer: client_write,
        next_id: 0,
        notifications: Vec::new(),
        settings: json!({}),
        server_requests: Vec::new(),
    };
    (client, server)
}
