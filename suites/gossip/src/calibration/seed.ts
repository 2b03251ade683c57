/**
 * The seed prompt file as the calibration needs it: the variables of its three rows and its regex evaluators.
 * Read with `yaml` directly, so the calibration depends on the file, not on the loader's API.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import type { RowKey } from './corpus';

export interface SeedRegex {
  name: string;
  pattern: string;
}

export interface Seed {
  rows: Record<RowKey, Record<string, string>>;
  regexes: SeedRegex[];
}

/** Row index of each corpus row key in the seed's testData. */
export const SEED_ROW_INDEX: Record<RowKey, number> = { cdn: 0, empty: 1, injection: 2 };

/** Reads the seed prompt file's rows and regex evaluators. */
export function loadSeed(file: string): Seed {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as {
    testData?: { variables?: Record<string, unknown> }[];
    evaluators?: { name?: string; type?: string; pattern?: string }[];
  };
  const rowAt = (i: number): Record<string, string> => {
    const vars = doc.testData?.[i]?.variables;
    if (!vars) throw new Error(`${file}: testData[${i}] is missing`);
    return Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]),
    );
  };
  const rows = {
    cdn: rowAt(SEED_ROW_INDEX.cdn),
    empty: rowAt(SEED_ROW_INDEX.empty),
    injection: rowAt(SEED_ROW_INDEX.injection),
  };
  const regexes = (doc.evaluators ?? [])
    .filter((e) => e.type === 'regex' && typeof e.pattern === 'string' && typeof e.name === 'string')
    .map((e) => ({ name: e.name!, pattern: e.pattern! }));
  return { rows, regexes };
}
