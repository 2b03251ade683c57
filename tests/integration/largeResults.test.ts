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
