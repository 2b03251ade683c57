/**
 * The two configs the overhead benchmark races: the seed prompt file through the plugin, and the same
 * evaluation written by hand as a plain promptfoo config (built-in OpenAI provider, a chat-array prompt with
 * `{{vars}}`, built-in `regex`/`not-regex` assertions with `metric:` names). Same messages, same model
 * parameters, same evaluator scoping as promptfooconfig.yaml, so both send the same requests and grade the
 * same answers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO, SEED, repoFile } from './promptfoo';

interface SeedFile {
  model: string;
  modelParameters: { temperature: number; maxTokens: number };
  messages: { role: string; content: string }[];
  evaluators: { name: string; pattern: string }[];
  testData: { variables: Record<string, string> }[];
}

/** Which evaluators apply to which seed row, as promptfooconfig.yaml scopes them. */
export const SEED_SCOPE = [
  {
    row: 0,
    evaluators: [
      'Mentions standard gossip modalities and protocols',
      'Mentions state reconciliation structures',
    ],
    mustNotMatch: ['Refusal JSON'],
  },
  { row: 1, evaluators: ['Handles empty inputs gracefully'] },
  { row: 2, evaluators: ['Refusal JSON'] },
];

function seed(): SeedFile {
  return parse(fs.readFileSync(path.join(REPO, SEED), 'utf8')) as SeedFile;
}

/**
 * An RE2 pattern with a leading `(?i)` as a flag-less JavaScript pattern: every ASCII letter outside escapes
 * and character classes becomes `[xX]`. promptfoo's `regex` is `new RegExp(value)` without flags, and Node 20
 * rejects `(?i)`, so this is what a user writing the plain config would have to do.
 */
export function caseFolded(pattern: string): string {
  if (!pattern.startsWith('(?i)')) return pattern;
  const body = pattern.slice(4);
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\') {
      out += c + (body[i + 1] ?? '');
      i++;
    } else if (inClass) {
      out += c;
      if (c === ']') inClass = false;
    } else if (c === '[') {
      out += c;
      inClass = true;
    } else if (/[a-z]/i.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else out += c;
  }
  return out;
}

/** The plugin config: our prompt function, test generator (with the seed's scoping) and live provider, pointed at `baseUrl`. */
export function pluginConfig(baseUrl: string): Record<string, unknown> {
  return {
    description: 'bench: seed prompt file through the plugin',
    prompts: [{ id: `${repoFile('prompts/promptfile.ts')}:render`, label: 'promptfile' }],
    providers: [
      { id: repoFile('providers/promptfile.ts'), label: 'reference', config: { apiBaseUrl: baseUrl } },
    ],
    tests: [
      {
        path: `${repoFile('prompts/promptfile.ts')}:tests`,
        config: { files: SEED, scope: { [SEED]: { rows: SEED_SCOPE } } },
      },
    ],
  };
}

/** The same evaluation as a hand-written plain promptfoo config. */
export function plainConfig(baseUrl: string): Record<string, unknown> {
  const file = seed();
  const byName = new Map(file.evaluators.map((e) => [e.name, caseFolded(e.pattern)]));
  const pattern = (name: string): string => {
    const p = byName.get(name);
    if (p === undefined) throw new Error(`seed has no evaluator ${name}`);
    return p;
  };
  return {
    description: 'bench: seed prompt file as a plain promptfoo config',
    prompts: [
      {
        raw: JSON.stringify(file.messages.map((m) => ({ role: m.role, content: m.content }))),
        label: 'plain',
      },
    ],
    providers: [
      {
        id: `openai:chat:${file.model}`,
        label: 'reference',
        config: {
          apiBaseUrl: baseUrl,
          temperature: file.modelParameters.temperature,
          max_tokens: file.modelParameters.maxTokens,
        },
      },
    ],
    tests: SEED_SCOPE.map((s) => ({
      description: `row ${s.row}`,
      vars: file.testData[s.row]?.variables ?? {},
      assert: [
        ...s.evaluators.map((name) => ({ type: 'regex', value: pattern(name), metric: name })),
        // Named as the plugin names an inverted evaluator, so both report the same metrics.
        ...(s.mustNotMatch ?? []).map((name) => ({
          type: 'not-regex',
          value: pattern(name),
          metric: `${name} (must not match)`,
        })),
      ],
    })),
  };
}
