/** Runs the promptfoo CLI this package depends on, as a child process. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../promptfile/packageRoot';

/** The promptfoo CLI entry point that ships with this package. */
export function promptfooEntrypoint(): string {
  // promptfoo's exports map hides package.json; its CJS entry sits in dist/src beside the CLI entry point.
  return path.join(path.dirname(require.resolve('promptfoo')), 'entrypoint.js');
}

/** Environment that keeps promptfoo quiet and offline-friendly: no telemetry, update checks or sharing. */
export function quietEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    PROMPTFOO_DISABLE_TELEMETRY: env['PROMPTFOO_DISABLE_TELEMETRY'] ?? '1',
    PROMPTFOO_DISABLE_UPDATE: env['PROMPTFOO_DISABLE_UPDATE'] ?? '1',
    PROMPTFOO_DISABLE_SHARING: env['PROMPTFOO_DISABLE_SHARING'] ?? '1',
    PROMPTFOO_DISABLE_RUNTIME_WARNINGS: env['PROMPTFOO_DISABLE_RUNTIME_WARNINGS'] ?? '1',
  };
}

/** Stops the promptfoo child when promptfile is killed (see the script). */
const EXIT_WITH_PARENT = path.join(packageRoot(), 'bin/exit-with-parent.cjs');

/** Where the output of a piped promptfoo child goes, line by line (each line with its line break, if it had one). */
export interface ChildOutput {
  stdout(line: string): void;
  stderr(line: string): void;
  /** One line the child wrote to its event channel (fd 3, named by PROMPTFILE_EVENTS_FD). */
  event?(line: string): void;
}

/**
 * Runs `promptfoo <args>`; resolves with its exit code. Its output is inherited, or, with `output`, piped to it line
 * by line (always read to the end, so a reader that went away never blocks the child), with an event channel on
 * fd 3. The child gets its own process group and every SIGINT, SIGTERM and SIGHUP promptfile receives, once: in one
 * group a terminal's Ctrl+C reached it twice (directly and forwarded), which promptfoo reads as "force exit" instead
 * of pausing and saving progress.
 */
export function runPromptfoo(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string; output?: ChildOutput } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const piped = options.output;
    const child = spawn(
      process.execPath,
      // promptfoo's HTTP client trips Node's ExperimentalWarning on every run; it says nothing to our users.
      [
        '--disable-warning=ExperimentalWarning',
        '--require',
        EXIT_WITH_PARENT,
        ...(options.nodeArgs ?? []),
        promptfooEntrypoint(),
        ...args,
      ],
      {
        // No stdin: a child outside the terminal's foreground group would be stopped if it read from it.
        stdio: piped ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
        env: {
          ...quietEnv(options.env),
          PROMPTFILE_PARENT_PID: String(process.pid),
          ...(piped && { PROMPTFILE_EVENTS_FD: '3' }),
        },
        cwd: options.cwd ?? process.cwd(),
        detached: process.platform !== 'win32',
      },
    );
    child.on('error', reject);
    const flushes: (() => void)[] = [];
    if (piped) {
      const channels: [number, ((line: string) => void) | undefined][] = [
        [1, (line) => piped.stdout(line)],
        [2, (line) => piped.stderr(line)],
        [3, piped.event && ((line) => piped.event?.(line))],
      ];
      for (const [fd, each] of channels) {
        const stream = child.stdio[fd] as NodeJS.ReadableStream | null | undefined;
        if (!stream) continue;
        const split = lineSplitter(each ?? (() => undefined));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => split.push(chunk));
        flushes.push(split.end);
      }
    }
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      for (const s of signals) process.off(s, forward);
      for (const flush of flushes) flush();
      resolve(code ?? (signal ? 130 : 1));
    };
    // 'close', not 'exit': the piped output is read to its end first. A process the child left behind could hold
    // its pipes open: then the output stops 5 s after the child exited.
    child.on('close', finish);
    child.on('exit', (code, signal) => {
      if (!piped) return finish(code, signal);
      setTimeout(() => {
        for (const stream of child.stdio) stream?.destroy();
        finish(code, signal);
      }, 5000).unref();
    });
  });
}

/** Cuts a stream of text into lines (each with its line break); `end` hands on the rest. */
export function lineSplitter(each: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      let at: number;
      while ((at = rest.indexOf('\n')) >= 0) {
        each(rest.slice(0, at + 1));
        rest = rest.slice(at + 1);
      }
    },
    end() {
      if (rest) each(rest);
      rest = '';
    },
  };
}

/** Colour codes, for reading promptfoo's lines as text. */
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * promptfoo's closing hints (`» View results: promptfoo view`, sharing, feedback): promptfile prints its own (how to
 * open the report from this repository), and a promptfile user does not run `promptfoo view`.
 */
export function isPromptfooHint(line: string): boolean {
  return /^\s*» (View results|Create shareable URL|Share with your team|Feedback):/.test(
    line.replace(SGR, ''),
  );
}
