// Just enough of the `vscode` module to activate the bundled extension in
// Node: what the extension and vscode-languageclient call is implemented,
// and everything else is a stub that accepts any call and returns a
// disposable stub.
"use strict";

function stub() {
  const target = function () {};
  return new Proxy(target, {
    get(_target, key) {
      if (key === "then" || typeof key === "symbol") return undefined;
      if (key === "dispose") return () => {};
      return stub();
    },
    apply() {
      return stub();
    },
    construct() {
      return stub();
    },
  });
}

/** An object whose unknown properties are stubs. */
function withStubs(known) {
  return new Proxy(known, {
    get(target, key) {
      if (key in target) return target[key];
      if (key === "then" || typeof key === "symbol") return undefined;
      return stub();
    },
  });
}

class Disposable {
  constructor(callOnDispose) {
    this.callOnDispose = callOnDispose;
  }
  static from(...disposables) {
    return new Disposable(() => disposables.forEach((disposable) => disposable && disposable.dispose && disposable.dispose()));
  }
  dispose() {
    if (this.callOnDispose) this.callOnDispose();
    this.callOnDispose = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArgs) => {
      const bound = listener.bind(thisArgs);
      this.listeners.add(bound);
      return new Disposable(() => this.listeners.delete(bound));
    };
  }
  fire(value) {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose() {
    this.listeners.clear();
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose() {}
}

class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
    this.fsPath = path;
    this.authority = "";
    this.query = "";
    this.fragment = "";
  }
  static file(path) {
    return new Uri("file", path);
  }
  static parse(text) {
    const match = /^([a-z][a-z0-9+.-]*):(?:\/\/)?(.*)$/i.exec(text);
    return match ? new Uri(match[1], decodeURIComponent(match[2])) : new Uri("file", text);
  }
  toString() {
    return `${this.scheme}://${encodeURI(this.path)}`;
  }
  with() {
    return this;
  }
  toJSON() {
    return this.toString();
  }
}

class FoldingRange {
  constructor(start, end, kind) {
    Object.assign(this, { start, end, kind });
  }
}

/** Everything the test inspects afterwards. */
const recorded = {
  settings: new Map(),
  commands: new Map(),
  outputs: new Map(),
  errors: [],
  warnings: [],
  foldingProviders: [],
  configurationListeners: [],
};

const workspace = withStubs({
  workspaceFolders: undefined,
  textDocuments: [],
  getConfiguration(section) {
    return withStubs({
      get(key, fallback) {
        const full = section ? `${section}.${key}` : key;
        return recorded.settings.has(full) ? recorded.settings.get(full) : fallback;
      },
      has(key) {
        return recorded.settings.has(section ? `${section}.${key}` : key);
      },
    });
  },
  onDidChangeConfiguration(listener) {
    recorded.configurationListeners.push(listener);
    return new Disposable(() => {});
  },
  async openTextDocument(uri) {
    return { uri, languageId: "ward", getText: () => "", offsetAt: () => 0 };
  },
  asRelativePath(uri) {
    return typeof uri === "string" ? uri : uri.path;
  },
  createFileSystemWatcher() {
    return withStubs({ dispose() {} });
  },
});

const window = withStubs({
  activeTextEditor: undefined,
  visibleTextEditors: [],
  createOutputChannel(name) {
    const lines = [];
    recorded.outputs.set(name, lines);
    let current = "";
    return withStubs({
      name,
      append(text) {
        current += text;
      },
      appendLine(text) {
        lines.push(current + text);
        current = "";
      },
      clear() {
        lines.length = 0;
        current = "";
      },
      show() {},
      hide() {},
      dispose() {},
    });
  },
  async showErrorMessage(message) {
    recorded.errors.push(message);
    return undefined;
  },
  async showWarningMessage(message) {
    recorded.warnings.push(message);
    return undefined;
  },
  async showInformationMessage() {
    return undefined;
  },
  async withProgress(_options, task) {
    return task({ report() {} }, new CancellationTokenSource().token);
  },
});

const languages = withStubs({
  createLanguageStatusItem(id) {
    return withStubs({ id, dispose() {} });
  },
  registerFoldingRangeProvider(selector, provider) {
    recorded.foldingProviders.push({ selector, provider });
    return new Disposable(() => {});
  },
  /**
   * Scores a document against a selector as VS Code does, for the parts the
   * client uses: a language id or `*`, a scheme; 0 is no match. Patterns and
   * notebooks are not needed here and match nothing.
   */
  match(selector, document) {
    const score = (filter) => {
      if (typeof filter === "string") filter = { language: filter };
      if (filter.pattern !== undefined || filter.notebookType !== undefined) return 0;
      if (filter.scheme !== undefined && filter.scheme !== document.uri.scheme) return 0;
      if (filter.language === undefined || filter.language === "*") return 5;
      return filter.language === document.languageId ? 10 : 0;
    };
    return Math.max(0, ...[selector].flat().map(score));
  },
});

const commands = withStubs({
  registerCommand(id, handler) {
    if (recorded.commands.has(id)) throw new Error(`command ${id} already exists`);
    recorded.commands.set(id, handler);
    return new Disposable(() => recorded.commands.delete(id));
  },
  async executeCommand(id, ...args) {
    const handler = recorded.commands.get(id);
    return handler ? handler(...args) : undefined;
  },
});

/** Classes that vscode-languageclient extends when it loads. */
const plainClass = () =>
  class {
    constructor(...args) {
      this.args = args;
    }
  };

module.exports = withStubs({
  recorded,
  CallHierarchyItem: plainClass(),
  CodeAction: plainClass(),
  CodeLens: plainClass(),
  CompletionItem: plainClass(),
  Diagnostic: plainClass(),
  DocumentLink: plainClass(),
  InlayHint: plainClass(),
  SymbolInformation: plainClass(),
  TypeHierarchyItem: plainClass(),
  version: "1.85.0",
  env: withStubs({ appName: "Visual Studio Code", language: "en", machineId: "test", sessionId: "test" }),
  workspace,
  window,
  languages,
  commands,
  extensions: withStubs({ all: [] }),
  Uri,
  Disposable,
  EventEmitter,
  CancellationTokenSource,
  CancellationError: class CancellationError extends Error {},
  FoldingRange,
  FoldingRangeKind: { Comment: 1, Imports: 2, Region: 3 },
  LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
  RelativePattern: class RelativePattern {
    constructor(base, pattern) {
      Object.assign(this, { base, pattern });
    }
  },
});
