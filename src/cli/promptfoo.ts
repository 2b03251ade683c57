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

/**
 * Runs `promptfoo <args>` with inherited output; resolves with its exit code. The child gets its own process group
 * and every SIGINT, SIGTERM and SIGHUP promptfile receives, once: in one group a terminal's Ctrl+C reached it twice
 * (directly and forwarded), which promptfoo reads as "force exit" instead of pausing and saving progress.
 */
export function runPromptfoo(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
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
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...quietEnv(options.env), PROMPTFILE_PARENT_PID: String(process.pid) },
        cwd: options.cwd ?? process.cwd(),
        detached: process.platform !== 'win32',
      },
    );
    child.on('error', reject);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}
