/**
 * `promptfile compare | baseline | gate | report`: the statistics, the baseline kept in git, the regression
 * gate and the static report, over one or more results files (shards are merged).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors/diagnostics';
import { fileError, writeAll } from '../results/fileError';
import { readTrialsInParallel } from '../promptfoo/parallelResults';
import {
  baselineProblem,
  buildBaseline,
  mergeBaselines,
  readBaseline,
  writeBaseline,
} from '../gate/baseline';
import { compare } from '../compare/compare';
import { gate, type GateOptions } from '../gate/gate';
import { renderCompare } from '../report/compare';
import { renderGate } from '../report/gate';
import { renderReport } from '../report/html';
import { numberFlag, parseArgs, stringFlag } from './args';
import type { Output } from './output';

export const COMPARE_HELP = `Usage: promptfile compare <results.json...> [--all | --markdown | --json] [--alpha A] [-o FILE]

Pass rates per variant and evaluator with Wilson 95% intervals, usage, and exact tests stratified by row (Holm
across evaluators) between variants on the rows they share (any repeat order), with a plain-language verdict.
The text shows the significant differences first and leaves out the comparisons that found none; --all shows
every comparison and verdict (Markdown and JSON always hold everything).`;

export const BASELINE_HELP = `Usage: promptfile baseline <results.json...> -o baselines/NAME.json [--merge FILE]

Writes per-variant, per-evaluator, per-row counts (and each variant's row verdicts): small, stable,
diff-friendly; no outputs, no secrets.

Options:
  --merge FILE    add these results' counts to the baseline in FILE (e.g. after each run on main), so the
                  baseline's sample grows and one lucky run stops deciding it; FILE may be the -o file`;

export const GATE_HELP = `Usage: promptfile gate <results.json...> --baseline FILE [options]

Exit 0 when the results are one whole run that covers the baseline (every variant, row and evaluator of it,
nothing without a baseline unless accepted), no variant's row verdict is significantly worse than the baseline
(its evaluators are then tested to name what broke), the gate can see a drop of --max-detectable-drop, and every
floor holds; 1 otherwise (a regression, a missing shard or row, a variant with no baseline, errors or calls with
no output, a lowered baseline, an underpowered gate, an empty run); 2 on bad input (a tampered baseline too).

Options:
  --baseline FILE        the baseline to gate against (omit with --no-baseline to check floors and errors only)
  --no-baseline          gate without a baseline: every variant is new and must meet a floor
  --previous-baseline FILE  the baseline as the base branch has it, when FILE is a pull request's: expectations
                         it lowers or drops fail, and the previous one judges the run, unless --accept-lowered
  --accept-lowered       a reviewer accepts the lowered expectations: the proposed baseline judges the run
  --accept-new           accept variants, evaluators and rows the baseline lacks; each must meet a floor
  --shards N             the run has N shards (eval --shard I/N): fail unless every one is there, once
  --alpha A              family-wise significance level (default 0.05)
  --floor F              floor for every evaluator: fails when the Wilson 95% upper bound is below F
  --floors JSON          per-evaluator floors, e.g. '{"Refusal JSON": 0.9}'
  --prove-floors         a floor must be reached by the Wilson 95% lower bound instead ("prove at least")
  --max-error-rate R     tolerated share of errored calls (default 0)
  --max-detectable-drop D  fail as underpowered when a row verdict's smallest drop detectable with 80% power
                         exceeds D (default 0.15; 1 turns it off); promptfile plan sizes a run to meet it
  --summary FILE         append Markdown (e.g. "$GITHUB_STEP_SUMMARY")
  --annotations          print GitHub workflow annotations
  --junit FILE           write JUnit XML`;

export const REPORT_HELP = `Usage: promptfile report <results.json...> [-o results/report.html]

Writes one self-contained HTML file: pass rate by temperature per model with interval bars, a variant ×
evaluator heat map and the comparison verdicts. Opens without network.`;

function inputs(positional: string[], command: string): string[] {
  if (positional.length === 0)
    throw new UserError(`promptfile ${command}: give at least one results JSON file`);
  return positional;
}

/**
 * Writes, or appends to, an output file the user named, creating its directory. A path that cannot be written
 * is their input, so it is a one-line error (exit 2), not a stack trace.
 */
function write(file: string, text: string, mode: 'replace' | 'append' = 'replace'): void {
  writeWith(file, (fd) => writeAll(fd, text), mode);
}

/** Opens `file` (making its directory), lets `writeTo` write to it, and turns a failure into a one-line error. */
function writeWith(
  file: string,
  writeTo: (fd: number) => void,
  mode: 'replace' | 'append' = 'replace',
): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fd = fs.openSync(file, mode === 'append' ? 'a' : 'w');
    try {
      writeTo(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw fileError(file, `cannot write the output file (${code})`);
  }
}

/** `compare` */
export async function compareCommand(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(
    argv,
    { values: ['alpha', 'output'], booleans: ['markdown', 'json', 'all'], aliases: { o: 'output' } },
    'compare',
  );
  if (args.flags['help']) return (out.log(COMPARE_HELP), 0);
  const alpha = numberFlag(args, 'alpha', 'compare', (n) => n > 0 && n < 1);
  const result = compare(
    await readTrialsInParallel(inputs(args.positional, 'compare'), { details: false }),
    alpha === undefined ? {} : { alpha },
  );
  const text = renderCompare(
    result,
    args.flags['json'] ? 'json' : args.flags['markdown'] ? 'markdown' : 'text',
    {
      all: Boolean(args.flags['all']),
      allHint: `promptfile compare ${args.positional.join(' ')} --all`,
    },
  );
  const file = stringFlag(args, 'output');
  if (file) write(file, text);
  else out.log(text);
  return 0;
}

/** `baseline` */
export async function baselineCommand(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(argv, { values: ['output', 'merge'], aliases: { o: 'output' } }, 'baseline');
  if (args.flags['help']) return (out.log(BASELINE_HELP), 0);
  const file = stringFlag(args, 'output');
  if (!file) throw new UserError('promptfile baseline: say where to write it with -o baselines/NAME.json');
  const table = await readTrialsInParallel(inputs(args.positional, 'baseline'), { details: false });
  if (table.trials.length === 0)
    throw new UserError(
      'promptfile baseline: the results hold no trials; refusing to write an empty baseline',
    );
  const merge = stringFlag(args, 'merge');
  const built = buildBaseline(table);
  const baseline = merge ? mergeBaselines(readBaseline(merge), built) : built;
  const problem = baselineProblem(baseline);
  if (problem) throw new UserError(`promptfile baseline: these results cannot make a baseline: ${problem}`);
  writeWith(file, (fd) => writeBaseline(fd, baseline));
  out.error(`promptfile baseline: wrote ${file}`);
  return 0;
}

/** `gate` */
export async function gateCommand(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(
    argv,
    {
      values: [
        'baseline',
        'alpha',
        'floor',
        'floors',
        'max-error-rate',
        'max-detectable-drop',
        'summary',
        'junit',
        'previous-baseline',
        'shards',
      ],
      booleans: ['annotations', 'no-baseline', 'accept-new', 'accept-lowered', 'prove-floors'],
    },
    'gate',
  );
  if (args.flags['help']) return (out.log(GATE_HELP), 0);
  const baselinePath = stringFlag(args, 'baseline');
  if (!baselinePath && !args.flags['no-baseline'])
    throw new UserError(
      'promptfile gate: give --baseline FILE (or --no-baseline to check floors and errors only)',
    );
  const options: GateOptions = {};
  const alpha = numberFlag(args, 'alpha', 'gate', (n) => n > 0 && n < 1);
  const floor = numberFlag(args, 'floor', 'gate', (n) => n >= 0 && n <= 1);
  const maxErrorRate = numberFlag(args, 'max-error-rate', 'gate', (n) => n >= 0 && n <= 1);
  const maxDetectableDrop = numberFlag(args, 'max-detectable-drop', 'gate', (n) => n > 0 && n <= 1);
  if (maxDetectableDrop !== undefined) options.maxDetectableDrop = maxDetectableDrop;
  if (alpha !== undefined) options.alpha = alpha;
  if (floor !== undefined) options.floor = floor;
  if (maxErrorRate !== undefined) options.maxErrorRate = maxErrorRate;
  const shards = numberFlag(args, 'shards', 'gate', (n) => Number.isInteger(n) && n >= 1);
  if (shards !== undefined) options.shards = shards;
  if (args.flags['accept-new']) options.acceptNew = true;
  if (args.flags['accept-lowered']) options.acceptLowered = true;
  if (args.flags['prove-floors']) options.proveFloors = true;
  const previous = stringFlag(args, 'previous-baseline');
  if (previous) {
    if (!baselinePath)
      throw new UserError('promptfile gate: --previous-baseline compares with --baseline FILE; give both');
    options.previousBaseline = readBaseline(previous);
  }
  if (args.flags['accept-lowered'] && !previous)
    throw new UserError(
      'promptfile gate: --accept-lowered accepts what --baseline lowers against --previous-baseline FILE; give it',
    );
  const floors = stringFlag(args, 'floors');
  if (floors) {
    try {
      options.floors = JSON.parse(floors) as Record<string, number>;
    } catch {
      throw new UserError(
        `promptfile gate: --floors must be JSON such as '{"Refusal JSON": 0.9}', not ${floors}`,
      );
    }
  }
  // The workers parse the results while this thread reads the baseline; an error in the results is still the one
  // reported first, as when they were read one after the other.
  const reading = readTrialsInParallel(inputs(args.positional, 'gate'), { details: false });
  let baseline: ReturnType<typeof readBaseline> | { failed: unknown } | undefined;
  try {
    baseline = baselinePath ? readBaseline(baselinePath) : undefined;
  } catch (failed) {
    baseline = { failed };
  }
  const table = await reading;
  if (baseline && 'failed' in baseline) throw baseline.failed;
  const verdict = gate(table, baseline, options);
  out.log(renderGate(verdict, 'text'));
  const summary = stringFlag(args, 'summary');
  if (summary) write(summary, `${renderGate(verdict, 'markdown')}\n`, 'append');
  if (args.flags['annotations'])
    for (const line of renderGate(verdict, 'annotations').trimEnd().split('\n')) out.command(line);
  const junit = stringFlag(args, 'junit');
  if (junit) write(junit, renderGate(verdict, 'junit'));
  return verdict.pass ? 0 : 1;
}

/** `report` */
export async function reportCommand(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(argv, { values: ['output', 'alpha'], aliases: { o: 'output' } }, 'report');
  if (args.flags['help']) return (out.log(REPORT_HELP), 0);
  const file = stringFlag(args, 'output') ?? 'results/report.html';
  const alpha = numberFlag(args, 'alpha', 'report', (n) => n > 0 && n < 1);
  write(
    file,
    renderReport(
      compare(
        await readTrialsInParallel(inputs(args.positional, 'report'), { details: false }),
        alpha === undefined ? {} : { alpha },
      ),
    ),
  );
  out.error(`promptfile report: wrote ${file}`);
  return 0;
}
