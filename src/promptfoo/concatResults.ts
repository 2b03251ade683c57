/**
 * One promptfoo results document from the looks of a run until decided (`eval --until-decided`), each look a
 * promptfoo eval of its own over the variants still undecided. Pure.
 *
 * The result is what one eval with every look's calls would have written: `results.results` in look order, with
 * `testIdx` offset past the earlier looks (repeats are numbered by `testIdx` within a variant and row, see
 * parseResults.ts, so a look's calls come after the earlier ones') and `promptIdx` pointing into the union of the
 * looks' columns; `stats` summed. The first look's config and metadata stand for the run.
 */
import { type Json, record } from './json';

/** Concatenates the looks' documents, in look order, under `evalId`. */
export function concatResults(documents: readonly unknown[], evalId: string): Json {
  const first = record(documents[0]) ?? {};
  const columns: Json[] = [];
  const columnIndex = new Map<string, number>();
  const rows: Json[] = [];
  const stats: Json = {};
  let offset = 0;
  for (const document of documents) {
    const results = record(record(document)?.['results']) ?? {};
    const own = Array.isArray(results['prompts']) ? results['prompts'].map((c) => record(c) ?? {}) : [];
    const remap = own.map((column) => {
      const key = JSON.stringify([column['provider'], column['label'], column['raw']]);
      let index = columnIndex.get(key);
      if (index === undefined) {
        index = columns.length;
        columnIndex.set(key, index);
        columns.push(column);
      }
      return index;
    });
    let highest = -1;
    for (const entry of Array.isArray(results['results']) ? results['results'] : []) {
      const r = record(entry);
      if (!r) continue;
      const testIdx = typeof r['testIdx'] === 'number' ? r['testIdx'] : 0;
      const promptIdx = typeof r['promptIdx'] === 'number' ? r['promptIdx'] : 0;
      highest = Math.max(highest, testIdx);
      rows.push({ ...r, testIdx: testIdx + offset, promptIdx: remap[promptIdx] ?? promptIdx });
    }
    offset += highest + 1;
    add(stats, record(results['stats']) ?? {});
  }
  const results = record(first['results']) ?? {};
  return { ...first, evalId, results: { ...results, prompts: columns, results: rows, stats } };
}

/** Adds numbers field by field, recursing into objects. */
function add(into: Json, from: Json): void {
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === 'number')
      into[key] = (typeof into[key] === 'number' ? (into[key] as number) : 0) + value;
    else if (record(value)) {
      const inner = record(into[key]) ?? {};
      add(inner, value as Json);
      into[key] = inner;
    }
  }
}
