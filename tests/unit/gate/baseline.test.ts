import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../../src/errors/diagnostics';
import {
  buildBaseline,
  naturalCompare,
  naturalSort,
  parseBaseline,
  readBaseline,
  serializeBaseline,
  writeBaseline,
  type Baseline,
} from '../../../src/gate/baseline';
import { seeded } from '../../../src/stats/random';
import { readTrials } from '../../../src/promptfoo/readResults';
import { trialTable } from './build';

const FIXTURE = path.resolve(__dirname, '../../fixtures/results/repeat3.json');

describe('baselines are stable and diff-friendly', () => {
  it('the same trials give byte-identical output', () => {
    const a = serializeBaseline(buildBaseline(readTrials([FIXTURE])));
    const b = serializeBaseline(buildBaseline(readTrials([FIXTURE])));
    expect(a).toBe(b);
  });

  it('the order trials arrive in does not matter', () => {
    const table = readTrials([FIXTURE]);
    const reversed = { ...table, trials: [...table.trials].reverse() };
    expect(serializeBaseline(buildBaseline(reversed))).toBe(serializeBaseline(buildBaseline(table)));
  });

  it('survives a round trip through its own parser unchanged', () => {
    const text = serializeBaseline(buildBaseline(readTrials([FIXTURE])));
    expect(serializeBaseline(parseBaseline(text, 'baseline.json'))).toBe(text);
  });

  it('puts one count object per line, with sorted keys and rows in natural order', () => {
    const text = serializeBaseline(
      buildBaseline(
        trialTable([
          { variant: 'b', evaluator: 'E', row: 10, outcomes: 'P' },
          { variant: 'b', evaluator: 'E', row: 2, outcomes: 'PF' },
          { variant: 'a', evaluator: 'E', row: 0, outcomes: 'E' },
        ]),
      ),
    );
    expect(text).toBe(
      [
        '{',
        '  "schemaVersion": 2,',
        '  "variants": {',
        '    "a": {',
        '      "E": {',
        '        "rows": {',
        '          "prompts/x.prompt.yml#0": { "errors": 1, "passes": 0, "trials": 0 }',
        '        },',
        '        "total": { "errors": 1, "passes": 0, "trials": 0 }',
        '      }',
        '    },',
        '    "b": {',
        '      "E": {',
        '        "rows": {',
        '          "prompts/x.prompt.yml#2": { "errors": 0, "passes": 1, "trials": 2 },',
        '          "prompts/x.prompt.yml#10": { "errors": 0, "passes": 1, "trials": 1 }',
        '        },',
        '        "total": { "errors": 0, "passes": 2, "trials": 3 }',
        '      }',
        '    }',
        '  },',
        '  "rowVerdicts": {',
        '    "a": {',
        '      "rows": {',
        '        "prompts/x.prompt.yml#0": { "errors": 1, "passes": 0, "trials": 0 }',
        '      },',
        '      "total": { "errors": 1, "passes": 0, "trials": 0 }',
        '    },',
        '    "b": {',
        '      "rows": {',
        '        "prompts/x.prompt.yml#2": { "errors": 0, "passes": 1, "trials": 2 },',
        '        "prompts/x.prompt.yml#10": { "errors": 0, "passes": 1, "trials": 1 }',
        '      },',
        '      "total": { "errors": 0, "passes": 2, "trials": 3 }',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('holds counts only: no model output, reasons, prompts or var values', () => {
    const text = serializeBaseline(
      buildBaseline(
        trialTable([{ variant: 'v', evaluator: 'E', outcomes: 'PF', reason: 'SECRET model said sk-123' }]),
      ),
    );
    expect(text).not.toMatch(/SECRET|sk-123|results\.json|:10/);
    const fixture = serializeBaseline(buildBaseline(readTrials([FIXTURE])));
    expect(fixture).not.toMatch(/unsafe|Push|CDN|scripted|127\.0\.0\.1/);
  });

  it('keeps a hostile variant name as data', () => {
    const baseline = buildBaseline(trialTable([{ variant: '__proto__', evaluator: 'E', outcomes: 'P' }]));
    expect(Object.keys(baseline.variants)).toEqual(['__proto__']);
    expect(parseBaseline(serializeBaseline(baseline), 'b.json').variants['__proto__']).toBeDefined();
  });
});

describe('large baselines', () => {
  /** A baseline of `rows` rows with names in several scripts, the way a run of that many calls would give it. */
  function large(rows: number): Baseline {
    const random = seeded(rows);
    const keys = Array.from({ length: rows }, (_, i) => `suite ✓#r${(i * 7919) % (rows * 3)}x${i % 7}`);
    const tally = () => {
      const trials = 1 + Math.floor(random() * 3);
      return { errors: Math.floor(random() * 2), passes: Math.floor(random() * (trials + 1)), trials };
    };
    const entry = () => {
      const rowsOf = Object.fromEntries(keys.map((k) => [k, tally()]));
      const total = { errors: 0, passes: 0, trials: 0 };
      for (const t of Object.values(rowsOf)) {
        total.errors += t.errors;
        total.passes += t.passes;
        total.trials += t.trials;
      }
      return { rows: rowsOf, total };
    };
    return {
      schemaVersion: 2,
      variants: {
        'gpt · T=0.2': { 'Refusal JSON': entry(), 日本語: entry() },
        b: { x10: entry(), x9: entry() },
      },
      slots: Object.fromEntries(keys.map((k, i) => [k, `prompts/s.prompt.yml#${i}`])),
      deterministic: ['b'],
    };
  }

  it('are written a megabyte at a time, byte for byte the text serializeBaseline makes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'baseline-write-'));
    try {
      for (const rows of [0, 1, 3, 20_000]) {
        const baseline = large(rows);
        const file = path.join(dir, `b${rows}.json`);
        const fd = openSync(file, 'w');
        writeBaseline(fd, baseline);
        closeSync(fd);
        expect(readFileSync(file, 'utf8')).toBe(serializeBaseline(baseline));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are read from bytes as JSON.parse reads their text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'baseline-read-'));
    try {
      const text = serializeBaseline(large(5_000));
      const file = path.join(dir, 'b.json');
      writeFileSync(file, text);
      expect(readBaseline(file)).toStrictEqual(JSON.parse(text));
      // The same document in another layout: read the same.
      writeFileSync(file, JSON.stringify(JSON.parse(text)));
      expect(readBaseline(file)).toStrictEqual(JSON.parse(text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sort their keys in natural order as naturalCompare does, splitting each key once', () => {
    const random = seeded(4);
    const pieces = ['a', 'b', '#', '0', '007', '7', '10', '2', 'é', '', '99999999999999999999'];
    const keys = Array.from({ length: 2000 }, () =>
      Array.from(
        { length: 1 + Math.floor(random() * 4) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join(''),
    );
    expect(naturalSort(keys)).toEqual([...keys].sort(naturalCompare));
  });
});

describe('reading a baseline refuses a bad one with one clear sentence', () => {
  const good = () =>
    JSON.parse(
      serializeBaseline(buildBaseline(trialTable([{ variant: 'v', evaluator: 'E', outcomes: 'PF' }]))),
    );
  // any: each case pokes at a different path of the parsed JSON; typing every path would hide what the case changes.
  const problem = (mutate: (doc: any) => void): string => {
    const doc = good();
    mutate(doc);
    try {
      parseBaseline(JSON.stringify(doc), 'baseline.json');
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    }
    throw new Error('expected a UserError');
  };

  it('not JSON', () => {
    expect(() => parseBaseline('{', 'baseline.json')).toThrow(
      /^baseline\.json: error: baseline is not valid JSON/,
    );
  });

  it('not a baseline', () => {
    expect(() => parseBaseline('[]', 'baseline.json')).toThrow(/not a baseline file/);
    expect(() => parseBaseline('{"results": {}}', 'baseline.json')).toThrow(/not a baseline file/);
  });

  it('from a newer version', () => {
    expect(problem((d) => (d['schemaVersion'] = 3))).toMatch(
      /schemaVersion 3 is newer than this tool reads \(2\)/,
    );
  });

  it('from version 1, which knew rows by their place: rebuild it', () => {
    expect(problem((d) => (d['schemaVersion'] = 1))).toMatch(
      /schemaVersion 1 knows rows by their place in the file, and rows are now known by what they are; rebuild it/,
    );
  });

  it('with an unknown key', () => {
    expect(problem((d) => (d['extra'] = 1))).toMatch(/unknown key "extra"/);
  });

  it('with a negative or fractional count', () => {
    expect(
      problem((d) => (d['variants']['v']['E']['rows']['prompts/x.prompt.yml#0']['passes'] = -1)),
    ).toMatch(
      /variants\["v"\]\["E"\]\.rows\["prompts\/x\.prompt\.yml#0"\]\.passes must be a whole number of at least 0, found -1/,
    );
    expect(problem((d) => (d['variants']['v']['E']['total']['trials'] = 1.5))).toMatch(
      /total\.trials must be a whole number/,
    );
  });

  it('with more passes than trials', () => {
    expect(
      problem((d) => {
        d['variants']['v']['E']['rows']['prompts/x.prompt.yml#0']['passes'] = 3;
        d['variants']['v']['E']['total']['passes'] = 3;
      }),
    ).toMatch(/has more passes than trials/);
  });

  it('edited by hand so the total no longer adds up', () => {
    expect(problem((d) => (d['variants']['v']['E']['total']['passes'] = 2))).toMatch(
      /total is not the sum of its rows/,
    );
  });

  it('missing parts', () => {
    expect(problem((d) => delete d['variants']['v']['E']['total'])).toMatch(
      /must be an object with exactly "passes", "trials" and "errors"/,
    );
    expect(problem((d) => (d['variants'] = []))).toMatch(/"variants" must be an object/);
  });

  it('with no variants, or a variant with no evaluators: it would gate nothing', () => {
    expect(problem((d) => (d['variants'] = {}))).toMatch(/has no variants: it gates nothing/);
    expect(problem((d) => (d['variants']['v'] = {}))).toMatch(/variants\["v"\] has no evaluators/);
  });

  it('with all-zero tallies: a row that counts no call, an evaluator with no graded trial', () => {
    expect(
      problem((d) => {
        for (const t of [d['variants']['v']['E'], d['rowVerdicts']['v']])
          for (const tally of [t['total'], ...Object.values(t['rows'])])
            Object.assign(tally as object, { passes: 0, trials: 0, errors: 0 });
      }),
    ).toMatch(/rows\["prompts\/x\.prompt\.yml#0"\] counts no call/);
    expect(
      problem((d) => {
        for (const t of [d['variants']['v']['E'], d['rowVerdicts']['v']])
          for (const tally of [t['total'], ...Object.values(t['rows'])])
            Object.assign(tally as object, { passes: 0, trials: 0, errors: 2 });
      }),
    ).toMatch(/variants\["v"\]\["E"\] has no graded trial \(2 errors\): it gates nothing/);
  });

  it('with astronomically large or non-finite counts, in one line instead of a crash', () => {
    expect(
      problem((d) => {
        for (const t of [d['variants']['v']['E'], d['rowVerdicts']['v']])
          for (const tally of [t['total'], ...Object.values(t['rows'])])
            Object.assign(tally as object, { passes: 2.25e15, trials: 4.5e15 });
      }),
    ).toMatch(/\.passes is 2250000000000000, more than the 1000000000 a baseline may hold/);
    expect(
      parseBaselineProblem(
        serializeBaseline(
          buildBaseline(trialTable([{ variant: 'v', evaluator: 'E', outcomes: 'P' }])),
        ).replace(/"trials": 1/g, '"trials": 1e999'),
      ),
    ).toMatch(/must be a whole number of at least 0, found Infinity/);
  });

  it('with a name that holds a control character', () => {
    expect(
      problem((d) => {
        d['variants']['v\n## ✅ passed'] = d['variants']['v'];
      }),
    ).toMatch(/has a control character \(U\+000A\) in its name/);
  });

  it('with row verdicts no run could give: more calls on a row than verdicts, or more verdict passes', () => {
    expect(
      problem((d) => {
        const row = d['rowVerdicts']['v']['rows']['prompts/x.prompt.yml#0'];
        row.trials -= 1;
        row.passes -= 1;
        d['rowVerdicts']['v']['total'].trials -= 1;
        d['rowVerdicts']['v']['total'].passes -= 1;
      }),
    ).toMatch(/has more calls than its row verdicts/);
    expect(
      problem((d) => {
        d['rowVerdicts']['v']['rows']['prompts/x.prompt.yml#0'].passes = 2;
        d['rowVerdicts']['v']['total'].passes = 2;
      }),
    ).toMatch(/has fewer passes than its row verdicts/);
  });

  describe('from disk', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'baseline-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a good file', () => {
      const file = path.join(dir, 'good.json');
      writeFileSync(
        file,
        serializeBaseline(buildBaseline(trialTable([{ variant: 'v', evaluator: 'E', outcomes: 'P' }]))),
      );
      expect(readBaseline(file).variants['v']?.['E']?.total).toEqual({ errors: 0, passes: 1, trials: 1 });
    });

    it('says a missing file is missing', () => {
      expect(() => readBaseline(path.join(dir, 'none.json'))).toThrow(
        /none\.json: error: baseline file not found$/,
      );
    });
  });
});

function parseBaselineProblem(text: string): string {
  try {
    parseBaseline(text, 'baseline.json');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
