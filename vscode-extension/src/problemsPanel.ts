import * as vscode from 'vscode';
import { PathMapper, Problem, findProblems } from './outputProblems';

/** Output kept per run for the Problems panel; beyond this only the end is kept. */
const OUTPUT_LIMIT = 4_000_000;

/**
 * A run's output as the Problems panel reads it when the run has ended. A run can print gigabytes,
 * so only about the last `limit` characters are kept: the failures tox summarises come last.
 */
export class KeptOutput {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly limit = OUTPUT_LIMIT) {}

  add(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}

/**
 * The Problems panel's `tox` entries: the `path:line: message` lines and Python tracebacks of the
 * last run, with the container's paths (the server's working directory) mapped to the workspace.
 */
export class ProblemsPanel implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('tox');

  constructor(private readonly workspaceFolder: string) {}

  /** Shows the problems in a run's output, in place of the last run's. */
  show(output: string, serverWorkdir: string | undefined): void {
    const mapper = new PathMapper(this.workspaceFolder, serverWorkdir);
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of findProblems(output, mapper)) {
      const list = byFile.get(problem.file) ?? [];
      list.push(toDiagnostic(problem));
      byFile.set(problem.file, list);
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) {
      this.diagnostics.set(vscode.Uri.file(file), list);
    }
  }

  clear(): void {
    this.diagnostics.clear();
  }

  dispose(): void {
    this.diagnostics.dispose();
  }
}

function toDiagnostic(problem: Problem): vscode.Diagnostic {
  const line = problem.line - 1;
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
    problem.message,
    vscode.DiagnosticSeverity.Error,
  );
  diagnostic.source = 'tox';
  return diagnostic;
}
