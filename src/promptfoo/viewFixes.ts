/**
 * Fixes `promptfile view` applies to promptfoo's web app as it serves it, for bugs of promptfoo's that make the
 * report show another figure than its own exports and promptfile's tables. Each fix is a pattern over the shipped
 * bundle, tested on every promptfoo version CI runs (tests/e2e/browser.test.ts reads the figures in a browser); where
 * it does not match, the bundle is served unchanged.
 */

/**
 * A column header's named metrics ("66.67% (2.00/3.00)") divide the column's score by the FIRST column's count of
 * that metric: the results table computes `metricTotals` once, from `head.prompts[0].metrics`, and every header
 * gets it (promptfoo 0.121.20 to 0.123.1 at least), so a variant with an error or fewer rows than the first shows
 * a wrong rate. The header already has its own column's counts beside them (`counts`); the fix divides by those.
 */
const FIRST_COLUMN_TOTALS =
  /(\{lookup:([\w$]+)\.namedScores,counts:([\w$]+\(\2\)),metricTotals:)[\w$]+(,onShowMore)/g;

/** `script` with the fixes applied, and how many places were fixed. */
export function fixScript(script: string): { script: string; fixed: number } {
  let fixed = 0;
  const out = script.replace(
    FIRST_COLUMN_TOTALS,
    (_all, head: string, _column: string, counts: string, tail: string) => {
      fixed += 1;
      return `${head}${counts}${tail}`;
    },
  );
  return { script: out, fixed };
}
