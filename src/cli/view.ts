/** `promptfile view`: promptfoo's web report, bound to 127.0.0.1 (promptfoo's own server binds every interface). */
import * as path from 'node:path';
import { packageRoot } from '../promptfile/packageRoot';
import { numberFlag, parseArgs } from './args';
import type { Output } from './output';
import { runPromptfoo } from './promptfoo';

export const VIEW_HELP = `Usage: promptfile view [--port N] [--open]

Serves promptfoo's web report of recent evals on http://127.0.0.1:PORT (default 15500), never on other interfaces.`;

/** Runs `view`. */
export async function view(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(argv, { values: ['port'], booleans: ['open'], aliases: { p: 'port' } }, 'view');
  if (args.flags['help']) {
    out.log(VIEW_HELP);
    return 0;
  }
  const port = numberFlag(args, 'port', 'view', (n) => Number.isInteger(n) && n > 0 && n < 65536) ?? 15500;
  const preload = path.join(packageRoot(), 'bin/loopback.cjs');
  out.error(`promptfile view: serving on http://127.0.0.1:${port} (loopback only)`);
  return runPromptfoo(['view', '--port', String(port), args.flags['open'] ? '--yes' : '--no'], {
    nodeArgs: ['--require', preload],
  });
}
