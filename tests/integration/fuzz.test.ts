/**
 * Fuzz: thousands of random strings built from template syntax (Jinja, Handlebars, Go templates, Nunjucks), the
 * characters those engines care about, `file://`, `package:`, `env.` and newlines go through the real CLI as row
 * values and as the prompt files' own messages, to our provider and to a plain promptfoo provider side by side.
 * Every string must reach the model byte for byte, come back as written in the results' vars, and no row may error.
 *
 * The strings are random with a seed printed in every failure; PROMPTFILE_FUZZ_SEED=<n> replays one run.
 */
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { live, repoFile, runEval, tempDir, type EvalRun } from '../support/eval';
import { startModelServer, type LoggedRequest, type ModelServer } from '../support/server';
import { seeded } from '../../src/stats/random';

const SEED = Number(process.env['PROMPTFILE_FUZZ_SEED'] ?? randomInt(2 ** 31));
const CANARY = `canary-${randomBytes(12).toString('hex')}`;
const VARS = ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'];

const CHARACTERS = [
  '{',
  '}',
  '%',
  '#',
  '-',
  '~',
  '\\',
  "'",
  '"',
  '\n',
  '\r\n',
  '\t',
  ' ',
  'x',
  'é',
  '😀',
  '$&',
  '$1',
];
const TOKENS = [
  '{{',
  '}}',
  '{%',
  '%}',
  '{#',
  '#}',
  '{{-',
  '-}}',
  '{%-',
  '-%}',
  'file://',
  'package:',
  'env.',
];
const SNIPPETS = [
  // Jinja / Django
  '{% for item in items %}{{ item | upper }}{% endfor %}',
  '{%- if user.admin -%}root{%- else -%}guest{%- endif -%}',
  '{% raw %}{{ not rendered }}{% endraw %}',
  '{% endraw %}',
  '{# a comment #}',
  "{{ config['SECRET_KEY'] }}",
  '{% set x = 7 * 6 %}{{ x }}',
  '{{ "a" ~ b }}',
  // Handlebars / Mustache
  '{{#each items}}{{this.name}}{{/each}}',
  '{{> partial}}',
  '{{{unescaped.html}}}',
  '{{!-- a comment --}}',
  '{{^empty}}none{{/empty}}',
  // Go templates
  '{{ .Name }}',
  '{{- range $i, $e := .Items -}}{{ $e }}{{- end -}}',
  '{{ printf "%q" .Title }}',
  '{{/* a comment */}}',
  '{{ template "row" . }}',
  // Nunjucks, as promptfoo renders it
  `{{ env.PROMPTFILE_FUZZ_CANARY }}`,
  '{{ env.HOME }}',
  '{{ 7*6 }}',
  '{% macro m() %}x{% endmacro %}{{ m() }}',
  '{{ range(3) | join(",") }}',
  '{% include "missing.njk" %}',
  '{% filter upper %}x{% endfilter %}',
  '{{ "x" | safe }}',
  // promptfoo's own
  'file://local.txt',
  'file://evil.js',
  'file://*.txt',
  'package:fs:readFileSync',
  '{{ _conversation }}',
  '{{__promptfile}}',
  '{{ v0 }}',
  '{{v7}}',
  // Invisible and separator characters
  '\u2060',
  '\u2028',
  '\ufeff',
];

/** A random non-empty string of 1-8 pieces, sometimes led by a file or package reference or ending in a newline. */
function randomString(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const pieces: string[] = [];
  const count = 1 + Math.floor(random() * 8);
  for (let i = 0; i < count; i++) {
    const r = random();
    pieces.push(r < 0.4 ? pick(CHARACTERS) : r < 0.65 ? pick(TOKENS) : pick(SNIPPETS));
  }
  const lead = random();
  const text = (lead < 0.1 ? 'file://' : lead < 0.15 ? 'package:' : '') + pieces.join('');
  return random() < 0.1 ? `${text}\n` : text;
}

/** A placeholder the prompt-file templating would fill (`{{name}}`, `{{ name }}`): message text must hold none. */
const PLACEHOLDER_LIKE = /\{\{[^{}]*\}\}/;

interface FuzzFile {
  path: string;
  system: string;
  lead: string;
  rows: Record<string, string>[];
}

function fuzzFiles(seed: number, files: number, rows: number): FuzzFile[] {
  const random = seeded(seed);
  const messageText = () => {
    for (;;) {
      const text = randomString(random);
      if (!PLACEHOLDER_LIKE.test(text)) return text;
    }
  };
  return Array.from({ length: files }, (_, f) => ({
    path: `prompts/fuzz-${f}.prompt.yml`,
    system: messageText(),
    lead: messageText(),
    rows: Array.from({ length: rows }, (_, r) => ({
      id: `f${f}r${r}`,
      ...Object.fromEntries(VARS.map((v) => [v, randomString(random)])),
    })),
  }));
}

const USER = `<id>{{id}}</id>${VARS.map((v) => `<${v}>{{${v}}}</${v}>`).join('')}`;
const userOf = (file: FuzzFile, row: Record<string, string>) =>
  `${file.lead}<id>${row['id']}</id>${VARS.map((v) => `<${v}>${row[v]}</${v}>`).join('')}`;
const idOf = (request: LoggedRequest) => /<id>(f\d+r\d+)<\/id>/.exec(request.user)?.[1] ?? '';

function promptFile(file: FuzzFile, index: number): string {
  const document = {
    name: `fuzz ${index}`,
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: file.system },
      { role: 'user', content: `${file.lead}${USER}` },
    ],
    testData: file.rows,
    evaluators: [{ name: 'Echoes v0', string: { contains: '{{v0}}' } }],
  };
  // JSON is YAML, and is written exactly: yaml 2.9.1's stringify turned some of these strings into YAML that reads
  // back differently (a folded block for a first line led by a tab, `\r\n \n` in double quotes).
  const text = JSON.stringify(document, null, 2);
  if (JSON.stringify(parse(text)) !== JSON.stringify(document))
    throw new Error(`fuzz file ${index} does not round-trip through YAML`);
  return text;
}

/** Runs the fuzz files through promptfoo with our provider and a plain OpenAI provider against `server`. */
async function fuzzRun(
  server: ModelServer,
  files: FuzzFile[],
  env: Record<string, string>,
  nativeAssert: boolean,
): Promise<{ run: EvalRun; marker: string }> {
  const dir = tempDir();
  const marker = path.join(dir, 'EVIL_RAN');
  const run = await runEval({
    dir,
    files: {
      ...Object.fromEntries(files.map((f, i) => [f.path, promptFile(f, i)])),
      'local.txt': 'LOCAL-FILE-CONTENT',
      'evil.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'executed');\nmodule.exports = () => ({ output: 'EVIL-RETURN' });\n`,
    },
    config: {
      description: `fuzz seed ${SEED}`,
      prompts: [{ id: `${repoFile('prompts/promptfile.ts')}:render`, label: 'promptfile' }],
      providers: [
        live({ apiBaseUrl: server.baseUrl }, 'ours'),
        {
          id: 'openai:chat:gpt-4o-mini',
          label: 'plain',
          config: { apiBaseUrl: server.baseUrl, apiKey: 'sk-plain' },
        },
      ],
      tests: [
        {
          path: `${repoFile('prompts/promptfile.ts')}:tests`,
          config: {
            files: 'prompts/*.prompt.yml',
            ...(nativeAssert
              ? {
                  scope: Object.fromEntries(
                    files.map((f) => [
                      f.path,
                      { assert: [{ type: 'contains', value: '{{v1}}', metric: 'native' }] },
                    ]),
                  ),
                }
              : {}),
          },
        },
      ],
    },
    args: ['-j', '16', '--no-table'],
    env: { OPENAI_API_KEY: 'sk-ours', PROMPTFILE_FUZZ_CANARY: CANARY, ...env },
    timeoutMs: 600_000,
  });
  return { run, marker };
}

function isJsonStructure(text: string | undefined): boolean {
  try {
    return typeof JSON.parse(text ?? '') === 'object';
  } catch {
    return false;
  }
}

/** Every way a fuzz run can go wrong, one line each (empty when it went right). */
function problems(server: ModelServer, files: FuzzFile[], run: EvalRun, marker: string): string[] {
  const found: string[] = [];
  const rows = new Map(
    files.flatMap((f) => f.rows.map((r) => [r['id'] as string, { file: f, row: r }] as const)),
  );
  if (!run.results) return [`no results (exit ${run.code}): ${run.stderr.slice(-2000)}`];
  for (const r of run.results.results) {
    const id = String(r.vars['id']);
    if (!r.success)
      found.push(`${id} ${r.provider.label}: ${r.error ?? r.gradingResult?.reason}`.slice(0, 500));
    const expected = rows.get(id)?.row;
    for (const v of VARS) {
      // promptfoo stores (and reports) a value that parses as a JSON object or array re-serialized, in every config.
      if (isJsonStructure(expected?.[v])) continue;
      if (r.vars[v] !== expected?.[v])
        found.push(
          `${id} ${r.provider.label}: vars.${v} is ${JSON.stringify(r.vars[v])}, not ${JSON.stringify(expected?.[v])}`,
        );
    }
  }
  if (run.results.results.length !== 2 * rows.size)
    found.push(`${run.results.results.length} results for ${rows.size} rows x 2 providers`);
  const seen = new Map<string, number>();
  for (const request of server.requests) {
    const id = idOf(request);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const entry = rows.get(id);
    if (!entry) {
      found.push(`a request for no row: ${request.raw.slice(0, 300)}`);
      continue;
    }
    const want = [
      { role: 'system', content: entry.file.system },
      { role: 'user', content: userOf(entry.file, entry.row) },
    ];
    if (JSON.stringify(request.messages) !== JSON.stringify(want))
      found.push(
        `${id} (${request.headers['authorization']}): sent ${JSON.stringify(request.messages)}, not ${JSON.stringify(want)}`,
      );
  }
  for (const id of rows.keys())
    if (seen.get(id) !== 2) found.push(`${id}: ${seen.get(id) ?? 0} requests, not 2`);
  const everything = [run.resultsText, run.stdout, run.stderr, ...server.requests.map((r) => r.raw)].join(
    '\n',
  );
  if (everything.includes(CANARY)) found.push('the canary secret leaked');
  if (everything.includes('LOCAL-FILE-CONTENT')) found.push('file://local.txt was read');
  if (everything.includes('EVIL-RETURN') || fs.existsSync(marker)) found.push('file://evil.js ran');
  return found;
}

describe(`fuzz: random template syntax is data end to end (seed ${SEED})`, () => {
  let server: ModelServer;

  beforeAll(async () => {
    server = await startModelServer((request) => request.user);
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  test('2,400 row values and 20 message texts, both providers, promptfoo templating on', async () => {
    const files = fuzzFiles(SEED, 10, 30);
    const { run, marker } = await fuzzRun(server, files, {}, true);
    expect(problems(server, files, run, marker).slice(0, 20)).toEqual([]);
    expect(server.requests).toHaveLength(600);
  });

  test('with PROMPTFOO_DISABLE_TEMPLATING in the environment, the same holds', async () => {
    const files = fuzzFiles(SEED + 1, 3, 20);
    const { run, marker } = await fuzzRun(server, files, { PROMPTFOO_DISABLE_TEMPLATING: 'true' }, false);
    expect(problems(server, files, run, marker).slice(0, 20)).toEqual([]);
    expect(server.requests).toHaveLength(120);
  });
});
