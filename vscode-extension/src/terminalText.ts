/** What the tox terminal shows: output made terminal-ready, and a header and result line per run. */

const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';

/**
 * Turns `\n` into `\r\n` for a terminal, chunk by chunk: a `\r\n` already there (even one split
 * between two chunks) and a lone `\r` (progress bars) stay as they are. ANSI escapes pass through.
 */
export class LineEndings {
  private lastWasCr = false;

  convert(text: string): string {
    if (text.length === 0) {
      return text;
    }
    let out = '';
    let previousCr = this.lastWasCr;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */ && !previousCr) {
        out += text.slice(from, i) + '\r';
        from = i;
      }
      previousCr = c === 13; /* \r */
    }
    this.lastWasCr = previousCr;
    return out + text.slice(from);
  }
}

/** Why a run happened, for its header. */
export interface RunOrigin {
  runId: number;
  trigger: 'manual' | 'change';
  changedFiles: string[];
  /** The tox arguments, when there are any. */
  args: string[];
}

/** `▶ Run 3 · on save: tests/test_x.py · 14:03:12` (bold), or `▶ Run 3 · manual · 14:03:12 · tox -e py312`. */
export function headerLine(origin: RunOrigin, at: Date): string {
  const parts = [`▶ Run ${origin.runId}`];
  if (origin.trigger === 'manual') {
    parts.push('manual');
  } else {
    parts.push(`on save: ${describeFiles(origin.changedFiles)}`);
  }
  parts.push(clockTime(at));
  if (origin.args.length > 0) {
    parts.push(`tox ${origin.args.join(' ')}`);
  }
  return `${BOLD}${parts.join(' · ')}${RESET}\r\n`;
}

/** How a run ended, as the terminal says it. */
export type RunOutcome =
  | { kind: 'passed'; durationMs: number }
  | { kind: 'failed'; returncode: number; durationMs: number }
  | { kind: 'cancelled'; durationMs: number }
  | { kind: 'error'; message: string };

/** The outcome of a finished run, from its runFinished notification. */
export function outcomeOf(finished: {
  returncode?: number;
  cancelled: boolean;
  durationMs: number;
  error?: string;
}): RunOutcome {
  if (finished.cancelled) {
    return { kind: 'cancelled', durationMs: finished.durationMs };
  }
  if (finished.returncode === undefined || finished.returncode === null) {
    return { kind: 'error', message: finished.error ?? 'the run did not start' };
  }
  if (finished.returncode === 0) {
    return { kind: 'passed', durationMs: finished.durationMs };
  }
  return { kind: 'failed', returncode: finished.returncode, durationMs: finished.durationMs };
}

/** `✔ passed in 2.1 s` (green), `✘ failed (exit 1) in 2.1 s` (red), `■ cancelled after 0.8 s` (yellow), `✘ error: …` (red). */
export function resultLine(outcome: RunOutcome): string {
  return `${RESET}${colourOf(outcome)}${describeOutcome(outcome)}${RESET}\r\n`;
}

/** The result line's words, without colour: also the status bar tooltip's "last result". */
export function describeOutcome(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'passed':
      return `✔ passed in ${seconds(outcome.durationMs)} s`;
    case 'failed':
      return `✘ failed (exit ${outcome.returncode}) in ${seconds(outcome.durationMs)} s`;
    case 'cancelled':
      return `■ cancelled after ${seconds(outcome.durationMs)} s`;
    case 'error':
      return `✘ error: ${outcome.message}`;
  }
}

function colourOf(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'passed':
      return GREEN;
    case 'cancelled':
      return YELLOW;
    default:
      return RED;
  }
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1);
}

function clockTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

function describeFiles(files: string[]): string {
  if (files.length === 0) {
    return 'a change';
  }
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}
