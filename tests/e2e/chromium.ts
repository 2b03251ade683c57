/**
 * A real Chromium for end-to-end tests: the binary shipped inside the `@sparticuz/chromium` npm package (so
 * `npm ci` is all the set-up), or the one PROMPTFILE_CHROMIUM names, driven by playwright-core with a fresh
 * profile, and no way off this machine. Every request to anything but 127.0.0.1 or a local file is aborted
 * before it is sent (and host names do not even resolve), and logged.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * The Chromium binary: PROMPTFILE_CHROMIUM when set (a system Chromium or Chrome), else the npm package's, which
 * it decompresses into the temp directory on first use. The package is an ES module, hence the child process;
 * a lock directory keeps two test files from decompressing over each other.
 */
export function chromiumPath(): string {
  const named = process.env['PROMPTFILE_CHROMIUM'];
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`PROMPTFILE_CHROMIUM names ${named}, which does not exist.`);
    return named;
  }
  const lock = path.join(os.tmpdir(), 'promptfile-chromium.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${lock} has been held for two minutes; remove it if no test runs.`);
      execFileSync(process.execPath, ['-e', 'setTimeout(() => {}, 200)']);
    }
  }
  try {
    const script = "import c from '@sparticuz/chromium'; process.stdout.write(await c.executablePath());";
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    }).trim();
  } finally {
    fs.rmdirSync(lock);
  }
}

/** A browser context and the requests it refused to send. */
export interface Browser {
  context: BrowserContext;
  /** Requests aborted because they left loopback. */
  blocked: string[];
  close(): Promise<void>;
}

function local(url: URL): boolean {
  return (
    url.protocol === 'file:' ||
    url.protocol === 'data:' ||
    url.protocol === 'blob:' ||
    url.hostname === '127.0.0.1'
  );
}

/** Launches Chromium with a fresh user-data dir and a `width` x `height` viewport. */
export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const executablePath = chromiumPath();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (local(url)) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return {
    context,
    blocked,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
