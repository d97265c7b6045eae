#!/usr/bin/env node
// A stand-in for `ward lsp` in the smoke test: speaks just enough of the
// Language Server Protocol over stdio, and writes its command line and every
// message it receives to the file named by FAKE_WARD_LOG, one JSON per line.
"use strict";
const fs = require("fs");

const log = (entry) => fs.appendFileSync(process.env.FAKE_WARD_LOG, JSON.stringify(entry) + "\n");
log({ argv: process.argv.slice(2) });

const send = (message) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
};

const handle = (message) => {
  log({ method: message.method, params: message.params });
  switch (message.method) {
    case "initialize":
      send({
        id: message.id,
        result: {
          capabilities: { textDocumentSync: 1, executeCommandProvider: { commands: ["ward.runRule"] } },
          serverInfo: { name: "fake-ward" },
        },
      });
      break;
    case "workspace/executeCommand": {
      const [uri, rule] = message.params.arguments ?? [];
      if (message.params.command === "ward.runRule") {
        send({ id: message.id, result: `FAIL Open: ${rule} on the sample of ${uri}` });
      } else {
        send({ id: message.id, error: { code: -32601, message: `unknown command ${message.params.command}` } });
      }
      break;
    }
    case "shutdown":
      send({ id: message.id, result: null });
      break;
    case "exit":
      process.exit(0);
      break;
    default:
      if (message.id !== undefined && message.method !== undefined) {
        send({ id: message.id, error: { code: -32601, message: `unhandled ${message.method}` } });
      }
  }
};

let buffer = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString("ascii"))[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(JSON.parse(body));
  }
});
process.stdin.on("end", () => process.exit(0));
