import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agreementOf } from '../src/calibration/agreement';
import { calibrate } from '../src/calibration/calibrate';
import { loadCorpus } from '../src/calibration/corpus';
import { loadSeed } from '../src/calibration/seed';
import { renderCalibration } from '../src/calibration/table';

const seed = loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml');

describe('the labelled corpus', () => {
  const corpus = loadCorpus('suites/gossip/calibration/corpus');

  it('has at least 36 replies across the three seed rows, each with a reason for its label', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(36);
    for (const row of ['cdn', 'empty', 'injection'] as const) {
      expect(corpus.filter((e) => e.row === row && e.label === 'pass').length).toBeGreaterThan(0);
      expect(corpus.filter((e) => e.row === row && e.label === 'fail').length).toBeGreaterThan(0);
    }
  });

  it('the whole verdict as wired agrees with at least 95% of the labels', () => {
    const report = calibrate(corpus, seed);
    const whole = report.rows.find(
      (r) => r.name === 'whole verdict: domain + scoped seed regexes',
    )!.agreement;
    expect(whole.n).toBe(corpus.length);
    expect(whole.accuracy).toBeGreaterThanOrEqual(0.95);
    const ghModels = report.rows.find(
      (r) => r.name === 'whole verdict: seed regexes all-on-all (gh models)',
    )!.agreement;
    expect(ghModels.accuracy).toBeLessThan(whole.accuracy);
    const markdown = renderCalibration(report, {
      title: '## Corpus',
      corpusDir: 'suites/gossip/calibration/corpus',
      perReply: true,
    });
    expect(markdown).toContain('| checker | rows | n | accuracy | precision | recall |');
  });

  it('names the file and the field of a malformed entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'row: cdn\nlabel: maybe\nwhy: x\nreply: y\n');
    expect(() => loadCorpus(dir)).toThrow(/bad\.yaml: label must be pass or fail/);
  });
});

/** SHA-256 over a directory's files, sorted by name: each name, its bytes, separated by NULs. */
function treeHash(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir).sort()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

// Each held-out set is measured once and never edited: a test pins its bytes as first committed.
describe.each([
  // Written before any checker change of issue 14 (f5f6376).
  ['holdout3', 53, '83e6d2b108970e4bdf058861fceb979f0159f1cd782303cbcd39e60fb3eebe83'],
  // Written before round 2, from the reference only, by an engineer who had not read the checker's code that round.
  ['holdout4', 48, '79f5c8329a7e2a7202e4628e3db14ecd5b1ae13f5d1c3862d7567c9880c50576'],
  // Holdouts 5–7: each by another engineer who had read neither the checker nor any labelled set (6aa4602,
  // 92b9877, 5b9cb2a).
  ['holdout5', 48, '8ab36acefd46149acd214f590d92bb7f3aa6ba8eef8f434f08a48f691e065fb5'],
  ['holdout6', 48, '0e326dc79fb4bfeb364718005e82bd55ec4918addc3f3c607ca7828996d04f8c'],
  ['holdout7', 48, '1231b04597bdae8a49dcd34a0bc342623b8b1e7ea5f3ca3fc9438d950c0279fa'],
  // Holdout 8: a fifth engineer, same rules; written while round 6 was made, unseen by its author (copied in after).
  ['holdout8', 48, 'bc15f3f216561649b971b817e0c7ba1f1866d47879e0ef3f4043a6a8d33e5859'],
] as const)('%s is frozen: measured once, never edited', (name, replies, sha256) => {
  it(`holds the ${replies} replies of its first commit, byte for byte`, () => {
    const dir = `suites/gossip/calibration/${name}`;
    expect(treeHash(dir)).toBe(sha256);
    expect(loadCorpus(dir)).toHaveLength(replies);
  });
});

describe('agreement, with fail as the positive class', () => {
  it('counts and ratios', () => {
    const a = agreementOf([
      { passed: false, labelPassed: false },
      { passed: false, labelPassed: true },
      { passed: true, labelPassed: false },
      { passed: true, labelPassed: true },
      { passed: true, labelPassed: true },
    ]);
    expect(a).toMatchObject({
      n: 5,
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
      trueNegatives: 2,
    });
    expect(a.accuracy).toBeCloseTo(0.6, 12);
    expect(a.precision).toBeCloseTo(0.5, 12);
    expect(a.recall).toBeCloseTo(0.5, 12);
    expect(agreementOf([{ passed: true, labelPassed: true }]).precision).toBeNaN();
  });
});
