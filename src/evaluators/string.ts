/**
 * gh models' `string` evaluator: the first non-empty of equals / contains / startsWith / endsWith decides.
 * gh trims the model's answer before any check; `equals` is then exact, the others ignore case. Values are
 * templated with the row.
 */
import type { StringCheck } from '../promptfile/model';
import { renderTemplate } from '../promptfile/template';
import { excerpt, verdict, type Verdict } from './result';

/** Scores `output` with a string check, templating its value with the row's variables. */
export function scoreString(check: StringCheck, output: string, row: Record<string, string>): Verdict {
  const text = (output ?? '').trim();
  if (check.equals) {
    const want = renderTemplate(check.equals, row);
    return verdict(text === want, `output ${text === want ? 'equals' : 'does not equal'} "${excerpt(want)}"`);
  }
  const lower = text.toLowerCase();
  if (check.contains) {
    const want = renderTemplate(check.contains, row);
    const ok = lower.includes(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'contains' : 'does not contain'} "${excerpt(want)}" (ignoring case)`);
  }
  if (check.startsWith) {
    const want = renderTemplate(check.startsWith, row);
    const ok = lower.startsWith(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'starts' : 'does not start'} with "${excerpt(want)}" (ignoring case)`);
  }
  if (check.endsWith) {
    const want = renderTemplate(check.endsWith, row);
    const ok = lower.endsWith(want.toLowerCase());
    return verdict(ok, `output ${ok ? 'ends' : 'does not end'} with "${excerpt(want)}" (ignoring case)`);
  }
  return verdict(false, 'string evaluator has no equals, contains, startsWith or endsWith value');
}
