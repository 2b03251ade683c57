/**
 * `promptfile view`: promptfoo's web report behind a guard (src/promptfoo/view.ts) on 127.0.0.1. promptfoo's own
 * server listens on a private Unix socket, reached only through the guard, which refuses what web pages could do.
 */
import * as path from 'node:path';
import { UserError } from '../errors/diagnostics';
import { packageRoot } from '../promptfile/packageRoot';
import { privateSocket, startViewGuard, type ViewGuard } from '../promptfoo/view';
import { numberFlag, parseArgs } from './args';
import type { Output } from './output';
import { runPromptfoo } from '../promptfoo/cli';

export const VIEW_HELP = `Usage: promptfile view [--port N] [--open]

Serves promptfoo's web report of recent evals on http://127.0.0.1:PORT (default 15500), never on other interfaces.
Requests from other web pages are refused: only this address and localhost:PORT, and no cross-origin API calls.`;

/** Runs `view`. */
export async function view(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(argv, { values: ['port'], booleans: ['open'], aliases: { p: 'port' } }, 'view');
  if (args.flags['help']) {
    out.log(VIEW_HELP);
    return 0;
  }
  const port = numberFlag(args, 'port', 'view', (n) => Number.isInteger(n) && n > 0 && n < 65536) ?? 15500;
  const upstream = privateSocket();
  let guard: ViewGuard;
  try {
    guard = await startViewGuard(port, upstream.path);
  } catch (error) {
    upstream.dispose();
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UserError(
      `promptfile view: cannot serve on 127.0.0.1:${port} (${code}); choose another --port`,
    );
  }
  const url = `http://127.0.0.1:${port}`;
  out.error(`promptfile view: serving on ${url} (loopback only, other web pages refused)`);
  try {
    // promptfoo is told the guard's port, so what it prints and opens (--yes: http://localhost:PORT, once it
    // listens) goes through the guard; bin/loopback.cjs moves its listener from that port to the socket.
    return await runPromptfoo(['view', '--port', String(port), args.flags['open'] ? '--yes' : '--no'], {
      nodeArgs: ['--require', path.join(packageRoot(), 'bin/loopback.cjs')],
      env: { ...process.env, PROMPTFILE_VIEW_SOCKET: upstream.path, PROMPTFILE_VIEW_PORT: String(port) },
    });
  } finally {
    await guard.close();
    upstream.dispose();
  }
}
