/**
 * Agreement of the gossip checks with the labelled corpus, next to the seed's raw regexes applied all-on-all.
 *
 *   npx tsx bench/calibrate.ts                     print the table for the corpus
 *   npx tsx bench/calibrate.ts --write             also write docs/calibration.md
 *   npx tsx bench/calibrate.ts --corpus <dir>      another labelled set (tests/calibration/holdout)
 *
 * Exits 1 when the whole verdict agrees with fewer than 95% of the labels.
 */
import fs from 'node:fs';
import path from 'node:path';
import { calibrate } from '../src/calibration/calibrate';
import { loadCorpus } from '../src/calibration/corpus';
import { loadSeed } from '../src/calibration/seed';
import { renderCalibration } from '../src/calibration/table';

const ROOT = path.resolve(__dirname, '..');
const corpusFlag = process.argv.indexOf('--corpus');
const CORPUS = corpusFlag > 0 ? process.argv[corpusFlag + 1]! : 'tests/calibration/corpus';
const SEED = 'prompts/peer_to_peer_gossip_protocol_architect.prompt.yml';
const OUT = 'docs/calibration.md';
const REQUIRED = 0.95;

const started = Date.now();
const report = calibrate(loadCorpus(path.join(ROOT, CORPUS)), loadSeed(path.join(ROOT, SEED)));
const markdown = renderCalibration(report, CORPUS);
process.stdout.write(markdown);
if (process.argv.includes('--write')) {
  fs.mkdirSync(path.join(ROOT, path.dirname(OUT)), { recursive: true });
  fs.writeFileSync(path.join(ROOT, OUT), markdown);
  process.stdout.write(`\nwrote ${OUT}\n`);
}
const whole = report.rows.find((r) => r.name.startsWith('whole verdict: domain + scoped'))!.agreement
  .accuracy;
process.stdout.write(
  `\n${report.outcomes.length} replies in ${((Date.now() - started) / 1000).toFixed(1)} s; whole-verdict agreement ${(100 * whole).toFixed(1)}% (required ${100 * REQUIRED}%)\n`,
);
if (whole < REQUIRED) process.exitCode = 1;
