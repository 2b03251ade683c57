/**
 * A real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core, with a fresh
 * profile, and no way off this machine. Every request to anything but 127.0.0.1 or a local file is aborted
 * before it is sent (and host names do not even resolve), and logged.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium, as .ci/run installs it; PROMPTFILE_CHROMIUM names another Chromium or Chrome binary. */
export const CHROMIUM = process.env['PROMPTFILE_CHROMIUM'] || '/usr/bin/chromium';

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
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing, and the browser tests need it. .ci/run installs it ` +
        '(apt-get update && apt-get install -y chromium); on your machine run that, then the tests again.',
    );
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
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
