/**
 * `promptfile view` is safe from web pages. promptfoo's own server (what `promptfoo view` serves) answers every API
 * request with `Access-Control-Allow-Origin: *`, never checks the Host header and runs the eval jobs it is POSTed,
 * `exec:` providers included: the control tests below show a page on another origin reading results and a request
 * shaped like a DNS-rebinding page's running a command there. Through `promptfile view`, both are refused, in a real
 * browser and with forged headers, while the report itself still works (tests/e2e/browser.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { isolatedEnv } from '../support/environment';
import { REPO, tempDir } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';
import { launchChromium, type Browser } from './chromium';
import { listenersOf } from './listeners';
import { expectExit, processTree, PROMPTFOO_ENTRYPOINT, startNode, stopTree } from '../support/cli';
import { createProject, variant, type Project } from '../support/project';
import { answering, freePort } from './serve';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/greeter.prompt.yml'), 'utf8');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:`port`, with exactly the headers given (Host included). */
function request(
  port: number,
  method: string,
  route: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: route, headers, setHost: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Sends a WebSocket upgrade request with exactly `headers`; resolves with the first line of the answer. */
function handshake(port: number, route: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
      socket.write(`GET ${route} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0] as string);
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

/** An eval job that runs a command through an `exec:` provider: the command creates `marker`. */
function execJob(marker: string): string {
  return JSON.stringify({
    prompts: ['hello'],
    providers: [
      `exec:node -e "require('fs').writeFileSync(${JSON.stringify(marker).replace(/"/g, "'")}, 'ran')"`,
    ],
    tests: [{ vars: {} }],
  });
}

/** What a DNS-rebinding page sends: its own name as Host and Origin, and Sec-Fetch-Site same-origin. */
function rebinding(port: number): Record<string, string> {
  return {
    host: `rebind.example:${port}`,
    origin: `http://rebind.example:${port}`,
    'sec-fetch-site': 'same-origin',
    'content-type': 'application/json',
  };
}

/** Resolves true once `file` exists, false when it has not appeared after the job had `ms` to run. */
async function appears(file: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return fs.existsSync(file);
}

/** What a page on another origin managed: read the API, start a job, open the app's live-update socket. */
interface Outcome {
  read: string;
  post: string;
  socket: string;
}

/**
 * Opens, in a real browser, a page on another origin (127.0.0.1 on a port of its own) that tries to read the results
 * of 127.0.0.1:`target` and to POST it an eval job; resolves with what the page could do.
 */
async function attack(browser: Browser, target: number, marker: string): Promise<Outcome> {
  const html = `<!doctype html><script>
    const target = 'http://127.0.0.1:${target}';
    window.outcome = (async () => {
      const out = {};
      try {
        const r = await fetch(target + '/api/results');
        out.read = r.status + ' ' + (await r.text()).slice(0, 200);
      } catch (e) { out.read = 'blocked: ' + e.message; }
      try {
        const r = await fetch(target + '/api/eval/job', { method: 'POST',
          headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(execJob(marker))} });
        out.post = r.status + ' ' + (await r.text()).slice(0, 200);
      } catch (e) { out.post = 'blocked: ' + e.message; }
      out.socket = await new Promise((resolve) => {
        const ws = new WebSocket('ws://127.0.0.1:${target}/socket.io/?EIO=4&transport=websocket');
        ws.onmessage = (e) => { resolve('open: ' + e.data); ws.close(); };
        ws.onerror = () => resolve('blocked');
      });
      return out;
    })();
  </script>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const page = await browser.context.newPage();
  try {
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    return (await page.evaluate('window.outcome')) as Outcome;
  } finally {
    await page.close();
    server.close();
  }
}

describe('promptfile view is safe from web pages', () => {
  let modelServer: ModelServer;
  let project: Project;
  let browser: Browser;
  let view: ChildProcess;
  let port: number;
  let marker: string;

  beforeAll(async () => {
    browser = await launchChromium();
    modelServer = await startModelServer(
      ({ user }) => `hello! ${/Topic: (\w+)/.exec(user)?.[1] ?? 'nothing'} has 42 facets`,
    );
    project = createProject({ 'prompts/greeter.prompt.yml': FIXTURE }, [
      variant('gpt-4o · T=0.2', modelServer.baseUrl, { temperature: 0.2 }),
    ]);
    expectExit(await project.run(['eval', '-o', 'results']), 0);
    port = await freePort();
    view = project.start(['view', '--port', String(port)]);
    await answering(port, '/api/results', view);
    marker = path.join(tempDir('view-marker-'), 'COMMAND_RAN');
  });

  afterAll(async () => {
    await browser?.close();
    if (view) await stopTree(view);
    await modelServer?.close();
  });

  afterEach(() => fs.rmSync(marker, { force: true }));

  describe("control: promptfoo's own server, as promptfoo view serves it", () => {
    let raw: ChildProcess;
    let rawPort: number;

    beforeAll(async () => {
      rawPort = await freePort();
      raw = startNode({
        argv: [
          '--require',
          path.join(REPO, 'bin/loopback.cjs'),
          PROMPTFOO_ENTRYPOINT,
          'view',
          '--port',
          String(rawPort),
          '--no',
        ],
        cwd: project.dir,
        env: isolatedEnv(project.configDir),
        timeoutMs: 24 * 3600_000,
      }).child;
      await answering(rawPort, '/api/results', raw);
    });

    afterAll(() => stopTree(raw));

    test('runs the command a rebinding-shaped POST asks for, and lets any origin read its API', async () => {
      const posted = await request(rawPort, 'POST', '/api/eval/job', rebinding(rawPort), execJob(marker));
      expect(posted.status).toBe(200);
      expect(await appears(marker, 60_000)).toBe(true);
      const read = await request(rawPort, 'GET', '/api/results', {
        host: `127.0.0.1:${rawPort}`,
        origin: 'http://127.0.0.1:1',
      });
      expect(read.headers['access-control-allow-origin']).toBe('*');
    });

    test('lets a real page on another origin read results, run a command and open its socket', async () => {
      const outcome = await attack(browser, rawPort, marker);
      expect(outcome.read).toMatch(/^200 .*evalId/s);
      expect(outcome.post).toMatch(/^200 /);
      // socket.io's open packet: the page is connected to the live updates.
      expect(outcome.socket).toMatch(/^open: 0\{"sid"/);
      expect(await appears(marker, 60_000)).toBe(true);
    });
  });

  test('refuses a request shaped like a DNS-rebinding page: the command never runs', async () => {
    const posted = await request(port, 'POST', '/api/eval/job', rebinding(port), execJob(marker));
    expect(posted.status).toBe(403);
    expect(posted.body).toMatch(/^promptfile view refused this request: Host 'rebind\.example:\d+' is not/);
    // The control shows the same job running within seconds when it gets through.
    expect(await appears(marker, 5_000)).toBe(false);
  });

  test.each([
    ['another name', 'attacker.example'],
    ['another name on this port', 'attacker.example:PORT'],
    ['127.0.0.1 on another port', '127.0.0.1:1'],
    ['no port', '127.0.0.1'],
    ['an IPv6 literal', '[::1]:PORT'],
  ])('refuses any Host but 127.0.0.1:PORT or localhost:PORT: %s', async (_what, host) => {
    const answer = await request(port, 'GET', '/api/results', { host: host.replace('PORT', String(port)) });
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('evalId');
  });

  test('answers 127.0.0.1:PORT and localhost:PORT, without CORS headers', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const answer = await request(port, 'GET', '/api/results', { host });
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('refuses cross-origin API requests, and state changes without this Origin', async () => {
    const host = `127.0.0.1:${port}`;
    const crossOrigin = await request(port, 'GET', '/api/results', { host, origin: 'http://127.0.0.1:1' });
    const crossSite = await request(port, 'GET', '/api/results', { host, 'sec-fetch-site': 'cross-site' });
    const noOrigin = await request(
      port,
      'POST',
      '/api/eval/job',
      { host, 'content-type': 'application/json' },
      execJob(marker),
    );
    expect([crossOrigin.status, crossSite.status, noOrigin.status]).toEqual([403, 403, 403]);
    expect(await appears(marker, 5_000)).toBe(false);
  });

  test('lets a link from another site open the report, and nothing else from there', async () => {
    const host = `127.0.0.1:${port}`;
    const link = { host, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    const page = await request(port, 'GET', '/', link);
    const api = await request(port, 'GET', '/api/results', { ...link, 'sec-fetch-mode': 'no-cors' });
    const form = await request(
      port,
      'POST',
      '/api/eval/job',
      { ...link, origin: 'http://attacker.example', 'content-type': 'application/json' },
      execJob(marker),
    );
    const preflight = await request(port, 'OPTIONS', '/api/eval/job', {
      host,
      origin: 'http://attacker.example',
      'access-control-request-method': 'POST',
    });
    expect([page.status, api.status, form.status, preflight.status]).toEqual([200, 403, 403, 403]);
    expect(await appears(marker, 5_000)).toBe(false);
  });

  test('refuses a WebSocket without this Origin, and passes one with it', async () => {
    const route = '/socket.io/?EIO=4&transport=websocket';
    const upgrade = {
      host: `127.0.0.1:${port}`,
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    };
    expect(await handshake(port, route, upgrade)).toMatch(/^HTTP\/1\.1 403 /);
    expect(await handshake(port, route, { ...upgrade, origin: 'http://127.0.0.1:1' })).toMatch(
      /^HTTP\/1\.1 403 /,
    );
    expect(await handshake(port, route, { ...upgrade, origin: `http://127.0.0.1:${port}` })).toMatch(
      /^HTTP\/1\.1 101 /,
    );
  });

  test("promptfoo's server has no TCP port a page could reach: the view listens on its own port only", () => {
    const sockets = listenersOf(processTree(view.pid as number));
    expect(sockets.map((s) => `${s.address}:${s.port}`)).toEqual([`127.0.0.1:${port}`]);
  });

  test('a real page on another origin can neither read results, nor start a job, nor open the socket', async () => {
    const outcome = await attack(browser, port, marker);
    expect(outcome).toEqual({
      read: expect.stringMatching(/^blocked: /),
      post: expect.stringMatching(/^blocked: /),
      socket: 'blocked',
    });
    expect(await appears(marker, 5_000)).toBe(false);
  });

  test('serves the page with a policy that lets it reach no host but its own', async () => {
    const answer = await request(port, 'GET', '/', { host: `127.0.0.1:${port}` });
    const csp = String(answer.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|'unsafe-eval'/);
    // promptfoo's page has an inline script, allowed by its hash; a revalidation gets the whole page and
    // policy again (a 304's policy would replace the cached page's, without the hash).
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    const again = await request(port, 'GET', '/', {
      host: `127.0.0.1:${port}`,
      'if-none-match': String(answer.headers['etag'] ?? '"x"'),
      'if-modified-since': String(answer.headers['last-modified'] ?? new Date().toUTCString()),
    });
    expect(again.status).toBe(200);
    expect(again.headers['content-security-policy']).toBe(csp);
  });
});
