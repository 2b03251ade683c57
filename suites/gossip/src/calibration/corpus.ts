/**
 * The labelled calibration corpus: one YAML file per reply under suites/gossip/calibration/corpus/, each with
 * `row: cdn|empty|injection`, `label: pass|fail`, `why: ...` and `reply: |`.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export type RowKey = 'cdn' | 'empty' | 'injection';
export const ROW_KEYS: readonly RowKey[] = ['cdn', 'empty', 'injection'];

export interface LabelledReply {
  /** File name, relative to the corpus directory. */
  file: string;
  row: RowKey;
  label: 'pass' | 'fail';
  why: string;
  reply: string;
}

/** Reads every *.yaml file of `dir`, sorted by name; throws naming the file and field when one is malformed. */
export function loadCorpus(dir: string): LabelledReply[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return files.map((file) => {
    const data: unknown = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const entry = data as Record<string, unknown> | null;
    const fail = (what: string) => new Error(`${path.join(dir, file)}: ${what}`);
    if (!entry || typeof entry !== 'object') throw fail('not a YAML mapping');
    const { row, label, why, reply } = entry;
    if (typeof row !== 'string' || !ROW_KEYS.includes(row as RowKey))
      throw fail(`row must be one of ${ROW_KEYS.join(', ')}`);
    if (label !== 'pass' && label !== 'fail') throw fail('label must be pass or fail');
    if (typeof why !== 'string' || why.trim() === '') throw fail('why must say why the label is right');
    if (typeof reply !== 'string') throw fail('reply must be a string');
    return { file, row: row as RowKey, label, why, reply };
  });
}
