import * as fs from "fs";
import * as os from "os";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { foldingRanges } from "./folding";
import { findRules, RuleDeclaration, ruleAt } from "./rules";
import { formatRunRuleResult, RUN_RULE_COMMAND, runRuleArguments } from "./runRule";
import { documentSelector, judgeInputsSetting, POLICY_LANGUAGE } from "./selector";
import { describeCommand, findExecutable, serverCommand, ServerCommand } from "./server";

const LANGUAGE_ID = POLICY_LANGUAGE;
/**
 * Settings read when the client starts: a change restarts it. The document
 * selector cannot change on a running client, so `ward.judgeInputs` is one.
 */
const SERVER_SETTINGS = ["ward.server.path", "ward.server.extraArgs", "ward.judgeInputs"];

let client: LanguageClient | undefined;
let serverOutput: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let resultsOutput: vscode.OutputChannel;
let status: vscode.LanguageStatusItem;
/** One watcher for the whole session, shared by every client across restarts. */
let wardFileWatcher: vscode.FileSystemWatcher;
/** Serializes starts, stops and restarts so that two never interleave. */
let lifecycle: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  serverOutput = vscode.window.createOutputChannel("Ward Language Server");
  traceOutput = vscode.window.createOutputChannel("Ward Language Server Trace");
  resultsOutput = vscode.window.createOutputChannel("Ward Rule Results");
  status = vscode.languages.createLanguageStatusItem("ward.server", { language: LANGUAGE_ID });
  status.name = "Ward Language Server";
  status.command = { title: "Restart", command: "ward.restartServer" };
  wardFileWatcher = vscode.workspace.createFileSystemWatcher("**/*.ward");
  context.subscriptions.push(serverOutput, traceOutput, resultsOutput, status, wardFileWatcher);

  context.subscriptions.push(
    vscode.languages.registerFoldingRangeProvider({ language: LANGUAGE_ID }, { provideFoldingRanges }),
    vscode.commands.registerCommand("ward.restartServer", () => schedule(restartServer)),
    vscode.commands.registerCommand("ward.runRuleOnSample", runRuleOnSample),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (SERVER_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        void schedule(restartServer);
      }
    }),
  );

  void schedule(startServer);
}

export function deactivate(): Thenable<void> | undefined {
  return schedule(stopServer);
}

function schedule(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function currentServerCommand(): ServerCommand {
  const configuration = vscode.workspace.getConfiguration("ward");
  return serverCommand(
    {
      path: configuration.get<string>("server.path"),
      extraArgs: configuration.get<unknown[]>("server.extraArgs"),
    },
    {
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      homeDirectory: os.homedir(),
      platform: process.platform,
    },
  );
}

async function startServer(): Promise<void> {
  const command = currentServerCommand();
  const found = findExecutable(command.command, {
    platform: process.platform,
    searchPath: process.env.PATH,
    pathExtensions: process.env.PATHEXT,
    isFile: (candidate) => {
      try {
        return fs.statSync(candidate).isFile();
      } catch {
        return false;
      }
    },
  });
  if (!found) {
    showState(State.Stopped);
    serverOutput.appendLine(`Could not find \`${command.command}\`; set ward.server.path to the ward executable.`);
    void reportStartFailure(command);
    return;
  }
  const executable = {
    command: found,
    args: command.args,
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const judgeInputs = judgeInputsSetting(vscode.workspace.getConfiguration("ward").get<unknown>("judgeInputs"));
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(judgeInputs),
    synchronize: {
      fileEvents: wardFileWatcher,
    },
    outputChannel: serverOutput,
    traceOutputChannel: traceOutput,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  // The id "ward" makes the client read the `ward.trace.server` setting.
  const newClient = new LanguageClient("ward", "Ward Language Server", serverOptions, clientOptions);
  newClient.onDidChangeState((event) => showState(event.newState));
  client = newClient;
  showState(State.Starting);
  serverOutput.appendLine(`Starting ${describeCommand(command)}`);

  try {
    await newClient.start();
  } catch (error) {
    showState(State.Stopped);
    serverOutput.appendLine(`Could not start the Ward language server: ${errorMessage(error)}`);
    void reportStartFailure(command);
  }
}

/** Tells the user, without holding up later restarts while the message is open. */
async function reportStartFailure(command: ServerCommand): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `Could not start the Ward language server with \`${describeCommand(command)}\`. ` +
      "Install `ward` on your PATH or set `ward.server.path`.",
    "Open Settings",
    "Show Log",
  );
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "ward.server");
  } else if (choice === "Show Log") {
    serverOutput.show(true);
  }
}

async function stopServer(): Promise<void> {
  const previous = client;
  client = undefined;
  if (!previous) {
    return;
  }
  try {
    await previous.dispose();
  } catch (error) {
    // A server that never started, or already exited, cannot be stopped; that is fine.
    serverOutput.appendLine(`Stopping the server: ${errorMessage(error)}`);
  }
  showState(State.Stopped);
}

async function restartServer(): Promise<void> {
  await stopServer();
  await startServer();
}

function showState(state: State): void {
  switch (state) {
    case State.Starting:
      status.text = "$(sync~spin) Ward";
      status.detail = "Language server starting";
      status.severity = vscode.LanguageStatusSeverity.Information;
      break;
    case State.Running:
      status.text = "$(check) Ward";
      status.detail = "Language server running";
      status.severity = vscode.LanguageStatusSeverity.Information;
      break;
    case State.Stopped:
      status.text = "$(error) Ward";
      status.detail = "Language server stopped";
      status.severity = vscode.LanguageStatusSeverity.Error;
      break;
  }
}

function provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
  return foldingRanges(document.getText()).map((fold) => {
    const kind =
      fold.kind === "comment"
        ? vscode.FoldingRangeKind.Comment
        : fold.kind === "region"
          ? vscode.FoldingRangeKind.Region
          : undefined;
    return new vscode.FoldingRange(fold.start, fold.end, kind);
  });
}

/**
 * Runs one rule on the sample input of its document through the server's
 * `ward.runRule` command and shows the text it returns.
 *
 * Arguments are optional so that a code lens or another extension can pass
 * the document URI and the rule name; without them the rule under the cursor
 * is used, or the user picks one.
 */
async function runRuleOnSample(uriArgument?: unknown, ruleArgument?: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let uri: vscode.Uri | undefined;
  if (uriArgument instanceof vscode.Uri) {
    uri = uriArgument;
  } else if (typeof uriArgument === "string" && uriArgument !== "") {
    uri = vscode.Uri.parse(uriArgument);
  } else if (editor && editor.document.languageId === LANGUAGE_ID) {
    uri = editor.document.uri;
  }
  if (!uri) {
    void vscode.window.showWarningMessage("Open a Ward file to run one of its rules.");
    return;
  }

  let ruleName = typeof ruleArgument === "string" && ruleArgument !== "" ? ruleArgument : undefined;
  if (!ruleName) {
    const document = await vscode.workspace.openTextDocument(uri);
    const cursor =
      editor && editor.document.uri.toString() === uri.toString()
        ? document.offsetAt(editor.selection.active)
        : undefined;
    ruleName = await chooseRule(document.getText(), cursor);
    if (!ruleName) {
      return;
    }
  }

  const running = client;
  if (!running || running.state !== State.Running) {
    const choice = await vscode.window.showErrorMessage(
      "The Ward language server is not running.",
      "Restart Server",
    );
    if (choice === "Restart Server") {
      await schedule(restartServer);
    }
    return;
  }

  const documentUri = running.code2ProtocolConverter.asUri(uri);
  const name = ruleName;
  resultsOutput.clear();
  resultsOutput.appendLine(`${name} in ${vscode.workspace.asRelativePath(uri)}`);
  resultsOutput.appendLine("");
  resultsOutput.show(true);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Ward: running ${name}` },
      () =>
        running.sendRequest(ExecuteCommandRequest.type, {
          command: RUN_RULE_COMMAND,
          arguments: runRuleArguments(documentUri, name),
        }),
    );
    resultsOutput.appendLine(formatRunRuleResult(result));
  } catch (error) {
    const message = errorMessage(error);
    resultsOutput.appendLine(`error: ${message}`);
    void vscode.window.showErrorMessage(`Running ${name} failed: ${message}`);
  }
}

async function chooseRule(text: string, cursor: number | undefined): Promise<string | undefined> {
  const rules = findRules(text);
  if (rules.length === 0) {
    void vscode.window.showWarningMessage("This file declares no rule.");
    return undefined;
  }
  if (cursor !== undefined) {
    const containing = rules.find((rule) => rule.start <= cursor && cursor <= rule.end);
    if (containing) {
      return containing.name;
    }
  }
  if (rules.length === 1) {
    return rules[0].name;
  }
  const nearest = cursor !== undefined ? ruleAt(text, cursor) : undefined;
  const ordered: RuleDeclaration[] = nearest ? [nearest, ...rules.filter((rule) => rule !== nearest)] : rules;
  const picked = await vscode.window.showQuickPick(
    ordered.map((rule) => ({ label: rule.name, description: rule === nearest ? "nearest" : undefined })),
    { placeHolder: "Rule to run on its sample input" },
  );
  return picked?.label;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
