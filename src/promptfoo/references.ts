/**
 * The offline reference answers the prompt files a suite has a reference for, and the plugin knows no suite: the
 * provider's entry in promptfooconfig.yaml names, per prompt file (by its `name`), the function that writes the
 * reference answer for a row:
 *
 *   config:
 *     answers:
 *       peer_to_peer_gossip_protocol_architect: file://dist/suites/gossip/src/architect.js:gossipArchitect
 *
 * The module is JavaScript (a suite is compiled as the plugin is), resolved from the directory promptfoo runs in,
 * as promptfoo resolves its own `file://` references. The config is the repository owner's, not a prompt file's.
 */
import * as path from 'node:path';

/** Writes the reference answer for a row's values. */
export type Reference = (variables: Record<string, string>) => string;

/** The prompt files an offline entry answers, from its `answers:` (a mapping to references, or a list of names). */
export function answeredFiles(answers: unknown): string[] | undefined {
  if (Array.isArray(answers)) return answers.map(String);
  if (isMapping(answers)) return Object.keys(answers);
  return undefined;
}

const loaded = new Map<string, Reference | string>();

/** The reference for a prompt file, or why there is none, in words that say how to configure one. */
export function referenceFor(
  name: string,
  answers: unknown,
  cwd = process.cwd(),
): Reference | { error: string } {
  const spec =
    isMapping(answers) && Object.prototype.hasOwnProperty.call(answers, name) ? answers[name] : undefined;
  if (typeof spec !== 'string') {
    const known = answeredFiles(answers) ?? [];
    return {
      error:
        `no offline reference for prompt file '${name}'` +
        (known.length > 0 ? `; references are configured for: ${known.join(', ')}` : '') +
        `. Name one in the offline provider's config (answers: { ${name}: file://path/to/module.js:function }), ` +
        'or set a model API key, or replay cassettes, to evaluate it',
    };
  }
  const key = `${cwd}\0${spec}`;
  let reference = loaded.get(key);
  if (reference === undefined) {
    reference = load(spec, cwd);
    loaded.set(key, reference);
  }
  return typeof reference === 'string'
    ? { error: `offline reference for '${name}' (${spec}): ${reference}` }
    : reference;
}

/** The function a `file://module.js:function` names, or why it cannot be used. */
function load(spec: string, cwd: string): Reference | string {
  const match = /^file:\/\/(.+?):([A-Za-z_$][\w$]*)$/.exec(spec);
  if (!match) return 'expected file://path/to/module.js:functionName';
  const [, file, exported] = match as unknown as [string, string, string];
  if (!/\.[cm]?js$/.test(file))
    return 'the module must be JavaScript (.js, .cjs or .mjs): compile the suite first';
  let module: Record<string, unknown>;
  try {
    module = require(path.resolve(cwd, file)) as Record<string, unknown>;
  } catch (error) {
    return `cannot be loaded: ${(error as Error).message.split('\n')[0]}`;
  }
  const fn = module[exported];
  return typeof fn === 'function' ? (fn as Reference) : `the module has no function '${exported}'`;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
