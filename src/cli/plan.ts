/** `promptfile plan`: size a run so the gate can see the drop that matters. */
import { readBaseline } from '../gate/baseline';
import { Plan, planAgainstBaseline, planAssumed, PlanOptions } from '../gate/plan';
import { UserError } from '../errors/diagnostics';
import { formatCount, formatRate } from '../format/numbers';
import { textTable } from '../report/table';
import { numberFlag, parseArgs, stringFlag } from './args';
import { Output } from './output';
import { SEQUENTIAL_BUDGET } from '../stats/sequential';

export const PLAN_HELP = `Usage: promptfile plan --baseline FILE [options]
       promptfile plan --rows N --rate R [--variants V] [options]

How many repeats per row the gate needs to catch a drop in pass rate, and the smallest drop the current size
catches, for each variant's row verdict (every evaluator passes), as the gate tests it. Power is simulated with
the gate's own exact test. Deterministic variants (the offline reference, replays) need one repeat: the gate
compares them row by row.

Options:
  --baseline FILE      plan against this baseline (its counts are what the gate compares with)
  --rows N --rate R    no baseline yet: N rows passing at rate R, baseline and run sampled alike
  --variants V         how many variants the gate tests (with --rows; default 1)
  --drop D             the drop to detect, e.g. 0.15 for 15 points (default 0.15)
  --repeat N           today's repeats per row (default 5)
  --alpha A            the gate's family-wise alpha (default 0.05)
  --power P            the power to aim for (default 0.8)
  --max-repeat M       the most repeats worth considering (default 500)
  --json               the plan as JSON`;

/** `plan` */
export function planCommand(argv: string[], out: Output): number {
  const args = parseArgs(
    argv,
    {
      values: ['baseline', 'rows', 'rate', 'variants', 'drop', 'repeat', 'alpha', 'power', 'max-repeat'],
      booleans: ['json'],
    },
    'plan',
  );
  if (args.flags['help']) return (out.log(PLAN_HELP), 0);
  const fraction = (n: number) => n > 0 && n < 1;
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= 100_000;
  const options: PlanOptions = {};
  const set = <K extends keyof PlanOptions>(key: K, value: PlanOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('drop', numberFlag(args, 'drop', 'plan', fraction));
  set('alpha', numberFlag(args, 'alpha', 'plan', fraction));
  set('power', numberFlag(args, 'power', 'plan', fraction));
  set('repeat', numberFlag(args, 'repeat', 'plan', whole));
  set('maxRepeat', numberFlag(args, 'max-repeat', 'plan', whole));

  const baselinePath = stringFlag(args, 'baseline');
  const rows = numberFlag(args, 'rows', 'plan', whole);
  const rate = numberFlag(args, 'rate', 'plan', (n) => n > 0 && n <= 1);
  let plan: Plan;
  if (baselinePath) {
    if (rows !== undefined || rate !== undefined)
      throw new UserError('promptfile plan: give --baseline FILE, or --rows N --rate R, not both');
    plan = planAgainstBaseline(readBaseline(baselinePath), options);
  } else if (rows !== undefined && rate !== undefined) {
    const variants = numberFlag(args, 'variants', 'plan', whole) ?? 1;
    plan = planAssumed({ rows, rate, variants }, options);
  } else {
    throw new UserError(
      'promptfile plan: give --baseline FILE, or --rows N --rate R (see promptfile plan --help)',
    );
  }
  out.log(args.flags['json'] ? JSON.stringify(plan, null, 2) : render(plan));
  return 0;
}

function render(plan: Plan): string {
  const header = [
    'Variant',
    'Endpoint',
    'Baseline',
    'Rows',
    `Detects at ${plan.repeat} repeats`,
    `Repeats for ${formatRate(plan.drop)}`,
  ];
  const rows = plan.lines.map((l) => [
    l.variant,
    l.endpoint,
    `${formatCount(l.baseline.passes, l.baseline.trials)} (${formatRate(l.baseline.trials ? l.baseline.passes / l.baseline.trials : null)})`,
    String(l.rows),
    l.detectsNow === null ? 'no drop' : `≥ ${formatRate(l.detectsNow)} drop`,
    l.repeatsNeeded === null ? `> ${plan.maxRepeat}` : String(l.repeatsNeeded),
  ]);
  const notes = [
    `Power ${formatRate(plan.power)} at level ${plan.level.toPrecision(3)} per variant (alpha ${plan.alpha} over ${Math.round(plan.alpha / plan.level)} primar${Math.round(plan.alpha / plan.level) === 1 ? 'y' : 'ies'}), simulated with the gate's exact test.`,
  ];
  for (const variant of plan.deterministic)
    notes.push(`${variant}: deterministic, compared row by row by the gate; one repeat is all it needs.`);
  if (plan.lines.some((l) => l.repeatsNeeded === null))
    notes.push(
      `"> ${plan.maxRepeat}": the baseline itself is too small to show the drop; merge more runs into it (promptfile baseline --merge).`,
    );
  const needed = plan.lines.flatMap((l) => (l.repeatsNeeded === null ? [] : [l.repeatsNeeded]));
  if (needed.length > 0)
    notes.push(
      `Until decided: promptfile eval --until-decided --max-repeat ${Math.round(SEQUENTIAL_BUDGET * Math.max(...needed))} (${SEQUENTIAL_BUDGET} times the repeats) stops each variant once decided, most runs well before that.`,
    );
  if (rows.length === 0) return ['No variant needs sizing.', ...notes.slice(1)].join('\n');
  return `${textTable(header, rows)}\n\n${notes.join('\n')}`;
}
