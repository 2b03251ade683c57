/**
 * Shards read on several threads (promptfoo/parallelResults.ts, the compiled worker in dist/) give exactly the
 * table one thread gives: the same calls in the same order, repeats numbered across shards, the same trials. A bad
 * shard is the same one-line error naming it; a worker that dies hands its file back to the main thread.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTrials } from '../../src/promptfoo/readResults';
import type { Pool } from '../../src/promptfoo/parallelResults';
import type { ParseOptions } from '../../src/promptfoo/parseResults';
import type { TrialTable } from '../../src/results/trial';

const FIXTURE = path.join(__dirname, '../fixtures/results/repeat3.json');
// The compiled module, whose worker exists (the TypeScript sources have no readWorker.js beside them).
const compiled = path.join(__dirname, '../../dist/src/promptfoo/parallelResults.js');
const { readTrialsInParallel } = require(compiled) as {
  readTrialsInParallel: (paths: string[], options?: ParseOptions, pool?: Pool) => Promise<TrialTable>;
};

type Json = Record<string, unknown>;

describe('reading shards on several threads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-results-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const everywhere: Pool = { workers: 3, fromBytes: 0 };

  /** Four shards of one run: the fixture's calls, with some failed and some errored, under four eval ids. */
  const shards = Array.from({ length: 4 }, (_, s) => {
    const document = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Json;
    document['evalId'] = `eval-shard-${s}`;
    const results = (document['results'] as Json)['results'] as Json[];
    results.forEach((r, i) => {
      const grading = r['gradingResult'] as Json | null;
      const first = (grading?.['componentResults'] as Json[] | undefined)?.[0];
      if ((i + s) % 5 === 0 && first) {
        first['pass'] = false;
        first['reason'] = `failed in shard ${s}`;
        r['success'] = false;
        r['failureReason'] = 1;
      }
      if ((i + s) % 7 === 0) (r['response'] as Json)['output'] = null;
    });
    const file = path.join(dir, `shard-${s}.json`);
    fs.writeFileSync(file, JSON.stringify(document));
    return file;
  });

  const plain = (table: TrialTable) => ({
    attempts: table.attempts,
    trials: [...table.trials],
    sources: table.sources,
    shards: table.shards,
  });

  it.each([
    ['counting only', { details: false }],
    ['with reasons and replies', { details: true }],
  ] as const)('equals the one-thread table, %s', async (_, options) => {
    const parallel = await readTrialsInParallel(shards, options, everywhere);
    const single = readTrials(shards, options);
    expect(plain(parallel)).toEqual(plain(single));
    expect(parallel.attempts.some((a) => a.repeat >= 3)).toBe(true);
    expect(parallel.trials.length).toBeGreaterThan(parallel.attempts.length);
  });

  it('raises the first bad shard in the order given, as one thread would', async () => {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, fs.readFileSync(shards[0]!, 'utf8').slice(0, 5000));
    const failure = await readTrialsInParallel([shards[1]!, broken, shards[2]!], {}, everywhere).catch(
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('UserError');
    expect((failure as Error).message).toContain(broken);
    expect(() => readTrials([shards[1]!, broken, shards[2]!])).toThrow((failure as Error).message);
  });

  it('reads in the main thread what a dying worker could not', async () => {
    // Workers that exit as soon as they are asked for a file: every one dies, and each file is read here instead.
    const dies = path.join(dir, 'dies.js');
    fs.writeFileSync(
      dies,
      "require('node:worker_threads').parentPort.on('message', () => process.exit(7));\n",
    );
    const table = await readTrialsInParallel(shards, { details: false }, { ...everywhere, script: dies });
    expect(plain(table)).toEqual(plain(readTrials(shards, { details: false })));
  });
});
