/** A small, strict flag parser: unknown flags are user errors, not silently ignored. */
import { UserError } from '../errors/diagnostics';
import { didYouMean } from '../format/suggest';

export interface FlagSpec {
  /** Flags that take a value, e.g. `--config`. */
  values?: string[];
  /** Flags that are on/off, e.g. `--json`. */
  booleans?: string[];
  /** Value flags whose value may be omitted (`--record` or `--record dir`): then they read as ''. */
  optionalValues?: string[];
  /** Short aliases: `{ c: 'config' }`. */
  aliases?: Record<string, string>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean>;
  /** Everything after `--`, passed through. */
  rest: string[];
}

/** Parses argv against a spec. */
export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: {}, rest: [] };
  const values = new Set(spec.values ?? []);
  const optional = new Set(spec.optionalValues ?? []);
  const booleans = new Set([...(spec.booleans ?? []), 'help']);
  const known = [...values, ...optional, ...booleans];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positional.push(arg);
      continue;
    }
    let [name = '', inline] = arg.replace(/^--?/, '').split(/=(.*)/s, 2);
    if (!arg.startsWith('--')) name = spec.aliases?.[name] ?? (name === 'h' ? 'help' : name);
    if (booleans.has(name)) {
      out.flags[name] = true;
    } else if (values.has(name) || optional.has(name)) {
      const next = argv[i + 1];
      if (inline !== undefined) out.flags[name] = inline;
      else if (next !== undefined && !next.startsWith('-')) out.flags[name] = argv[++i] as string;
      else if (optional.has(name)) out.flags[name] = '';
      else throw new UserError(`promptfile ${command}: --${name} needs a value`);
    } else {
      throw new UserError(
        `promptfile ${command}: unknown flag ${arg}${didYouMean(name, known).replace(/'(.*)'/, "'--$1'")}`,
      );
    }
  }
  return out;
}

/** A flag's string value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A flag's numeric value, checked. */
export function numberFlag(
  args: ParsedArgs,
  name: string,
  command: string,
  check?: (n: number) => boolean,
): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (check && !check(n)))
    throw new UserError(`promptfile ${command}: --${name} ${v} is not a valid value`);
  return n;
}
