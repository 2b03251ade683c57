/**
 * Interrupted `promptfile eval --record` runs against a slow model: nothing already finished is lost (cassettes
 * written are whole JSON, promptfoo.db keeps the finished rows), nothing is left half-written, nothing keeps running,
 * and the next run redoes the work cleanly, ending with complete results.
 *
 * promptfoo's own `eval --resume` does not work here (0.121.20): it re-sends a function prompt as the function's source
 * code, so every resumed row asked the model the same nonsense and was graded on the answer. Our providers refuse a
 * prompt that is not the row's rendered messages, so a resume ends those rows as labelled errors, never passes.
 *
 *   Ctrl+C             SIGINT to promptfile's process group, as a terminal sends it
 *   CI kills the step  SIGKILL to promptfile's process group (promptfoo runs in its own group and follows)
 *   kill -9 everything SIGKILL to both groups at once: no chance to save anything
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { live } from '../support/eval';
import { type CliRun } from '../support/cli';
import {
  filesUnder,
  promptfile,
  promptfoo,
  readResults,
  startPromptfile,
  workspace,
  type Workspace,
} from '../support/workspace';
import { startModelServer, type ModelServer } from '../support/server';

const ROWS = 6;
const servers: ModelServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));
const REPLY_MS = 800;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Interrupted {
  ws: Workspace;
  server: ModelServer;
  first: CliRun;
  /** Rows the server had answered when the signal went out. */
  answeredBefore: number;
  promptfooPid: number;
  /** Cassette files right after the interruption, and whether each parsed as JSON. */
  cassettes: Record<string, boolean>;
  /** promptfoo.db's rows of the interrupted eval, via `promptfoo export eval latest`. */
  savedRows: number;
  /** Files ending in .tmp, and whether results/latest.json existed, right after the interruption. */
  tmpFiles: string[];
  resultsWritten: boolean;
}

/** Starts a recording run against a slow server, interrupts it after 3 answers, and takes stock. */
async function interrupt(how: 'ctrl-c' | 'kill-group' | 'kill-all'): Promise<Interrupted> {
  const server = await startModelServer(() => ({ text: 'a slow answer', delayMs: REPLY_MS }));
  servers.push(server);
  const ws = workspace({
    files: {
      'prompts/slow.prompt.yml': stringify({
        name: 'slow',
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'row {{n}}' }],
        testData: Array.from({ length: ROWS }, (_, n) => ({ n: String(n) })),
        evaluators: [{ name: 'Answers', type: 'regex', pattern: 'answer' }],
      }),
    },
    providers: [live({ apiBaseUrl: server.baseUrl }, 'live')],
    env: { OPENAI_API_KEY: 'sk-interrupt' },
  });
  const running = startPromptfile(ws, ['eval', '--record', 'cassettes', '--', '--max-concurrency', '1']);
  const pid = running.child.pid as number;
  // Waits for an event (the third request has arrived, so it is in flight for REPLY_MS), not a fixed time; the
  // deadline only stops a broken run from hanging the test, and is far from the seconds a start takes.
  const deadline = Date.now() + 120_000;
  while (server.requests.length < 3 && Date.now() < deadline) await sleep(50);
  const [promptfooPid] = childrenOf(pid);
  const answeredBefore = server.requests.length - 1;
  if (!(pid > 0 && (promptfooPid ?? 0) > 0) || running.child.exitCode !== null) {
    throw new Error(`the run was not in flight to interrupt: ${server.requests.length} requests`);
  }
  if (how === 'ctrl-c') process.kill(-pid, 'SIGINT');
  if (how === 'kill-group') process.kill(-pid, 'SIGKILL');
  if (how === 'kill-all') {
    process.kill(-pid, 'SIGKILL');
    process.kill(-(promptfooPid as number), 'SIGKILL');
  }
  const first = await running.done;
  // promptfoo may still be saving (Ctrl+C, or after noticing its parent died): wait until it is gone.
  const gone = Date.now() + 60_000;
  while (promptfooPid && alive(promptfooPid) && Date.now() < gone) await sleep(100);
  const cassettes = Object.fromEntries(
    filesUnder(path.join(ws.dir, 'cassettes')).map((f) => {
      try {
        JSON.parse(fs.readFileSync(f, 'utf8'));
        return [path.relative(ws.dir, f), true];
      } catch {
        return [path.relative(ws.dir, f), false];
      }
    }),
  );
  const exported = await promptfoo(ws, ['export', 'eval', 'latest', '-o', 'interrupted.json']);
  const savedRows =
    exported.code === 0 ? readResults(path.join(ws.dir, 'interrupted.json')).results.results.length : -1;
  const tmpFiles = filesUnder(ws.dir).filter((f) => f.endsWith('.tmp'));
  const resultsWritten = fs.existsSync(path.join(ws.dir, 'results/latest.json'));
  return {
    ws,
    server,
    first,
    answeredBefore,
    promptfooPid: promptfooPid ?? -1,
    cassettes,
    savedRows,
    tmpFiles,
    resultsWritten,
  };
}

/** What every interruption must leave behind. */
function nothingLostNothingHalfWritten(run: Interrupted): void {
  expect(run.promptfooPid).toBeGreaterThan(0);
  expect(alive(run.promptfooPid)).toBe(false); // nothing keeps running
  expect(Object.keys(run.cassettes).length).toBeGreaterThanOrEqual(run.answeredBefore);
  expect(Object.values(run.cassettes).every(Boolean)).toBe(true); // each one whole JSON
  expect(run.tmpFiles).toEqual([]);
  expect(run.savedRows).toBeGreaterThanOrEqual(run.answeredBefore); // promptfoo.db kept the finished rows
  expect(run.savedRows).toBeLessThan(ROWS);
  expect(run.resultsWritten).toBe(false); // no stale or partial results
}

interface Afterwards {
  run: Interrupted;
  resumed: CliRun;
  resumedResults: ReturnType<typeof readResults>['results'];
  redone: CliRun;
  /** Requests the server had seen before the rerun. */
  before: number;
}

/** Interrupts a run, tries promptfoo's --resume, then runs the same command again. */
async function interruptThenRecover(how: 'ctrl-c' | 'kill-group' | 'kill-all'): Promise<Afterwards> {
  const run = await interrupt(how);
  const resumed = await promptfile(run.ws, ['eval', '--record', 'cassettes', '--', '--resume']);
  const resumedResults = readResults(path.join(run.ws.dir, 'results/latest.json')).results;
  const before = run.server.requests.length;
  const redone = await promptfile(run.ws, ['eval', '--record', 'cassettes']);
  return { run, resumed, resumedResults, redone, before };
}

/** A `-- --resume` run: the rows it re-ran end as labelled errors, not as passes graded on the wrong question. */
function resumeRefused(a: Afterwards): void {
  expect(a.resumed.code).toBe(1);
  expect(a.resumed.stdout + a.resumed.stderr).toMatch(/Resuming: skipping \d+ previously completed cases/);
  // Row by row: promptfoo's own `stats` of a resumed eval that had been killed undercount (seen: 1 success of 2).
  const outcomes = a.resumedResults.results.map((r) =>
    r.success ? 'pass' : r.failureReason === 2 ? 'error' : 'fail',
  );
  expect(outcomes).toHaveLength(ROWS);
  expect(outcomes.filter((o) => o === 'pass')).toHaveLength(a.run.savedRows);
  expect(outcomes.filter((o) => o === 'error')).toHaveLength(ROWS - a.run.savedRows);
  for (const r of a.resumedResults.results.filter((x) => !x.success)) {
    expect(r.error).toMatch(
      /^live: the prompt promptfoo sent is not prompts\/slow\.prompt\.yml row \d+ as prompts\/promptfile\.ts:render renders it/,
    );
  }
}

/** The rerun's results are complete: every row asked its own question once, all passing, every cassette whole. */
function rerunComplete(a: Afterwards): void {
  expect(a.redone.code).toBe(0);
  expect(
    a.run.server.requests
      .slice(a.before)
      .map((r) => r.text)
      .sort(),
  ).toEqual(Array.from({ length: ROWS }, (_, n) => `row ${n}`));
  const results = readResults(path.join(a.run.ws.dir, 'results/latest.json')).results;
  expect(results.results.map((r) => r.vars['n'] ?? '').sort()).toEqual(
    Array.from({ length: ROWS }, (_, n) => String(n)),
  );
  expect(results.stats).toMatchObject({ successes: ROWS, failures: 0, errors: 0 });
  const cassettes = filesUnder(path.join(a.run.ws.dir, 'cassettes'));
  const asked = cassettes.map(
    (f) => JSON.parse(fs.readFileSync(f, 'utf8')).request.messages[0].content as string,
  );
  expect(asked.sort()).toEqual(Array.from({ length: ROWS }, (_, n) => `row ${n}`));
}

describe('Ctrl+C (SIGINT to the process group, as a terminal sends it)', () => {
  let a: Afterwards;
  beforeAll(async () => {
    a = await interruptThenRecover('ctrl-c');
  });

  test('promptfoo pauses once, gracefully: the call in flight finishes and is saved', () => {
    expect(a.run.first.stdout + a.run.first.stderr).toContain('Evaluation paused');
    expect(a.run.first.stdout + a.run.first.stderr).not.toContain('Force exiting');
    nothingLostNothingHalfWritten(a.run);
    expect(a.run.savedRows).toBe(a.run.answeredBefore + 1);
  });

  test('promptfile says the run was interrupted and what to do, and exits 1', () => {
    expect(a.run.first.code).toBe(1);
    expect(a.run.first.stderr).toContain(
      'the run was interrupted before promptfoo wrote results/latest.json',
    );
    expect(a.run.first.stderr).toContain('run the command again for complete results');
  });

  test("promptfoo's --resume re-sends the function's source as the prompt: refused, each row a labelled error", () => {
    resumeRefused(a);
  });

  test('running the command again ends with complete results', () => {
    rerunComplete(a);
  });
});

describe('SIGKILL to promptfile (a CI step killed)', () => {
  let a: Afterwards;
  beforeAll(async () => {
    a = await interruptThenRecover('kill-group');
  });

  test('promptfoo does not run on as an orphan: it notices, pauses, saves and stops', () => {
    expect(a.run.first.signal).toBe('SIGKILL');
    nothingLostNothingHalfWritten(a.run);
  });

  test('--resume is refused row by row, never a silent pass', () => {
    resumeRefused(a);
  });

  test('running the command again ends with complete results', () => {
    rerunComplete(a);
  });
});

describe('SIGKILL to everything: nothing can save, yet nothing finished is lost or half-written', () => {
  let a: Afterwards;
  beforeAll(async () => {
    a = await interruptThenRecover('kill-all');
  });

  test('the rows that finished are in promptfoo.db and their cassettes are whole', () => {
    expect(a.run.first.signal).toBe('SIGKILL');
    nothingLostNothingHalfWritten(a.run);
  });

  test('--resume is refused row by row, never a silent pass', () => {
    resumeRefused(a);
  });

  test('running the command again redoes every row cleanly, rewriting the cassettes whole', () => {
    rerunComplete(a);
  });
});
