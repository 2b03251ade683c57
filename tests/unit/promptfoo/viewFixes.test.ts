import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixScript } from '../../../src/promptfoo/viewFixes';

const ASSETS = path.join(path.dirname(require.resolve('promptfoo')), 'app/assets');

describe("the fix for promptfoo's header metrics: each column divides by its own counts", () => {
  it("finds the header's metrics once in the installed promptfoo's app, and gives them the column's totals", () => {
    const bundles = fs.readdirSync(ASSETS).filter((f) => /^index-.*\.js$/.test(f));
    const results = bundles.map((f) => fixScript(fs.readFileSync(path.join(ASSETS, f), 'utf8')));
    expect(results.map((r) => r.fixed).reduce((a, b) => a + b, 0)).toBe(1);
    expect(
      results.some((r) =>
        /\{lookup:([\w$]+)\.namedScores,counts:([\w$]+)\(\1\),metricTotals:\2\(\1\),onShowMore/.test(
          r.script,
        ),
      ),
    ).toBe(true);
  });

  it('whatever the minifier named things', () => {
    const header = 'x(cY,{lookup:q.namedScores,counts:zz(q),metricTotals:t0,onShowMore:()=>v(!0)})';
    expect(fixScript(header)).toEqual({
      script: 'x(cY,{lookup:q.namedScores,counts:zz(q),metricTotals:zz(q),onShowMore:()=>v(!0)})',
      fixed: 1,
    });
  });

  it('leaves other scripts as they are', () => {
    const other = 'x(cY,{lookup:q.namedScores,counts:zz(p),metricTotals:t0,onShowMore:f})';
    expect(fixScript(other)).toEqual({ script: other, fixed: 0 });
  });
});
