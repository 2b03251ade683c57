/**
 * Runs the real promptfoo CLI (never imported: its CJS build breaks under ts-jest) in a throwaway config dir,
 * with telemetry, update checks and sharing off.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ENTRYPOINT = path.resolve(__dirname, '../../../node_modules/promptfoo/dist/src/entrypoint.js');

/** What a promptfoo run printed and how it exited. */
export interface PromptfooRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `promptfoo <args>` in `cwd`, with `PROMPTFOO_CONFIG_DIR=configDir`. Async, so an in-process fake server keeps serving. */
export function runPromptfoo(args: string[], cwd: string, configDir: string): Promise<PromptfooRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRYPOINT, ...args], {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: configDir,
        PROMPTFOO_CONFIG_DIR: configDir,
        PROMPTFOO_DISABLE_TELEMETRY: '1',
        PROMPTFOO_DISABLE_UPDATE: '1',
        PROMPTFOO_DISABLE_SHARING: '1',
        PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
        NO_COLOR: '1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
