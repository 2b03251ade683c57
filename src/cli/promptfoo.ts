/** Runs the promptfoo CLI this package depends on, as a child process. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

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

/** Runs `promptfoo <args>` with inherited stdio; resolves with its exit code. */
export function runPromptfoo(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; cwd?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), promptfooEntrypoint(), ...args], {
      stdio: 'inherit',
      env: quietEnv(options.env),
      cwd: options.cwd ?? process.cwd(),
    });
    child.on('error', reject);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}
