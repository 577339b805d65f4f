import * as fs from 'fs';
import * as path from 'path';

/** A problem found in a run's output, at a file of the workspace. */
export interface Problem {
  /** Absolute path in the workspace folder. */
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

/**
 * Maps paths as the server printed them to files of the workspace folder: absolute paths under
 * the server's working directory map to the same place under the workspace folder, relative
 * paths resolve against the workspace folder; whatever does not exist there is skipped.
 */
export class PathMapper {
  private readonly exists = new Map<string, boolean>();

  constructor(
    private readonly workspaceFolder: string,
    private readonly serverWorkdir: string | undefined,
    private readonly isFile: (file: string) => boolean = defaultIsFile,
  ) {}

  /** The workspace file that `printed` names, or undefined when there is none. */
  map(printed: string): string | undefined {
    const candidate = this.candidate(printed.trim());
    if (candidate === undefined) {
      return undefined;
    }
    let exists = this.exists.get(candidate);
    if (exists === undefined) {
      exists = this.isFile(candidate);
      this.exists.set(candidate, exists);
    }
    return exists ? candidate : undefined;
  }

  private candidate(printed: string): string | undefined {
    if (printed.length === 0) {
      return undefined;
    }
    if (path.posix.isAbsolute(printed)) {
      const server = this.serverWorkdir && within(printed, this.serverWorkdir);
      if (server !== undefined && server !== false) {
        return path.join(this.workspaceFolder, server);
      }
      const local = within(printed, this.workspaceFolder);
      return local === false ? undefined : path.join(this.workspaceFolder, local);
    }
    const resolved = path.resolve(this.workspaceFolder, printed);
    return within(resolved, this.workspaceFolder) === false ? undefined : resolved;
  }
}

/** `file` relative to `folder` when it is inside it, else false. */
function within(file: string, folder: string): string | false {
  const relative = path.posix.relative(folder, path.posix.normalize(file));
  if (relative === '' || relative.startsWith('..') || path.posix.isAbsolute(relative)) {
    return false;
  }
  return relative;
}

function defaultIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// ANSI CSI and OSC sequences: tox and pytest colour their output (the server sets PY_COLORS=1).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** `tests/test_x.py:12: AssertionError` (pytest's location lines, flake8, mypy …). */
const LOCATION = /^\s*([^\s:"'][^:"']*?):(\d+):(?:\d+:)?\s+(\S.*)$/;
/** `  File "tests/test_x.py", line 12, in test_add` (Python tracebacks). */
const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in .*)?$/;
const TRACEBACK_START = /^Traceback \(most recent call last\):\s*$/;

/** Text without ANSI escapes and carriage returns, as lines. */
export function plainLines(text: string): string[] {
  return text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => {
      // A progress line redrawn with \r shows only its last version.
      const withoutEnd = line.endsWith('\r') ? line.slice(0, -1) : line;
      const cr = withoutEnd.lastIndexOf('\r');
      return cr < 0 ? withoutEnd : withoutEnd.slice(cr + 1);
    });
}

/**
 * The problems in a run's output: `path:line: message` lines, and Python tracebacks (every frame
 * in the workspace gets the exception line that ends the traceback as its message). Files the
 * mapper does not find in the workspace are skipped; duplicates are dropped.
 */
export function findProblems(text: string, mapper: PathMapper): Problem[] {
  const lines = plainLines(text);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (printed: string, line: number, message: string) => {
    const file = mapper.map(printed);
    const key = `${file}\0${line}\0${message}`;
    if (file !== undefined && line > 0 && !seen.has(key)) {
      seen.add(key);
      problems.push({ file, line, message });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (TRACEBACK_START.test(lines[i])) {
      i = readTraceback(lines, i + 1, add) - 1;
      continue;
    }
    const location = LOCATION.exec(lines[i]);
    if (location && !FRAME.test(lines[i])) {
      add(location[1], Number(location[2]), location[3].trim());
    }
  }
  return problems;
}

/** Reads the frames from `start` on; returns the index of the first line after the traceback. */
function readTraceback(
  lines: string[],
  start: number,
  add: (printed: string, line: number, message: string) => void,
): number {
  const frames: Array<{ file: string; line: number }> = [];
  let i = start;
  for (; i < lines.length; i++) {
    const frame = FRAME.exec(lines[i]);
    if (frame) {
      frames.push({ file: frame[1], line: Number(frame[2]) });
      continue;
    }
    // Source lines, carets and "..." under a frame are indented; the exception line is not.
    if (/^\s/.test(lines[i]) || lines[i].length === 0) {
      continue;
    }
    break;
  }
  if (i >= lines.length || frames.length === 0) {
    return i;
  }
  const message = lines[i].trim();
  for (const frame of frames) {
    add(frame.file, frame.line, message);
  }
  return i + 1;
}
