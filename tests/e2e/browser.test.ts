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
import { parse } from 'yaml';
import { REPO, repoFile } from '../support/eval';
import { startModelServer, type ModelServer } from '../support/server';
import { launchChromium, type Browser } from './chromium';
import { listenersOf, listeningAddresses } from './listeners';
import { expectExit, processTree, stopTree, type CliRun } from '../support/cli';
import { createProject, variant, type Project } from '../support/project';
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

/** Rows of a CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines). */
function csv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      ((row = []), (field = ''));
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
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

  describe('one number per metric: the web report, its exports and promptfile agree', () => {
    const ARCHITECT = fs.readFileSync(path.join(__dirname, 'fixtures/architect.prompt.yml'), 'utf8');
    const reply = (file: string) =>
      (
        parse(fs.readFileSync(path.join(REPO, 'suites/gossip/calibration/corpus', file), 'utf8')) as {
          reply: string;
        }
      ).reply;
    /** Passes every check. */
    const GOOD = reply('cdn-pass-01-two-level-markdown.yaml');
    /** Sound but over the row's bound: the numbers check fails while most of its findings hold. */
    const OVER = reply('cdn-fail-20-hierarchical-over-bound.yaml');
    /** Headings without content: the structure check fails. */
    const EMPTY = reply('cdn-fail-08-empty-headings.yaml');
    const GRADER = 'judge';
    let server: ModelServer;
    let project: Project;
    let run: CliRun;
    let view: ChildProcess;
    let page: Page;
    let cli: Record<string, Record<string, { passes: number; trials: number; errors: number }>>;

    beforeAll(async () => {
      // T=0.2 always answers well. T=1 answers, call by call: over the bound, an error, well, empty headings.
      let hot = 0;
      server = await startModelServer((r) => {
        if (r.model === GRADER) return r.user.includes(GOOD) ? '5' : r.user.includes(OVER) ? '3' : '1';
        if (r.temperature !== 1) return GOOD;
        const turn = hot++ % 4;
        return turn === 0
          ? OVER
          : turn === 1
            ? { status: 400, text: 'bad request' }
            : turn === 2
              ? GOOD
              : EMPTY;
      });
      const gossip = (check: string, metric: string) => ({
        type: 'javascript',
        value: `${repoFile('suites/gossip/assertions.ts')}:${check}`,
        metric,
      });
      project = createProject(
        { 'prompts/architect.prompt.yml': ARCHITECT },
        [
          variant(COOL, server.baseUrl, { temperature: 0.2 }),
          variant(HOT, server.baseUrl, { temperature: 1 }),
        ],
        'architect: one number per metric',
        {
          files: 'prompts/**/*.prompt.yml',
          grader: { id: `openai:chat:${GRADER}`, config: { apiBaseUrl: server.baseUrl, apiKey: 'sk-judge' } },
          scope: {
            'prompts/architect.prompt.yml': {
              assert: [
                gossip('numbers', 'Gossip: numbers hold'),
                gossip('structure', 'Gossip: four sections'),
              ],
            },
          },
        },
      );
      run = await project.run(['eval', '--repeat', '4', '-o', 'results', '--', '-o', 'results/export.csv']);
      expectExit(run, 1);
      const compared = await project.run(['compare', 'results/latest.json', '--json']);
      expectExit(compared, 0);
      cli = Object.fromEntries(
        (
          JSON.parse(compared.stdout) as { variants: { variant: string; evaluators: (typeof cli)[string] }[] }
        ).variants.map((v) => [v.variant, v.evaluators]),
      );
      const port = await freePort();
      view = project.start(['view', '--port', String(port)]);
      await answering(port, '/api/results', view);
      page = await browser.context.newPage();
      const evalId = (JSON.parse(project.read('results/latest.json')) as { evalId: string }).evalId;
      await page.goto(`http://127.0.0.1:${port}/eval/${evalId}`);
      await page.locator('thead [data-testid="custom-metrics"]').nth(1).waitFor({ timeout: 30_000 });
    });

    afterAll(async () => {
      await page?.close();
      if (view) await stopTree(view);
      await server?.close();
    });

    /** "passes/trials" per variant and metric, from promptfile's own table (`promptfile compare --json`). */
    function cliFigures(): Record<string, Record<string, string>> {
      return Object.fromEntries(
        Object.entries(cli).map(([v, evaluators]) => [
          v,
          Object.fromEntries(Object.entries(evaluators).map(([m, c]) => [m, `${c.passes}/${c.trials}`])),
        ]),
      );
    }

    test('the run has what promptfoo would average: partial scores that pass and fail, and an error', () => {
      const results = JSON.parse(project.read('results/latest.json')) as {
        results: {
          results: {
            failureReason?: number;
            gradingResult?: { componentResults?: { reason: string; pass: boolean }[] };
          }[];
        };
      };
      const reasons = results.results.results.flatMap((r) => r.gradingResult?.componentResults ?? []);
      // A judge's pass at 0.5, and a domain check failing with findings that held.
      expect(reasons.some((c) => c.pass && c.reason.startsWith('grader chose "3" (score 0.5'))).toBe(true);
      expect(
        reasons.some((c) => !c.pass && /^numbers FAIL \(\d+ fail, \d+ warn, [1-9]\d* pass\)/.test(c.reason)),
      ).toBe(true);
      expect(results.results.results.filter((r) => r.failureReason === 2)).toHaveLength(1);
      expect(cli[HOT]?.['Clear design']).toMatchObject({ trials: 3, errors: 1 });
    });

    test("promptfoo's web report shows promptfile's passes/trials for every metric of every variant", async () => {
      const shown: Record<string, Record<string, string>> = {};
      for (const label of [COOL, HOT]) {
        const header = page.locator('thead th', { has: page.locator('.provider', { hasText: label }) });
        expect(await header.count()).toBe(1);
        const values = await header
          .locator('[data-testid^="metric-value-"]')
          .evaluateAll((spans) =>
            spans.map(
              (s) =>
                [s.getAttribute('data-testid')!.slice('metric-value-'.length), s.textContent ?? ''] as const,
            ),
          );
        shown[label] = {};
        for (const [metric, text] of values) {
          // "75.00% (3.00/4.00)": the rate must be the fraction it shows, and the fraction whole numbers.
          const figure = /^(\d+\.\d\d)% \((\d+)\.00\/(\d+)\.00\)$/;
          expect([metric, text.trim()]).toEqual([metric, expect.stringMatching(figure)]);
          const [, rate, passes, trials] = figure.exec(text.trim()) as unknown as [
            string,
            string,
            string,
            string,
          ];
          expect(rate).toBe(((100 * Number(passes)) / Number(trials)).toFixed(2));
          shown[label][metric] = `${passes}/${trials}`;
        }
      }
      expect(shown).toEqual(cliFigures());
    });

    test("promptfoo's JSON export has the same figures: namedScores over namedScoresCount", () => {
      const results = JSON.parse(project.read('results/latest.json')) as {
        results: {
          prompts: {
            provider: string;
            metrics: { namedScores: Record<string, number>; namedScoresCount: Record<string, number> };
          }[];
        };
      };
      const exported = Object.fromEntries(
        results.results.prompts.map((p) => [
          p.provider,
          Object.fromEntries(
            Object.entries(p.metrics.namedScores).map(([m, score]) => [
              m,
              `${score}/${p.metrics.namedScoresCount[m]}`,
            ]),
          ),
        ]),
      );
      expect(exported).toEqual(cliFigures());
    });

    test("promptfoo's CSV export scores each metric 1 or 0 per row, adding up to the same passes/trials", () => {
      const [header = [], ...rows] = csv(project.read('results/export.csv'));
      // One block of columns per variant: "[label] promptfile", Status, ..., "Metric: NAME" per metric, ...
      const exported: Record<string, Record<string, string>> = {};
      const cells: string[] = [];
      let variant = '';
      for (const [i, name] of header.entries()) {
        const block = /^\[(.+)\] promptfile$/.exec(name);
        if (block) variant = block[1] as string;
        if (!name.startsWith('Metric: ')) continue;
        const column = rows.map((row) => row[i] ?? '').filter((cell) => cell !== '');
        cells.push(...column);
        exported[variant] = {
          ...exported[variant],
          [name.slice('Metric: '.length)]: `${column.filter((c) => c === '1.00').length}/${column.length}`,
        };
      }
      expect(new Set(cells)).toEqual(new Set(['0.00', '1.00']));
      expect(exported).toEqual(cliFigures());
    });

    test('promptfile eval printed the same figures', () => {
      for (const evaluators of Object.values(cliFigures()))
        for (const [metric, figure] of Object.entries(evaluators)) {
          const line = run.stdout.split('\n').find((l) => l.startsWith(`${metric}  `));
          expect([metric, line]).toEqual([metric, expect.stringContaining(` ${figure} `)]);
        }
    });
  });
});
