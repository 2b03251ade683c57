/**
 * `promptfile eval`: runs promptfooconfig.yaml through promptfoo with variants from a one-line matrix,
 * record/replay, and live variants without an API key skipped (one line each); writes JSON and HTML results
 * and prints pass rates per variant and evaluator.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';
import { UserError } from '../errors/diagnostics';
import { discoverPromptFiles } from '../promptfile/discover';
import { loadPromptFile } from '../promptfile/load';
import { packageRoot } from '../promptfile/packageRoot';
import { parseEvent } from '../promptfoo/events';
import {
  MANIFEST_FILE,
  resultsHash,
  serializeManifest,
  shardSlice,
  type ShardManifest,
} from '../results/manifest';
import { ghModelsJson } from '../report/ghJson';
import { readTrials } from '../promptfoo/readResults';
import { visible } from '../format/visible';
import { parseMatrix } from '../variants/variant';
import { numberFlag, parseArgs, stringFlag, type ParsedArgs } from './args';
import type { Output, Stream } from './output';
import { configuredPatterns, loadEach, safePromptFiles, strictIn } from './promptFiles';
import { isPromptfooProgress, Progress } from './progress';
import { isPromptfooHint, runPromptfoo } from '../promptfoo/cli';
import { buildRunConfig } from '../promptfoo/runConfig';
import { summarise } from './summary';
import { concatResults } from '../promptfoo/concatResults';
import { readBaseline, type Baseline } from '../gate/baseline';
import { deterministicVariants } from '../gate/coverage';
import { replayLooks } from '../gate/sequential';
import { compare } from '../compare/compare';
import { renderReport } from '../report/html';
import { formatLevel, formatP, formatRate } from '../format/numbers';
import { sequentialDesign, type SequentialDesign } from '../stats/sequential';
import type { TrialTable } from '../results/trial';

export const EVAL_HELP = `Usage: promptfile eval [FILES...] [options] [-- promptfoo eval flags]

Runs prompt files with promptfoo and writes results/latest.json and results/latest.html: the FILES given
(files, directories or globs), else those promptfooconfig.yaml names, else every *.prompt.yml / *.prompt.yaml
in the repository (not in .git, node_modules or what .gitignore names). With no API key it runs the offline
reference; live variants without a key are skipped. An invalid prompt file is reported and skipped.

Exit status: 0 when every row passes, 1 when a row fails or ends in an error (as gh models eval;
with --fail-on errors, only when one ends in an error), 2 when a prompt file, flag or config is
invalid (the valid files still run).

Options:
  -c, --config FILE     promptfoo config (default promptfooconfig.yaml)
  -m, --matrix SPEC     variants as models x temperatures, e.g. "gpt-4o,gpt-4o-mini x 0.2,0.7,1.0"
  -r, --repeat N        N independent model calls per row and variant
      --record [DIR]    save live responses as cassettes (default cassettes/)
      --replay [DIR]    serve live variants from cassettes, calling no model (default cassettes/)
      --offline         run no live model (offline reference and replays only)
  -o, --output DIR      results directory (default results/)
      --shard I/N       run the I-th of N contiguous slices of the rows (merge the shards in compare/gate);
                        writes manifest.json beside the results (run id, shard, rows) for the gate to check
      --run-id ID       the run the shard belongs to, the same for every shard (default: $GITHUB_RUN_ID)
      --until-decided   sequential sampling: run repeats in looks and stop each variant once the gate's verdict
                        on it is decided (regressed at the alpha that look spends, or a drop of --drop ruled out);
                        needs --max-repeat N and --baseline FILE; results/looks/ keeps each look, latest.json
                        holds them all and manifest.json the design, which the gate replays look by look
      --max-repeat N    with --until-decided: the most repeats per row (about 1.4x what promptfile plan asks for)
      --looks K         with --until-decided: looks, evenly spaced up to --max-repeat (default 5)
      --baseline FILE   with --until-decided: the baseline each look is decided against (the gate's)
      --drop D          with --until-decided: the drop a variant must rule out to stop as fine (default 0.15)
      --alpha A         with --until-decided: the gate's family-wise alpha (default 0.05)
      --cache           let promptfoo cache responses (off by default so repeats are independent)
      --fail-on WHAT    rows (default): exit 1 when a row fails or errors; errors: only when one errors
                        (for CI where promptfile gate judges the failures)
      --json            print one JSON document on stdout in gh models eval's --json shape (testResults with
                        testCase, modelResponse, evaluationResults; summary), each call with its file, variant
                        and repeat; everything else goes to stderr

Under GitHub Actions (GITHUB_ACTIONS=true), promptfoo's own output is fenced with ::stop-commands:: and a
random token, so nothing it prints (a model's error message, a label) can issue a workflow command.`;

/** The promptfoo extension that reports each finished call (compiled, as promptfoo loads the plugin's files). */
const PROGRESS_HOOK = path.join(packageRoot(), 'dist/extensions/progress.js');

/** Runs `eval`. */
export async function evaluate(argv: string[], out: Output): Promise<number> {
  const args = parseArgs(
    argv,
    {
      values: [
        'config',
        'matrix',
        'repeat',
        'output',
        'shard',
        'run-id',
        'fail-on',
        'max-repeat',
        'looks',
        'baseline',
        'drop',
        'alpha',
      ],
      optionalValues: ['record', 'replay'],
      booleans: ['offline', 'cache', 'json', 'until-decided'],
      aliases: { c: 'config', m: 'matrix', r: 'repeat', o: 'output' },
    },
    'eval',
  );
  if (args.flags['help']) {
    out.log(EVAL_HELP);
    return 0;
  }
  const configPath = path.resolve(stringFlag(args, 'config') ?? 'promptfooconfig.yaml');
  if (!fs.existsSync(configPath))
    throw new UserError(`promptfile eval: ${path.relative(process.cwd(), configPath)} does not exist`);
  // Read and write promptfoo configs with js-yaml, the parser promptfoo itself uses, so both see the same data.
  const base = jsYaml.load(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  if (!base || typeof base !== 'object')
    throw new UserError(`promptfile eval: ${path.relative(process.cwd(), configPath)} is not a YAML mapping`);
  const failOn = stringFlag(args, 'fail-on') ?? 'rows';
  if (failOn !== 'rows' && failOn !== 'errors')
    throw new UserError(`promptfile eval: --fail-on ${failOn} must be 'rows' or 'errors'`);
  const repeat = numberFlag(args, 'repeat', 'eval', (n) => Number.isInteger(n) && n >= 1 && n <= 1000);
  const sequential = sequentialOptions(args, repeat);
  const matrixText = stringFlag(args, 'matrix');
  let matrix;
  try {
    matrix = matrixText ? parseMatrix(matrixText) : undefined;
  } catch (error) {
    throw new UserError(`promptfile eval: ${(error as Error).message}`);
  }
  const record =
    typeof args.flags['record'] === 'string' ? stringFlag(args, 'record') || 'cassettes' : undefined;
  const replay =
    typeof args.flags['replay'] === 'string' ? stringFlag(args, 'replay') || 'cassettes' : undefined;
  if (record !== undefined && replay !== undefined)
    throw new UserError('promptfile eval: --record and --replay exclude each other');

  const strict = strictIn(base);
  const configured = safePromptFiles(discoverPromptFiles(configuredPatterns(base)));
  const selected =
    args.positional.length > 0 ? safePromptFiles(discoverPromptFiles(args.positional)) : configured;
  if (selected.length === 0)
    throw new UserError(
      `promptfile eval: no prompt files found (looked for ${configuredPatterns(base).join(', ')})`,
    );
  const { files, invalid } = loadEach(selected, { strict }, out);
  if (files.length === 0)
    throw new UserError(
      `promptfile eval: no valid prompt file to run (${invalid.length} invalid; see above, or run promptfile check)`,
    );
  if (invalid.length > 0)
    out.error(
      `promptfile: skipping ${invalid.length} invalid prompt file${invalid.length === 1 ? '' : 's'} (above); the other ${files.length} run`,
    );
  const filesList = path.join(path.dirname(configPath), '.promptfile-run.files.json');
  fs.writeFileSync(
    filesList,
    `${JSON.stringify(
      files.map((f) => f.path),
      null,
      2,
    )}\n`,
  );
  const run = buildRunConfig(base, files, {
    notRun: notRunKeys(configured, selected, invalid),
    filesList: path.relative(process.cwd(), filesList),
    ...(matrix ? { matrix } : {}),
    ...(record !== undefined ? { record: path.resolve(record) } : {}),
    ...(replay !== undefined ? { replay: path.resolve(replay) } : {}),
    offline: Boolean(args.flags['offline']),
    env: process.env,
  });
  // Labels come from the config, which a pull request may edit: each stays on its line.
  for (const note of run.notes) out.error(`promptfile: ${visible(note)}`);
  out.error(
    `promptfile: running ${run.variants.length} variant${run.variants.length === 1 ? '' : 's'}: ${run.variants.map(visible).join(' | ')}`,
  );

  // Each finished call is reported to the progress line (extensions/progress.ts, over fd 3).
  run.config['extensions'] = [
    ...(Array.isArray(base['extensions']) ? base['extensions'] : []),
    `file://${PROGRESS_HOOK}:afterEach`,
  ];

  const outDir = path.resolve(stringFlag(args, 'output') ?? 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const runConfigPath = path.join(path.dirname(configPath), '.promptfile-run.yaml');
  const jsonFile = path.join(outDir, 'latest.json');
  const html = path.join(outDir, 'latest.html');
  const shardSpec = stringFlag(args, 'shard');
  const total = files.reduce((n, f) => n + f.rows.length, 0);
  const shard =
    shardSpec === undefined ? undefined : parseShard(shardSpec, stringFlag(args, 'run-id'), total);
  if (shard) {
    out.error(
      `promptfile: shard ${shardSpec} of run ${visible(shard.runId)} runs rows ${shard.from}:${shard.to}`,
    );
  }
  // A stale latest.json (or manifest) must not stand in for this run's results when this run stops early.
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  for (const file of [jsonFile, html, manifestPath]) fs.rmSync(file, { force: true });
  // With --json, stdout holds the one JSON document: promptfoo's own output goes to stderr.
  const json = Boolean(args.flags['json']);
  const relayTo: Stream = json ? 'stderr' : 'stdout';

  /** One promptfoo eval of `config`, `repeats` calls per row, written to `target` (.json and .html). */
  const runOnce = async (
    config: Record<string, unknown>,
    repeats: number | undefined,
    target: { json: string; html: string },
  ): Promise<number> => {
    fs.writeFileSync(
      runConfigPath,
      `# Generated by promptfile eval from ${path.basename(configPath)}; safe to delete.\n${jsYaml.dump(config, { noRefs: true, lineWidth: -1 })}`,
    );
    const pfArgs = [
      'eval',
      '-c',
      runConfigPath,
      '-o',
      target.json,
      '-o',
      target.html,
      '--no-progress-bar',
      '--no-table',
    ];
    if (!args.flags['cache']) pfArgs.push('--no-cache');
    if (repeats !== undefined) pfArgs.push('--repeat', String(repeats));
    if (shard) pfArgs.push('--filter-range', `${shard.from}:${shard.to}`);
    pfArgs.push(...args.rest);
    // promptfoo prints what models and configs say; under GitHub Actions none of it may issue a workflow command.
    const fence = process.env['GITHUB_ACTIONS'] === 'true' ? randomBytes(16).toString('hex') : undefined;
    if (fence) out.command(`::stop-commands::${fence}`, relayTo);
    const progress = new Progress(out);
    try {
      return await runPromptfoo(pfArgs, {
        env: { ...process.env, ...run.env, ...colour(relayTo), PROMPTFOO_PASS_RATE_THRESHOLD: '0' },
        output: {
          stdout: (line) => {
            progress.promptfooLine(line);
            if (!isPromptfooHint(line) && !isPromptfooProgress(line)) out.relay(relayTo, line);
          },
          stderr: (line) => out.relay('stderr', line),
          event: (line) => {
            const event = parseEvent(line);
            if (event) progress.call(event.outcome);
          },
        },
      });
    } finally {
      progress.stop();
      if (fence) out.command(`::${fence}::`, relayTo);
    }
  };
  /** Whether promptfoo finished and wrote `file`; says why not when it did not. */
  const finished = (code: number, file: string): boolean => {
    if (code !== 0 && code !== 100 && code !== 130) {
      out.error(`promptfile eval: promptfoo exited with code ${code}`);
      return false;
    }
    if (code === 130 || !fs.existsSync(file)) {
      out.error(
        `promptfile eval: the run was interrupted before promptfoo wrote ${path.relative(process.cwd(), file)}. Rows that ` +
          "finished are kept in promptfoo's database (promptfile view shows them); run the command again for complete " +
          'results. (`-- --resume` cannot finish it: promptfoo 0.121.20 resumes a function prompt as its source code.)',
      );
      return false;
    }
    return true;
  };

  let table: TrialTable;
  let sequentialRecord: SequentialDesign | undefined;
  if (sequential) {
    const ran = await untilDecided(sequential, run.config, outDir, runOnce, finished, out);
    if (!ran) return 1;
    const merged = concatResults(
      ran.files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as unknown),
      `until-decided-${randomBytes(8).toString('hex')}`,
    );
    fs.writeFileSync(jsonFile, `${JSON.stringify(merged)}\n`);
    table = readTrials([jsonFile]);
    fs.writeFileSync(html, renderReport(compare(table)));
    sequentialRecord = sequential.design;
  } else {
    const code = await runOnce(run.config, repeat, { json: jsonFile, html });
    if (!finished(code, jsonFile)) return 1;
    table = readTrials([jsonFile]);
  }
  if (shard || sequentialRecord) {
    const manifest: ShardManifest = {
      schemaVersion: 1,
      runId: shard?.runId ?? `until-decided-${randomBytes(8).toString('hex')}`,
      shard: shard ? { index: shard.index, count: shard.count } : { index: 1, count: 1 },
      rows: {
        from: shard?.from ?? 0,
        to: shard?.to ?? total,
        total,
        keys: [...new Set(table.attempts.map((a) => a.row.key))],
      },
      results: path.basename(jsonFile),
      sha256: resultsHash(jsonFile),
      ...(sequentialRecord && { sequential: sequentialRecord }),
    };
    fs.writeFileSync(manifestPath, serializeManifest(manifest));
  }
  const { text, failed, errors } = summarise(table, path.relative(process.cwd(), jsonFile));
  const where = `Results: ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), html)}; open the web report with ${viewCommand()}`;
  if (json) {
    out.log(JSON.stringify(ghModelsJson(table, files), null, 2));
    out.error(where);
  } else {
    out.log(text);
    out.log(where);
  }
  if (invalid.length > 0) {
    out.error(
      `promptfile eval: ${invalid.length} invalid prompt file${invalid.length === 1 ? ' was' : 's were'} skipped: ${invalid.map(visible).join(', ')}`,
    );
  }
  if (errors > 0) {
    out.error(
      `promptfile eval: ${errors} row${errors === 1 ? '' : 's'} ended in an error (see the table above)`,
    );
  }
  if (failed > 0 && failOn === 'rows') {
    out.error(
      `promptfile eval: ${failed} row${failed === 1 ? '' : 's'} failed an evaluator (see the table above)`,
    );
  }
  return invalid.length > 0 ? 2 : errors > 0 || (failOn === 'rows' && failed > 0) ? 1 : 0;
}

/** A shard: `I/N`, the run it belongs to, and its contiguous slice of `total` tests (every test in exactly one). */
export function parseShard(
  spec: string,
  runId: string | undefined,
  total: number,
): { index: number; count: number; runId: string; from: number; to: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UserError(`promptfile eval: --shard ${spec} must be I/N with 1 <= I <= N`);
  const id = runId ?? process.env['GITHUB_RUN_ID'];
  if (!id)
    throw new UserError(
      'promptfile eval: --shard needs --run-id ID, the same for every shard of the run (GITHUB_RUN_ID serves under GitHub Actions), so the gate can tell the shards of one run from others',
    );
  return { index, count, runId: id, ...shardSlice(index, count, total) };
}

/**
 * Paths and names of the prompt files the config covers that this run leaves out (not named on the command line, or
 * invalid), so their scope entries are set aside rather than reported as typos.
 */
function notRunKeys(configured: string[], selected: string[], invalid: string[]): string[] {
  const left = configured.filter((p) => !selected.includes(p));
  const names = left.flatMap((p) => loadPromptFile(p).file?.name ?? []);
  return [...left, ...invalid, ...names];
}

/**
 * promptfoo's output reaches the terminal through promptfile's pipe: it keeps its colours where ours would show
 * (unless NO_COLOR or FORCE_COLOR says otherwise).
 */
function colour(stream: Stream): Record<string, string> {
  const env = process.env;
  return process[stream].isTTY && env['NO_COLOR'] === undefined && env['FORCE_COLOR'] === undefined
    ? { FORCE_COLOR: '1' }
    : {};
}

/** How to open the web report from here: this repository has an npm script for it; a user's repository has npx. */
function viewCommand(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { name?: string };
    if (pkg.name === 'promptfoo-promptfile') return 'npm run view';
  } catch {
    // No package.json here: npx still finds the installed command.
  }
  return 'npx promptfile view';
}

/** What `--until-decided` runs by: the design, and the baseline each look is decided against. */
interface SequentialRun {
  design: SequentialDesign;
  baseline: Baseline;
}

/** Reads and checks the flags of a run until decided; undefined without `--until-decided`. */
function sequentialOptions(args: ParsedArgs, repeat: number | undefined): SequentialRun | undefined {
  const names = ['max-repeat', 'looks', 'baseline', 'drop', 'alpha'];
  if (!args.flags['until-decided']) {
    const stray = names.find((n) => args.flags[n] !== undefined);
    if (stray) throw new UserError(`promptfile eval: --${stray} only applies with --until-decided`);
    return undefined;
  }
  if (repeat !== undefined)
    throw new UserError(
      'promptfile eval: --until-decided chooses the repeats itself; give --max-repeat N instead of --repeat',
    );
  if (args.flags['shard'] !== undefined)
    throw new UserError(
      'promptfile eval: --until-decided decides each variant over all its rows, so it cannot run a shard',
    );
  const whole = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1000;
  const maxRepeat = numberFlag(args, 'max-repeat', 'eval', whole);
  const baselinePath = stringFlag(args, 'baseline');
  if (maxRepeat === undefined || !baselinePath)
    throw new UserError(
      'promptfile eval: --until-decided needs --max-repeat N (the most repeats per row it may spend) and --baseline FILE (what each look is decided against: the baseline the gate will use)',
    );
  const fraction = (n: number) => n > 0 && n < 1;
  const looks = numberFlag(args, 'looks', 'eval', (n) => Number.isInteger(n) && n >= 1 && n <= 20);
  const alpha = numberFlag(args, 'alpha', 'eval', fraction);
  const drop = numberFlag(args, 'drop', 'eval', fraction);
  return {
    design: sequentialDesign({
      maxRepeat,
      ...(looks !== undefined && { looks }),
      ...(alpha !== undefined && { alpha }),
      ...(drop !== undefined && { drop }),
    }),
    baseline: readBaseline(baselinePath),
  };
}

/**
 * Runs the looks of a run until decided: each look is one promptfoo eval of the variants still undecided, with as
 * many repeats as take them to the look's total; after each, every variant's looks are replayed from its calls
 * (gate/sequential.ts, as the gate will) and those decided stop. Returns the looks' results files, in order.
 */
async function untilDecided(
  sequential: SequentialRun,
  config: Record<string, unknown>,
  outDir: string,
  runOnce: (
    config: Record<string, unknown>,
    repeats: number,
    target: { json: string; html: string },
  ) => Promise<number>,
  finished: (code: number, file: string) => boolean,
  out: Output,
): Promise<{ files: string[] } | undefined> {
  const { design, baseline } = sequential;
  const looksDir = path.join(outDir, 'looks');
  fs.rmSync(looksDir, { recursive: true, force: true });
  fs.mkdirSync(looksDir, { recursive: true });
  const providers = (Array.isArray(config['providers']) ? config['providers'] : []) as {
    id?: string;
    label?: string;
  }[];
  const nameOf = (p: { id?: string; label?: string }) => visible(p.label ?? p.id ?? '');
  const ownedBy = (variant: string, provider: string) =>
    variant === provider || variant.startsWith(`${provider} [`);
  let active = providers.map(nameOf);
  const files: string[] = [];
  let tested: number | undefined;
  out.error(
    `promptfile: until decided: looks after ${design.looks.join(', ')} repeats per row, alpha ${design.alpha} spent over them; a variant stops once it regressed or a drop of ${formatRate(design.drop)} is ruled out`,
  );
  for (let k = 1; k <= design.looks.length && active.length > 0; k++) {
    const before = k === 1 ? 0 : (design.looks[k - 2] as number);
    const repeats = (design.looks[k - 1] as number) - before;
    const target = {
      json: path.join(looksDir, `look-${k}.json`),
      html: path.join(looksDir, `look-${k}.html`),
    };
    const lookConfig = { ...config, providers: providers.filter((p) => active.includes(nameOf(p))) };
    const code = await runOnce(lookConfig, repeats, target);
    if (!finished(code, target.json)) return undefined;
    files.push(target.json);
    const table = readTrials(files);
    const deterministic = deterministicVariants(table);
    const variants = [...new Set(table.attempts.map((a) => a.variant))];
    // The gate's family: variants with row verdicts in the baseline whose calls are not deterministic.
    tested ??= variants.filter((v) => !deterministic.has(v) && baseline.rowVerdicts?.[v]).length;
    const open = new Set<string>();
    for (const variant of variants) {
      if (!active.some((p) => ownedBy(variant, p))) continue;
      const rows = baseline.rowVerdicts?.[variant]?.rows;
      let state: string;
      if (deterministic.has(variant)) state = 'deterministic, decided row by row';
      else if (!rows) state = 'no baseline to decide by (the gate holds it to floors)';
      else {
        const looks = replayLooks(variant, table.attempts, rows, design, tested);
        const at = looks.tests[looks.tests.length - 1];
        if (looks.problem || !at) state = `cannot be decided: ${looks.problem ?? 'no look'}`;
        else {
          const numbers =
            `regression ${formatP(at.p)}, needs <= ${formatLevel(at.level)}; ` +
            `${formatRate(design.drop)} drop ruled out at ${formatP(at.pFine)}, needs <= ${formatLevel(at.levelFine)}`;
          state =
            looks.decision === 'regressed'
              ? `regressed (${numbers})`
              : looks.decision === 'fine'
                ? `fine (${numbers})`
                : `undecided, continues (${numbers})`;
          if (looks.decision === 'continue') open.add(variant);
        }
      }
      out.error(
        `promptfile: look ${k} of ${design.looks.length} (${design.looks[k - 1]} repeats per row): ${variant}: ${state}`,
      );
    }
    active = active.filter((p) => [...open].some((v) => ownedBy(v, p)));
  }
  return { files };
}
