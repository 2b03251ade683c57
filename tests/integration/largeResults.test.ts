/**
 * A results file larger than V8's largest string (512 MiB) is read, streaming, by the real `promptfile compare`,
 * and counted exactly: before, reading it failed with ERR_STRING_TOO_LONG. The file is the repository's real
 * results fixture scaled by the benchmark's generator (bench/resultsFixture.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeScaledResults } from '../../bench/resultsFixture';
import { expectExit, PROMPTFILE_BIN, runNode } from '../support/cli';
import { isolatedEnv } from '../support/environment';

const FIXTURE = path.join(__dirname, '../fixtures/results/repeat3.json');

describe('a results file above 512 MiB', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-results-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is compared, every call counted', async () => {
    const template = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    const written = writeScaledResults(template, dir, { files: 1, bytesPerFile: 520 * 2 ** 20 });
    expect(written.bytes).toBeGreaterThan(512 * 2 ** 20);
    const run = await runNode({
      argv: [PROMPTFILE_BIN, 'compare', written.files[0]!, '--json'],
      cwd: dir,
      env: isolatedEnv(dir),
      timeoutMs: 120_000,
    });
    expectExit(run, 0);
    const result = JSON.parse(run.stdout) as { variants: { usage: { attempts: number } }[] };
    expect(result.variants.reduce((n, v) => n + v.usage.attempts, 0)).toBe(written.results);
  }, 180_000);
});

describe('a shard of a scaled run written alone (the bench regresses one shard of a run this way)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaled-shard-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const template = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;

  it('has the rows and calls it has in the whole run: the same bytes at the same failure rate', () => {
    const whole = writeScaledResults(template, path.join(dir, 'whole'), { files: 3, resultsPerFile: 40 });
    const alone = writeScaledResults(template, path.join(dir, 'alone'), {
      files: 3,
      resultsPerFile: 40,
      only: 2,
    });
    expect(alone.files).toEqual([path.join(dir, 'alone', 'results-2.json')]);
    expect(alone.results).toBe(40);
    expect(fs.readFileSync(alone.files[0]!)).toEqual(fs.readFileSync(whole.files[1]!));
  });

  it('fails more of its calls with a smaller failEvery, on the same rows', () => {
    const rows = (file: string) =>
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { results: { results: Record<string, unknown>[] } })
        .results.results;
    const usual = rows(
      writeScaledResults(template, path.join(dir, 'usual'), { files: 2, resultsPerFile: 60, only: 2 })
        .files[0]!,
    );
    const worse = rows(
      writeScaledResults(template, path.join(dir, 'worse'), {
        files: 2,
        resultsPerFile: 60,
        only: 2,
        failEvery: 3,
      }).files[0]!,
    );
    const origin = (r: Record<string, unknown>) =>
      JSON.stringify((r['testCase'] as { metadata: unknown }).metadata);
    expect(worse.map(origin)).toEqual(usual.map(origin));
    const failed = (results: Record<string, unknown>[]) =>
      results.filter((r) => r['success'] === false).length;
    expect(failed(worse)).toBeGreaterThan(failed(usual));
  });

  it('needs resultsPerFile to know where its calls start', () => {
    expect(() =>
      writeScaledResults(template, path.join(dir, 'bytes'), { files: 2, bytesPerFile: 2 ** 20, only: 2 }),
    ).toThrow(/resultsPerFile/);
  });
});
