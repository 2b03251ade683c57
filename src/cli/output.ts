/** Where the CLI writes: stdout for results, stderr for diagnostics. Injected so tests can capture it. */
export type Stream = 'stdout' | 'stderr';

export interface Output {
  log(line: string): void;
  error(line: string): void;
  /**
   * Workflow commands the CLI itself composes (`::error ...`, `::stop-commands::...`), written as they are: the only
   * text that may reach a CI log as a command. Whatever they carry must already be escaped for it. stdout unless
   * `stream` says otherwise (`eval --json` keeps stdout for its one JSON document).
   */
  command(line: string, stream?: Stream): void;
  /**
   * Text a child process (promptfoo) printed, passed on as it came, colour included; the caller fences it under
   * GitHub Actions (see eval.ts).
   */
  relay(stream: Stream, text: string): void;
  /**
   * The one live status line at the foot of a terminal (eval's progress): drawn on stderr, cleared before anything
   * else is written and drawn again after it; '' removes it. Ignored when stderr is not a terminal.
   */
  status(line: string): void;
  /** Whether stderr is a terminal (where a status line can be redrawn in place). */
  readonly terminal: boolean;
}

/**
 * Streams a reader closed (`promptfile compare | head`): not an error. What would have been written there is
 * dropped and the command finishes as it would have, with the same exit status.
 */
const closed = new Set<NodeJS.WriteStream>();
const guarded = new Set<NodeJS.WriteStream>();

function guard(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed.add(stream);
    else throw error;
  });
}

const streams: Record<Stream, NodeJS.WriteStream> = {
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
};

/** The status line on screen now ('' when none). */
let statusLine = '';
const CLEAR_LINE = '\r\u001b[2K';

function write(name: Stream, text: string): void {
  const stream = streams[name];
  guard(stream);
  if (closed.has(stream) || stream.destroyed) return;
  if (statusLine) rawStderr(CLEAR_LINE);
  stream.write(text);
  if (statusLine) rawStderr(statusLine);
}

function rawStderr(text: string): void {
  guard(process.stderr);
  if (!closed.has(process.stderr) && !process.stderr.destroyed) process.stderr.write(text);
}

export const consoleOutput: Output = {
  log: (line) => write('stdout', `${inert(line)}\n`),
  error: (line) => write('stderr', `${inert(line)}\n`),
  command: (line, stream = 'stdout') => write(stream, `${line}\n`),
  relay: (stream, text) => write(stream, text),
  status: (line) => {
    if (!process.stderr.isTTY) return;
    // Cut to the terminal's width: a wrapped line cannot be cleared with one carriage return.
    const width = process.stderr.columns || 80;
    const shown = [...inert(line.replace(/\s+/g, ' '))].slice(0, width - 1).join('');
    rawStderr(`${CLEAR_LINE}${shown}`);
    statusLine = shown;
  },
  get terminal() {
    return process.stderr.isTTY === true;
  },
};

/**
 * Text with its control characters shown, not obeyed, that no CI runner reads as a command. Evaluator names,
 * labels, paths and model API error messages reach the terminal and CI log through here: an escape sequence or
 * carriage return in them must not drive the terminal, and a line that GitHub Actions would take for a workflow
 * command (`::` first on the line after blanks, or `##[` anywhere) is shown escaped instead: `\::` and `##\u005b`
 * (the latter also reads back as `##[` inside JSON output). Line breaks and tabs are the CLI's own layout and stay;
 * names are kept on one line before they get here (results/visible.ts).
 */
export function inert(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
    .replace(/^([^\S\n]*)::/gm, '$1\\::')
    .replace(/##\[/g, '##\\u005b');
}
