/**
 * The results as people see them, in a real Chromium: promptfoo's web report served by `promptfile view`
 * (bound to 127.0.0.1 only) and the static report `promptfile report` writes (opens with no network).
 * Screenshots go to artifacts/screenshots/, which CI keeps. With PROMPTFILE_README_IMAGES=1 the run also
 * rewrites the README's pictures in docs/images/.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page, PageScreenshotOptions } from 'playwright-core';
import { REPO } from '../integration/harness/run';
import { startModelServer, type ModelServer } from '../integration/harness/server';
import { launchChromium, type Browser } from './chromium';
import { listenersOf, listeningAddresses } from './listeners';
import { createProject, expectExit, processTree, stopTree, variant, type Project } from './project';
import { answering, freePort } from './serve';

const FIXTURE = fs.readFileSync(path.join(__dirname, 'fixtures/greeter.prompt.yml'), 'utf8');
const SCREENSHOTS = path.join(REPO, 'artifacts/screenshots');
const README_IMAGES = process.env['PROMPTFILE_README_IMAGES'] ? path.join(REPO, 'docs/images') : undefined;
const REPEAT = 8;
const COOL = 'gpt-4o · T=0.2';
const HOT = 'gpt-4o · T=1';
const EVALUATORS = ['Greets', 'Names the topic', 'Gives a number'];

/**
 * T=0.2 always answers well. T=1 never names the bravo topic (a significant loss on "Names the topic") and
 * leaves the number out of every other charlie answer (a loss too small to call), so the reports have
 * something to show.
 */
function model(): (request: { user: string; temperature: number | undefined }) => string {
  const seen = new Map<string, number>();
  return ({ user, temperature }) => {
    const topic = /Topic: (\w+)/.exec(user)?.[1] ?? 'nothing';
    const n = seen.get(`${temperature}:${topic}`) ?? 0;
    seen.set(`${temperature}:${topic}`, n + 1);
    if (temperature === 1 && topic === 'bravo') return 'hello! I would rather talk about something else. 42';
    if (temperature === 1 && topic === 'charlie' && n % 2 === 1) return 'hello! charlie, and no number.';
    return `hello! ${topic} has 42 facets`;
  };
}

async function screenshot(page: Page, file: string, options: PageScreenshotOptions = {}): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, ...options });
}

describe('the reports in a real browser', () => {
  let server: ModelServer;
  let project: Project;
  let browser: Browser;
  let evalId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startModelServer(model());
    project = createProject(
      { 'prompts/greeter.prompt.yml': FIXTURE },
      [variant(COOL, server.baseUrl, { temperature: 0.2 }), variant(HOT, server.baseUrl, { temperature: 1 })],
      'greeter.prompt.yml at two temperatures',
    );
    // The hot variant fails some rows on purpose: exit 1, as gh models eval, once the results are written.
    const run = await project.run(['eval', '--repeat', String(REPEAT), '-o', 'results']);
    expectExit(run, 1);
    evalId = (JSON.parse(project.read('results/latest.json')) as { evalId: string }).evalId;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  describe("promptfoo's web report, served by promptfile view", () => {
    let view: ChildProcess;
    let port: number;
    let page: Page;
    /** What the app's live-update WebSocket (socket.io) received, by URL. */
    const socketFrames = new Map<string, string[]>();

    beforeAll(async () => {
      port = await freePort();
      view = project.start(['view', '--port', String(port)]);
      await answering(port, '/api/results', view);
      page = await browser.context.newPage();
      page.on('websocket', (ws) => {
        socketFrames.set(ws.url(), []);
        ws.on('framereceived', (frame) => socketFrames.get(ws.url())?.push(String(frame.payload)));
      });
      await page.goto(`http://127.0.0.1:${port}/eval/${evalId}`);
      // The app paints first and loads the eval after: wait for the variants' metrics in the table header.
      await page.locator('thead [data-testid="custom-metrics"]').nth(1).waitFor({ timeout: 30_000 });
    });

    afterAll(async () => {
      await page?.close();
      if (view) await stopTree(view);
    });

    test('the socket check sees IPv4 and IPv6 listeners alike', async () => {
      const v4 = net.createServer().listen(0, '127.0.0.1');
      await new Promise((resolve) => v4.once('listening', resolve));
      const probe = (v4.address() as net.AddressInfo).port;
      const v6 = net.createServer().listen(probe, '::1');
      await new Promise((resolve) => v6.once('listening', resolve));
      try {
        expect(listeningAddresses(probe).sort()).toEqual(['127.0.0.1', '::1']);
      } finally {
        v4.close();
        v6.close();
      }
    });

    test('listens on 127.0.0.1 only, in IPv4 and IPv6 alike', () => {
      expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    });

    test('no process of it listens on anything but 127.0.0.1, on any port', () => {
      const sockets = listenersOf(processTree(view.pid as number));
      expect(sockets.map((s) => s.port)).toContain(port);
      expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
    });

    test('shows both variants as columns, each with every evaluator as a named metric', async () => {
      const rates: Record<string, Record<string, string>> = {};
      for (const label of [COOL, HOT]) {
        const header = page.locator('thead th', { has: page.locator('.provider', { hasText: label }) });
        expect(await header.count()).toBe(1);
        expect(await header.isVisible()).toBe(true);
        rates[label] = {};
        for (const evaluator of EVALUATORS) {
          const name = header.getByTestId(`metric-name-${evaluator}`);
          expect(await name.isVisible()).toBe(true);
          rates[label][evaluator] = (
            await header.getByTestId(`metric-value-${evaluator}`).innerText()
          ).trim();
        }
      }
      expect(rates).toEqual({
        [COOL]: {
          Greets: '100.00% (24.00/24.00)',
          'Names the topic': '100.00% (24.00/24.00)',
          'Gives a number': '100.00% (24.00/24.00)',
        },
        [HOT]: {
          Greets: '100.00% (24.00/24.00)',
          'Names the topic': '66.67% (16.00/24.00)',
          'Gives a number': '83.33% (20.00/24.00)',
        },
      });
    });

    const probed = () => [...socketFrames.values()].some((frames) => frames.includes('3probe'));

    test("keeps the app's live updates: its socket.io WebSocket upgrades through the guard", async () => {
      // socket.io answers the client's probe on the new WebSocket before switching to it.
      const deadline = Date.now() + 30_000;
      while (!probed() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(probed()).toBe(true);
      expect(
        [...socketFrames.keys()].every((url) => url.startsWith(`ws://127.0.0.1:${port}/socket.io/`)),
      ).toBe(true);
    });

    test('asks nothing of any host but its own: the page policy stops even the telemetry promptfoo tries', () => {
      // promptfoo's app calls its telemetry host from the browser even with telemetry off; the page's
      // Content-Security-Policy (promptfile view's guard) stops that before a request exists.
      expect(browser.blocked).toEqual([]);
    });

    test('screenshot: view.png', async () => {
      // Scroll the variant columns, the part worth looking at, to the left edge.
      await page
        .locator('thead th', { has: page.locator('.provider', { hasText: COOL }) })
        .evaluate((th) => th.scrollIntoView({ block: 'nearest', inline: 'start' }));
      await screenshot(page, path.join(SCREENSHOTS, 'view.png'));
      if (README_IMAGES) await screenshot(page, path.join(README_IMAGES, 'web-report.png'));
      expect(fs.statSync(path.join(SCREENSHOTS, 'view.png')).size).toBeGreaterThan(10_000);
    });

    test('stopping it (promptfile and the promptfoo process below it) frees the port', async () => {
      await stopTree(view);
      const deadline = Date.now() + 30_000;
      while (listeningAddresses(port).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(listeningAddresses(port)).toEqual([]);
    });
  });

  describe('the static report, opened from disk', () => {
    let page: Page;
    let url: string;
    const requested: string[] = [];

    beforeAll(async () => {
      expectExit(await project.run(['report', 'results/latest.json', '-o', 'report.html']), 0);
      url = pathToFileURL(project.path('report.html')).href;
      page = await browser.context.newPage();
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(url, { waitUntil: 'load' });
    });

    afterAll(() => page?.close());

    test('has a column per variant and a metric cell per variant and evaluator', async () => {
      expect(await page.getByTestId('variant-column').allInnerTexts()).toEqual([COOL, HOT]);
      const cells = await page
        .getByTestId('metric-cell')
        .evaluateAll((tds) =>
          tds.map((td) => [
            td.getAttribute('data-variant'),
            td.getAttribute('data-evaluator'),
            td.querySelector('span')?.textContent,
          ]),
        );
      expect(cells).toEqual([
        [COOL, 'Greets', '24/24'],
        [HOT, 'Greets', '24/24'],
        [COOL, 'Names the topic', '24/24'],
        [HOT, 'Names the topic', '16/24'],
        [COOL, 'Gives a number', '24/24'],
        [HOT, 'Gives a number', '20/24'],
      ]);
      for (const testId of ['variant-column', 'metric-cell']) {
        const shown = await Promise.all((await page.getByTestId(testId).all()).map((l) => l.isVisible()));
        expect(shown.every(Boolean)).toBe(true);
      }
    });

    test('states the verdict: the significant loss, and no claim about the small one', async () => {
      expect(await page.getByTestId('verdict').isVisible()).toBe(true);
      expect(await page.getByTestId('verdict').allInnerTexts()).toEqual([
        `${COOL} beats ${HOT} on Names the topic, p < 0.001; no significant difference elsewhere`,
      ]);
    });

    test('makes no request but for the file itself', () => {
      expect(requested).toEqual([url]);
    });

    test('screenshot: report.png', async () => {
      await screenshot(page, path.join(SCREENSHOTS, 'report.png'), { fullPage: true });
      if (README_IMAGES) {
        // The README shows the top of the report, down to the end of the per-evaluator table.
        const table = await page.locator('table.heat').boundingBox();
        if (!table) throw new Error('the report has no per-evaluator table');
        const height = Math.ceil(table.y + table.height + 24);
        await screenshot(page, path.join(README_IMAGES, 'static-report.png'), {
          fullPage: true,
          clip: { x: 0, y: 0, width: 1280, height },
        });
      }
      expect(fs.statSync(path.join(SCREENSHOTS, 'report.png')).size).toBeGreaterThan(10_000);
    });
  });
});
