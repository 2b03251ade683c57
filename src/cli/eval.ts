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
import { numberFlag, parseArgs, stringFlag } from './args';
import type { Output, Stream } from './output';
import { configuredPatterns, loadEach, safePromptFiles, strictIn } from './promptFiles';
import { isPromptfooProgress, Progress } from './progress';
import { isPromptfooHint, runPromptfoo } from '../promptfoo/cli';
import { buildRunConfig } from '../promptfoo/runConfig';
import { summarise } from './summary';

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
      values: ['config', 'matrix', 'repeat', 'output', 'shard', 'run-id', 'fail-on'],
      optionalValues: ['record', 'replay'],
      booleans: ['offline', 'cache', 'json'],
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
  fs.writeFileSync(
    runConfigPath,
    `# Generated by promptfile eval from ${path.basename(configPath)}; safe to delete.\n${jsYaml.dump(run.config, { noRefs: true, lineWidth: -1 })}`,
  );
  const jsonFile = path.join(outDir, 'latest.json');
  const html = path.join(outDir, 'latest.html');
  const pfArgs = ['eval', '-c', runConfigPath, '-o', jsonFile, '-o', html, '--no-progress-bar', '--no-table'];
  if (!args.flags['cache']) pfArgs.push('--no-cache');
  if (repeat !== undefined) pfArgs.push('--repeat', String(repeat));
  const shardSpec = stringFlag(args, 'shard');
  const total = files.reduce((n, f) => n + f.rows.length, 0);
  const shard =
    shardSpec === undefined ? undefined : parseShard(shardSpec, stringFlag(args, 'run-id'), total);
  if (shard) {
    out.error(
      `promptfile: shard ${shardSpec} of run ${visible(shard.runId)} runs rows ${shard.from}:${shard.to}`,
    );
    pfArgs.push('--filter-range', `${shard.from}:${shard.to}`);
  }
  pfArgs.push(...args.rest);
  // A stale latest.json (or manifest) must not stand in for this run's results when this run stops early.
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  for (const file of [jsonFile, html, manifestPath]) fs.rmSync(file, { force: true });
  // promptfoo prints what models and configs say; under GitHub Actions none of it may issue a workflow command.
  // With --json, stdout holds the one JSON document: promptfoo's own output goes to stderr.
  const json = Boolean(args.flags['json']);
  const relayTo: Stream = json ? 'stderr' : 'stdout';
  const fence = process.env['GITHUB_ACTIONS'] === 'true' ? randomBytes(16).toString('hex') : undefined;
  if (fence) out.command(`::stop-commands::${fence}`, relayTo);
  let code: number;
  const progress = new Progress(out);
  try {
    code = await runPromptfoo(pfArgs, {
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
  if (code !== 0 && code !== 100 && code !== 130) {
    out.error(`promptfile eval: promptfoo exited with code ${code}`);
    return 1;
  }
  if (code === 130 || !fs.existsSync(jsonFile)) {
    out.error(
      `promptfile eval: the run was interrupted before promptfoo wrote ${path.relative(process.cwd(), jsonFile)}. Rows that ` +
        "finished are kept in promptfoo's database (promptfile view shows them); run the command again for complete " +
        'results. (`-- --resume` cannot finish it: promptfoo 0.121.20 resumes a function prompt as its source code.)',
    );
    return 1;
  }
  const table = readTrials([jsonFile]);
  if (shard) {
    const manifest: ShardManifest = {
      schemaVersion: 1,
      runId: shard.runId,
      shard: { index: shard.index, count: shard.count },
      rows: {
        from: shard.from,
        to: shard.to,
        total,
        keys: [...new Set(table.attempts.map((a) => a.row.key))],
      },
      results: path.basename(jsonFile),
      sha256: resultsHash(fs.readFileSync(jsonFile, 'utf8')),
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
