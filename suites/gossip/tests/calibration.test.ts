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

describe('holdout 3 is frozen (issue 14): measured once, never edited', () => {
  it('holds the 53 replies committed in f5f6376, byte for byte', () => {
    const dir = 'suites/gossip/calibration/holdout3';
    const hash = crypto.createHash('sha256');
    for (const file of fs.readdirSync(dir).sort()) {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(path.join(dir, file)));
      hash.update('\0');
    }
    expect(hash.digest('hex')).toBe('83e6d2b108970e4bdf058861fceb979f0159f1cd782303cbcd39e60fb3eebe83');
    expect(loadCorpus(dir)).toHaveLength(53);
  });
});

describe('holdout 4 is frozen (issue 14, round 2): measured once, never edited', () => {
  // 48 replies written this round before any checker change, from docs/gossip-reference.md only, by an engineer who
  // had not read the checker's code this round (suites/gossip/src); not yet measured.
  it('holds the 48 replies of its first commit, byte for byte', () => {
    const dir = 'suites/gossip/calibration/holdout4';
    const hash = crypto.createHash('sha256');
    for (const file of fs.readdirSync(dir).sort()) {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(path.join(dir, file)));
      hash.update('\0');
    }
    expect(hash.digest('hex')).toBe('79f5c8329a7e2a7202e4628e3db14ecd5b1ae13f5d1c3862d7567c9880c50576');
    expect(loadCorpus(dir)).toHaveLength(48);
  });
});

describe('holdout 5 is frozen (issue 14, round 3): measured once, never edited', () => {
  // 48 replies written by another engineer who had read neither the checker nor any labelled set.
  it('holds the 48 replies of its first commit (6aa4602), byte for byte', () => {
    const dir = 'suites/gossip/calibration/holdout5';
    const hash = crypto.createHash('sha256');
    for (const file of fs.readdirSync(dir).sort()) {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(path.join(dir, file)));
      hash.update('\0');
    }
    expect(hash.digest('hex')).toBe('8ab36acefd46149acd214f590d92bb7f3aa6ba8eef8f434f08a48f691e065fb5');
    expect(loadCorpus(dir)).toHaveLength(48);
  });
});

describe('holdout 6 is frozen (issue 14, round 4): measured once, never edited', () => {
  // 48 replies written by a third engineer who had read neither the checker nor any labelled set.
  it('holds the 48 replies of its first commit (92b9877), byte for byte', () => {
    const dir = 'suites/gossip/calibration/holdout6';
    const hash = crypto.createHash('sha256');
    for (const file of fs.readdirSync(dir).sort()) {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(path.join(dir, file)));
      hash.update('\0');
    }
    expect(hash.digest('hex')).toBe('0e326dc79fb4bfeb364718005e82bd55ec4918addc3f3c607ca7828996d04f8c');
    expect(loadCorpus(dir)).toHaveLength(48);
  });
});

describe('holdout 7 is frozen (issue 14, round 5): measured once, never edited', () => {
  // 48 replies written by a fourth engineer who had read neither the checker nor any labelled set.
  it('holds the 48 replies of its first commit (5b9cb2a), byte for byte', () => {
    const dir = 'suites/gossip/calibration/holdout7';
    const hash = crypto.createHash('sha256');
    for (const file of fs.readdirSync(dir).sort()) {
      hash.update(`${file}\0`);
      hash.update(fs.readFileSync(path.join(dir, file)));
      hash.update('\0');
    }
    expect(hash.digest('hex')).toBe('1231b04597bdae8a49dcd34a0bc342623b8b1e7ea5f3ca3fc9438d950c0279fa');
    expect(loadCorpus(dir)).toHaveLength(48);
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
