import * as path from "path";

export interface ServerSettings {
  /** `ward.server.path`: an executable name looked up on PATH, or a path. */
  path: string | undefined;
  /** `ward.server.extraArgs`: appended after `lsp`. */
  extraArgs: readonly unknown[] | undefined;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

export interface Environment {
  /** The first workspace folder, against which relative paths are resolved. */
  workspaceFolder: string | undefined;
  homeDirectory: string;
  platform: NodeJS.Platform;
}

/**
 * Turns the user's settings into the command line that starts the server:
 * `<path> lsp <extraArgs...>`.
 *
 * A bare name such as `ward` is left for the operating system to find on
 * PATH. `~` and `${userHome}` expand to the home directory and
 * `${workspaceFolder}` to the first workspace folder; any other relative
 * path is resolved against the first workspace folder.
 */
export function serverCommand(settings: ServerSettings, environment: Environment): ServerCommand {
  const pathApi = environment.platform === "win32" ? path.win32 : path.posix;
  let command = (settings.path ?? "").trim() || "ward";

  command = command.replace(/\$\{userHome\}/g, environment.homeDirectory);
  if (command === "~" || command.startsWith("~/") || command.startsWith("~\\")) {
    command = environment.homeDirectory + command.slice(1);
  }
  if (environment.workspaceFolder !== undefined) {
    command = command.replace(/\$\{workspaceFolder\}/g, environment.workspaceFolder);
  }

  const isBareName = !command.includes("/") && !command.includes("\\");
  if (!isBareName && !pathApi.isAbsolute(command) && environment.workspaceFolder !== undefined) {
    command = pathApi.resolve(environment.workspaceFolder, command);
  }

  const extraArgs = (settings.extraArgs ?? []).filter((argument): argument is string => typeof argument === "string");
  return { command, args: ["lsp", ...extraArgs] };
}

/** Renders a command line for messages, quoting arguments that contain spaces. */
export function describeCommand({ command, args }: ServerCommand): string {
  return [command, ...args].map((part) => (/[\s"]/.test(part) ? JSON.stringify(part) : part)).join(" ");
}

export interface Lookup {
  platform: NodeJS.Platform;
  /** The PATH environment variable. */
  searchPath: string | undefined;
  /** The PATHEXT environment variable (Windows). */
  pathExtensions: string | undefined;
  /** Whether a file exists at a path. */
  isFile: (path: string) => boolean;
}

/**
 * Finds the file that starting `command` would run: the path itself when it
 * contains a separator, else the first match on PATH (trying PATHEXT
 * extensions on Windows). Returns undefined when there is none, so that the
 * extension can say so instead of failing to spawn.
 */
export function findExecutable(command: string, lookup: Lookup): string | undefined {
  const windows = lookup.platform === "win32";
  const pathApi = windows ? path.win32 : path.posix;
  const extensions = windows
    ? ["", ...(lookup.pathExtensions ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((extension) => extension !== "")]
    : [""];
  const candidates = (base: string) => extensions.map((extension) => base + extension);

  if (command.includes("/") || (windows && command.includes("\\"))) {
    return candidates(command).find(lookup.isFile);
  }
  const directories = (lookup.searchPath ?? "").split(windows ? ";" : ":").filter((directory) => directory !== "");
  for (const directory of directories) {
    const found = candidates(pathApi.join(directory, command)).find(lookup.isFile);
    if (found) {
      return found;
    }
  }
  return undefined;
}
