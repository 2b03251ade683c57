/**
 * Prompt file -> typed PromptFile, or every problem at once as diagnostics with file, line and column.
 * parse (positions) -> schema -> semantic checks -> model. Pure apart from reading the file.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { type Diagnostic, type Severity, UserError } from '../errors/diagnostics';
import {
  BUILTIN_JUDGES,
  type BuiltinJudge,
  type Evaluator,
  type EvaluatorMethod,
  type Message,
  type ModelParameters,
  type PromptFile,
  type TestRow,
  type VariableDeclaration,
} from './model';
import { keyName, parseSource, sizeProblem, type ParsedSource, type PathSegment } from './parse';
import { schemaDiagnostics } from './schema';
import { closest, didYouMean } from './suggest';
import { placeholders } from './template';
import { compileRegex } from '../evaluators/regex';
import { builtinJudgeNeeds } from '../evaluators/judge';
import { modelProblem } from '../variants/variant';

export interface LoadResult {
  file?: PromptFile;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Warnings are errors (`check --strict`, or `strict: true` in the test generator's config). */
  strict?: boolean;
  /** The directory a relative path is read from (default: the process's); diagnostics keep the path as given. */
  cwd?: string;
}

/** Reads and loads a prompt file from disk. Never throws for bad input: problems come back as diagnostics. */
export function loadPromptFile(path: string, options: LoadOptions = {}): LoadResult {
  let bytes: Buffer;
  try {
    const where = nodePath.resolve(options.cwd ?? '.', path);
    const stat = fs.statSync(where);
    if (stat.isDirectory()) return { diagnostics: [fileProblem(path, 'is a directory, not a prompt file')] };
    // A pipe, or a committed symlink to /dev/zero or /dev/stdin, would hang or exhaust memory in readFileSync.
    if (!stat.isFile())
      return { diagnostics: [fileProblem(path, 'is not a regular file (a device, pipe or socket)')] };
    // Refused before reading, so a huge file is never held in memory.
    const tooLarge = sizeProblem(path, stat.size);
    if (tooLarge) return { diagnostics: [tooLarge] };
    bytes = fs.readFileSync(where);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    return { diagnostics: [fileProblem(path, `cannot be read: ${why}`)] };
  }
  return loadPromptFileText(path, bytes, options);
}

/** Loads a prompt file, throwing a UserError that lists every error when it is invalid. */
export function loadPromptFileOrThrow(
  path: string,
  options: LoadOptions = {},
): { file: PromptFile; warnings: Diagnostic[] } {
  const result = loadPromptFile(path, options);
  if (!result.file) throw UserError.fromDiagnostics(result.diagnostics);
  return { file: result.file, warnings: result.diagnostics.filter((d) => d.severity === 'warning') };
}

/** Loads a prompt file from its bytes or text; `path` names it in diagnostics. */
export function loadPromptFileText(
  path: string,
  bytes: Buffer | string,
  options: LoadOptions = {},
): LoadResult {
  const result = loadSource(path, bytes);
  if (!options.strict || !result.diagnostics.some((d) => d.severity === 'warning')) return result;
  const diagnostics = result.diagnostics.map((d) =>
    d.severity === 'warning' ? { ...d, severity: 'error' as const, message: `${d.message} (strict)` } : d,
  );
  return { diagnostics };
}

function loadSource(path: string, bytes: Buffer | string): LoadResult {
  const parsed = parseSource(path, bytes);
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  if (!isRecord(source.value)) {
    const found =
      source.value === null
        ? 'the file is empty'
        : Array.isArray(source.value)
          ? 'the top level is a list'
          : 'the top level is a single value';
    const { line, column } = source.position([]);
    const message = `${found}; a prompt file is a YAML mapping with at least 'messages'`;
    return { diagnostics: [{ severity: 'error', file: path, line, column, key: '', message }] };
  }
  textOfScalars(source);
  const diagnostics = [...schemaDiagnostics(source), ...new Semantics(source).check()];
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { file: normalise(path, source), diagnostics };
}

function fileProblem(file: string, message: string): Diagnostic {
  return { severity: 'error', file, line: 0, column: 0, key: '', message: `${file} ${message}` };
}

type Raw = Record<string, unknown>;

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isRecord = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;
/** C0 and C1 control characters (line breaks and tabs included), DEL, and bidirectional overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * gh models reads a number or boolean where the format wants text as the text written (`contains: 4` is "4"); so do
 * we, from the source (`1.10` keeps its zero). Mappings, lists and null stay as they are and fail the schema.
 */
function textOfScalars(source: ParsedSource): void {
  const root = source.value as Raw;
  const paths: PathSegment[][] = [['name'], ['description'], ['model']];
  asArray(root['messages']).forEach((_, i) => paths.push(['messages', i, 'content']));
  asArray(root['evaluators']).forEach((e, i) => {
    paths.push(['evaluators', i, 'name'], ['evaluators', i, 'uses']);
    for (const k of STRING_CHECKS) paths.push(['evaluators', i, 'string', k]);
    for (const k of ['prompt', 'systemPrompt', 'modelId']) paths.push(['evaluators', i, 'llm', k]);
    const choices = isRecord(e) && isRecord(e['llm']) ? asArray(e['llm']['choices']) : [];
    choices.forEach((_, j) => paths.push(['evaluators', i, 'llm', 'choices', j, 'choice']));
  });
  for (const p of paths) {
    const parent = p
      .slice(0, -1)
      .reduce<unknown>((v, k) => (isRecord(v) || Array.isArray(v) ? (v as Raw)[k] : undefined), root);
    const key = p[p.length - 1] as string;
    if (!isRecord(parent)) continue;
    const v = parent[key];
    if (typeof v === 'number' || typeof v === 'boolean') parent[key] = source.writtenAs(p) ?? String(v);
  }
}

/** Checks that JSON Schema cannot express: evaluator methods, regexes, placeholder coverage, variables. */
class Semantics {
  private readonly out: Diagnostic[] = [];
  private readonly root: Raw;

  constructor(private readonly source: ParsedSource) {
    this.root = source.value as Raw;
  }

  check(): Diagnostic[] {
    this.printedNames();
    this.roles();
    this.models();
    this.parameters();
    this.responseFormat();
    this.evaluators();
    this.rows();
    this.coverage();
    this.declarations();
    return this.out;
  }

  private report(severity: Severity, path: PathSegment[], message: string): void {
    const pos = this.source.position(path);
    this.out.push({
      severity,
      file: this.source.file,
      line: pos.line,
      column: pos.column,
      key: keyName(path),
      message,
    });
  }

  /**
   * Names end up in terminals and CI logs (`check`, the eval summary, the gate): a control character there could
   * clear the screen, retitle the window, hide text, or start a line with `::error::` that GitHub reads as a command.
   */
  private printedNames(): void {
    const at: PathSegment[][] = [['name'], ['model']];
    asArray(this.root['evaluators']).forEach((_, i) =>
      at.push(['evaluators', i, 'name'], ['evaluators', i, 'llm', 'modelId']),
    );
    asArray(this.root['variables']).forEach((_, i) => at.push(['variables', i, 'name']));
    for (const path of at) {
      const value = path.reduce<unknown>(
        (v, k) => (isRecord(v) || Array.isArray(v) ? (v as Raw)[k] : undefined),
        this.root,
      );
      if (typeof value === 'string') this.printable(path, value);
    }
    asArray(this.root['testData']).forEach((raw, i) => {
      const nested = isRecord(raw) && isRecord(raw['variables']);
      for (const key of Object.keys(rowValues(raw) ?? {})) {
        this.printable(nested ? ['testData', i, 'variables', key] : ['testData', i, key], key);
      }
    });
  }

  private printable(path: PathSegment[], text: string): void {
    const bad = UNPRINTABLE.exec(text)?.[0];
    if (bad === undefined) return;
    const code = `U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    this.report(
      'error',
      path,
      `${keyName(path)} contains the control character ${code}; names are printed to terminals and CI logs, so they may not`,
    );
  }

  /** gh models refuses a `developer` message; OpenAI models take it, so it is a warning here. */
  private roles(): void {
    asArray(this.root['messages']).forEach((m, i) => {
      const role = isRecord(m) ? m['role'] : undefined;
      if (typeof role === 'string' && role.toLowerCase() === 'developer') {
        this.report(
          'warning',
          ['messages', i, 'role'],
          "role 'developer' is sent to the model as written; gh models refuses it (it knows system, user and assistant)",
        );
      }
    });
  }

  /** `model` and judges' `modelId` must name model APIs: promptfoo would run code for some other ids. */
  private models(): void {
    const model = this.root['model'];
    if (typeof model === 'string') {
      const problem = modelProblem(model);
      if (problem) this.report('error', ['model'], `model ${problem}`);
    } else if (model === undefined && asArray(this.root['testData']).length > 0) {
      this.report(
        'warning',
        [],
        "no 'model': only variants that name one (--matrix, or a provider's 'model') can run this file; gh models would send an empty model id, which the API refuses",
      );
    }
    asArray(this.root['evaluators']).forEach((raw, i) => {
      const modelId = isRecord(raw) && isRecord(raw['llm']) ? raw['llm']['modelId'] : undefined;
      if (typeof modelId !== 'string') return;
      const problem = modelProblem(modelId);
      if (problem) this.report('error', ['evaluators', i, 'llm', 'modelId'], `modelId ${problem}`);
    });
  }

  private parameters(): void {
    const p = this.root['modelParameters'];
    if (!isRecord(p)) return;
    for (const [alias, canonical] of [
      ['max_tokens', 'maxTokens'],
      ['top_p', 'topP'],
    ] as const) {
      if (!(alias in p)) continue;
      if (canonical in p) {
        this.report(
          'error',
          ['modelParameters', alias],
          `both '${canonical}' and its alias '${alias}' are set; keep '${canonical}'`,
        );
      } else {
        this.report(
          'warning',
          ['modelParameters', alias],
          `'${alias}' is read as '${canonical}' and sent; the format's name is '${canonical}', and gh models ignores '${alias}'`,
        );
      }
    }
  }

  /**
   * gh models' form is JSON text holding OpenAI's `{name, strict?, schema}`, and it insists on `name` and `schema`
   * with json_schema; a YAML mapping is the dialect's (the bare schema, or the same wrapper).
   */
  private responseFormat(): void {
    const format = this.root['responseFormat'];
    const schema = this.root['jsonSchema'];
    if (format === 'json_schema' && schema === undefined) {
      this.report('error', ['responseFormat'], "responseFormat 'json_schema' needs a 'jsonSchema'");
    }
    let parsed: unknown = schema;
    if (typeof schema === 'string') {
      try {
        parsed = JSON.parse(schema);
      } catch (error) {
        // V8's words, without the "(line 1 column 66)" that newer Node versions add.
        const reason = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
        this.report('error', ['jsonSchema'], `'jsonSchema' is not valid JSON: ${reason}`);
        return;
      }
      if (!isRecord(parsed)) {
        this.report('error', ['jsonSchema'], "'jsonSchema' must be a JSON object");
        return;
      }
      if (format === 'json_schema') {
        for (const key of ['name', 'schema'])
          if (!(key in parsed))
            this.report(
              'error',
              ['jsonSchema'],
              `'jsonSchema' has no '${key}'; with responseFormat json_schema it is {"name": ..., "strict": ..., "schema": {...}}, as in gh models`,
            );
      }
    } else if (isWrapper(schema) && format === 'json_schema') {
      this.report(
        'warning',
        ['jsonSchema'],
        "'jsonSchema' is a YAML mapping; it is sent as written, but gh models accepts only JSON text here",
      );
    }
    if (isRecord(parsed) && 'schema' in parsed && 'name' in parsed && !isRecord(parsed['schema'])) {
      this.report(
        'error',
        ['jsonSchema'],
        "'jsonSchema.schema' must be a JSON object (the JSON Schema itself)",
      );
    }
  }

  private evaluators(): void {
    const seen = new Map<string, number>();
    asArray(this.root['evaluators']).forEach((raw, i) => {
      if (!isRecord(raw)) return;
      const at: PathSegment[] = ['evaluators', i];
      const name = typeof raw['name'] === 'string' ? raw['name'] : `#${i + 1}`;
      if (typeof raw['name'] === 'string') {
        const first = seen.get(name);
        if (first !== undefined) {
          const line = this.source.position(['evaluators', first, 'name']).line;
          this.report(
            'error',
            [...at, 'name'],
            `duplicate evaluator name '${name}', already used on line ${line}; names become metric names and must be unique`,
          );
        } else seen.set(name, i);
        if (TEMPLATE_SYNTAX.test(name)) {
          this.report(
            'error',
            [...at, 'name'],
            `evaluator name '${name}' contains template syntax ({{, {% or {#), which promptfoo would render in metric names`,
          );
        }
      }
      this.method(raw, at, name);
      for (const key of ['pattern', 'regex'] as const) {
        const pattern = raw[key];
        if (typeof pattern !== 'string') continue;
        const { error } = compileRegex(pattern);
        if (error) this.report('error', [...at, key], `evaluator '${name}' has an invalid regex: ${error}`);
      }
      const str = raw['string'];
      // gh models stops the whole run on such an evaluator ("no string evaluation criteria specified"). A misspelt
      // check (`contain:`) also gets its unknown-key warning, with the did-you-mean.
      if (isRecord(str) && !STRING_CHECKS.some((k) => typeof str[k] === 'string' && str[k] !== '')) {
        this.report(
          'error',
          [...at, 'string'],
          `evaluator '${name}' has a 'string' section with no non-empty equals, contains, startsWith or endsWith`,
        );
      }
      const uses = raw['uses'];
      if (typeof uses === 'string' && !(BUILTIN_JUDGES as readonly string[]).includes(uses)) {
        const hint = didYouMean(uses, BUILTIN_JUDGES) || `; known: ${BUILTIN_JUDGES.join(', ')}`;
        this.report('error', [...at, 'uses'], `evaluator '${name}' uses unknown evaluator '${uses}'${hint}`);
      }
      const llm = raw['llm'];
      if (isRecord(llm)) {
        const choices = asArray(llm['choices']).map((c) => (isRecord(c) ? String(c['choice']) : undefined));
        const dup = choices.findIndex((c, k) => c !== undefined && choices.indexOf(c) !== k);
        if (dup !== -1) {
          const line = this.source.position([...at, 'llm', 'choices', choices.indexOf(choices[dup])]).line;
          this.report(
            'error',
            [...at, 'llm', 'choices', dup, 'choice'],
            `evaluator '${name}' lists choice '${choices[dup]}' twice, first on line ${line}`,
          );
        }
      }
    });
  }

  /** Exactly one method per evaluator, agreeing with `type:` when one is given. */
  private method(raw: Raw, at: PathSegment[], name: string): void {
    const methods = Object.keys(raw).filter((k) => (METHOD_KEYS as readonly string[]).includes(k));
    const type = raw['type'];
    if (typeof type === 'string') {
      const wanted = type === 'regex' ? ['pattern', 'regex'] : [type];
      if (!methods.some((m) => wanted.includes(m))) {
        const missing = type === 'regex' ? "'pattern'" : `'${type}' section`;
        this.report('error', [...at, 'type'], `evaluator '${name}' is 'type: ${type}' but has no ${missing}`);
        return;
      }
    }
    if (methods.length === 0) {
      this.report(
        'error',
        at,
        `evaluator '${name}' has no method; give one of 'string', 'type: regex' with 'pattern', 'llm' or 'uses'`,
      );
    } else if (methods.length > 1) {
      const second = methods[1] as string;
      this.report(
        'error',
        [...at, second],
        `evaluator '${name}' has more than one method (${methods.map((m) => `'${m}'`).join(' and ')}); give exactly one`,
      );
    }
  }

  private rows(): void {
    asArray(this.root['testData']).forEach((raw, i) => {
      if (!isRecord(raw) || !('variables' in raw)) return;
      for (const key of Object.keys(raw)) {
        if (key !== 'variables' && key !== 'description') {
          const hint =
            didYouMean(key, ['variables', 'description']) ||
            `; a row with 'variables:' may only also have 'description', so move '${key}' under 'variables:'`;
          this.report('error', ['testData', i, key], `unknown key '${key}' in testData[${i}]${hint}`);
        }
      }
    });
  }

  /**
   * Every placeholder in messages and string evaluators should get a value from every row. One that does not stays
   * as written, as in gh models: a warning, since it is usually a misspelling or a forgotten column.
   */
  private coverage(): void {
    const used = this.usedPlaceholders();
    const rows = asArray(this.root['testData']);
    if (rows.length === 0 && used.size > 0) {
      const first = [...used.values()][0] as PathSegment[];
      this.report(
        'warning',
        first,
        `messages use ${[...used.keys()].map((n) => `{{${n}}}`).join(', ')} but testData has no rows, so nothing will be evaluated`,
      );
      return;
    }
    rows.forEach((raw, i) => {
      const values = rowValues(raw);
      if (!values) return;
      for (const [name, where] of used) {
        if (hasOwn(values, name)) continue;
        const typo = closest(
          name,
          Object.keys(values).filter((k) => !used.has(k)),
        );
        const hint = typo === undefined ? '' : `; is '${typo}' a misspelling of '${name}'?`;
        this.report(
          'warning',
          ['testData', i],
          `testData[${i}] gives no value for {{${name}}}, used in ${keyName(where)}, so it stays as written${hint}`,
        );
      }
    });
    asArray(this.root['evaluators']).forEach((raw, i) => {
      if (!isRecord(raw) || typeof raw['uses'] !== 'string') return;
      if (!(BUILTIN_JUDGES as readonly string[]).includes(raw['uses'])) return;
      for (const need of builtinJudgeNeeds(raw['uses'] as BuiltinJudge)) {
        rows.forEach((row, r) => {
          const values = rowValues(row);
          if (values && !hasOwn(values, need)) {
            this.report(
              'warning',
              ['testData', r],
              `testData[${r}] gives no '${need}', which evaluator '${String(raw['name'])}' (${raw['uses']}) needs; its prompt keeps {{${need}}} as written`,
            );
          }
        });
      }
    });
  }

  private usedPlaceholders(): Map<string, PathSegment[]> {
    const used = new Map<string, PathSegment[]>();
    asArray(this.root['messages']).forEach((m, i) => {
      if (!isRecord(m) || typeof m['content'] !== 'string') return;
      for (const name of placeholders(m['content']))
        if (!used.has(name)) used.set(name, ['messages', i, 'content']);
    });
    asArray(this.root['evaluators']).forEach((e, i) => {
      if (!isRecord(e) || !isRecord(e['string'])) return;
      for (const [k, v] of Object.entries(e['string'])) {
        if (typeof v !== 'string') continue;
        for (const name of placeholders(v))
          if (!used.has(name)) used.set(name, ['evaluators', i, 'string', k]);
      }
    });
    return used;
  }

  /** Dialect: rows should use only declared variables, and every declared variable should be used. */
  private declarations(): void {
    if (!Array.isArray(this.root['variables'])) return;
    const decls = this.root['variables'] as unknown[];
    const declared = new Map<string, number>();
    decls.forEach((d, i) => {
      if (!isRecord(d) || typeof d['name'] !== 'string') return;
      const first = declared.get(d['name']);
      if (first !== undefined) {
        const line = this.source.position(['variables', first, 'name']).line;
        this.report(
          'error',
          ['variables', i, 'name'],
          `variable '${d['name']}' is declared twice, first on line ${line}`,
        );
        return;
      }
      declared.set(d['name'], i);
    });
    const used = this.usedPlaceholders();
    for (const [name, i] of declared) {
      if (!used.has(name)) {
        this.report(
          'warning',
          ['variables', i, 'name'],
          `variable '${name}' is declared but no message or evaluator uses {{${name}}}`,
        );
      }
    }
    asArray(this.root['testData']).forEach((raw, r) => {
      const values = rowValues(raw);
      if (!values) return;
      const nested = isRecord(raw) && isRecord(raw['variables']);
      for (const name of Object.keys(values)) {
        if (declared.has(name)) {
          const decl = decls[declared.get(name) as number] as Raw;
          const type = decl?.['type'];
          const v = values[name];
          const ok =
            type === 'number'
              ? typeof v === 'number' ||
                (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
              : type === 'boolean'
                ? typeof v === 'boolean' || v === 'true' || v === 'false'
                : true;
          if (!ok && v !== '' && v !== null) {
            this.report(
              'warning',
              nested ? ['testData', r, 'variables', name] : ['testData', r, name],
              `testData[${r}] gives '${name}' the value ${JSON.stringify(v)}, but it is declared as type ${String(type)}`,
            );
          }
          continue;
        }
        this.report(
          'warning',
          nested ? ['testData', r, 'variables', name] : ['testData', r, name],
          `testData[${r}] sets '${name}', which 'variables' does not declare${didYouMean(name, [...declared.keys()])}`,
        );
      }
    });
  }
}

/** The keys that each give an evaluator its method; an evaluator has exactly one. */
const METHOD_KEYS = ['string', 'pattern', 'regex', 'llm', 'uses'] as const;
const STRING_CHECKS = ['equals', 'contains', 'startsWith', 'endsWith'] as const;

/** A row's variables, from either dialect; undefined when the row is not a mapping. */
function rowValues(raw: unknown): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  if (isRecord(raw['variables'])) return raw['variables'];
  return raw;
}

/** gh models' jsonSchema: OpenAI's response_format wrapper `{"name": ..., "strict": ..., "schema": {...}}`. */
function isWrapper(schema: unknown): schema is Raw {
  return isRecord(schema) && 'name' in schema && 'schema' in schema;
}

/**
 * What a json_schema response format sends: gh's wrapper exactly as written (name, strict, description, schema); a
 * bare schema (the dialect) gets only the `name` the API requires.
 */
function responseSchema(schema: unknown): Raw {
  return isWrapper(schema) ? schema : { name: 'response', schema };
}

/** A scalar as text: a number or boolean as written (`02134` keeps its zero, `1.10` its digits); null as ''. */
function scalarText(source: ParsedSource, path: PathSegment[], v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return source.writtenAs(path) ?? String(v);
  return String(v);
}

/** The name a file without `name` goes by: its file name without `.prompt.yml`, as GitHub lists prompts. */
export function nameFromPath(path: string): string {
  return nodePath.basename(path).replace(/(\.prompt)?\.ya?ml$/i, '');
}

function normalise(path: string, source: ParsedSource): PromptFile {
  const root = source.value as Raw;
  const line = (p: PathSegment[]) => source.position(p).line;
  const params = isRecord(root['modelParameters']) ? root['modelParameters'] : {};
  const parameters: ModelParameters = {};
  const temperature = params['temperature'];
  const maxTokens = params['maxTokens'] ?? params['max_tokens'];
  const topP = params['topP'] ?? params['top_p'];
  if (typeof temperature === 'number') parameters.temperature = temperature;
  if (typeof maxTokens === 'number') parameters.maxTokens = maxTokens;
  if (typeof topP === 'number') parameters.topP = topP;

  const messages: Message[] = asArray(root['messages']).map((m, i) => {
    const r = m as Raw;
    // gh models lower-cases roles, so `System` and `USER` are system and user.
    const role = String(r['role']).toLowerCase() as Message['role'];
    return { role, content: String(r['content']), line: line(['messages', i]) };
  });

  const variables: VariableDeclaration[] = asArray(root['variables']).map((v, i) => {
    const r = v as Raw;
    return {
      name: String(r['name']),
      type: (r['type'] as VariableDeclaration['type']) ?? 'string',
      ...(typeof r['description'] === 'string' ? { description: r['description'] } : {}),
      line: line(['variables', i]),
    };
  });

  const rows: TestRow[] = asArray(root['testData']).map((raw, index) => {
    const r = raw as Raw;
    const values = rowValues(r) ?? {};
    const at: PathSegment[] = isRecord(r['variables'])
      ? ['testData', index, 'variables']
      : ['testData', index];
    const row: TestRow = {
      index,
      line: line(['testData', index]),
      variables: Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, scalarText(source, [...at, k], v)]),
      ),
    };
    if (isRecord(r['variables']) && typeof r['description'] === 'string') row.description = r['description'];
    return row;
  });

  const evaluators: Evaluator[] = asArray(root['evaluators']).map((raw, index) => {
    const r = raw as Raw;
    let method: EvaluatorMethod;
    if (isRecord(r['string'])) {
      const s = r['string'];
      method = {
        kind: 'string',
        check: Object.fromEntries(
          STRING_CHECKS.filter((k) => typeof s[k] === 'string').map((k) => [k, s[k] as string]),
        ),
      };
    } else if (isRecord(r['llm'])) {
      const l = r['llm'];
      method = {
        kind: 'llm',
        judge: {
          prompt: String(l['prompt']),
          ...(typeof l['modelId'] === 'string'
            ? { modelId: l['modelId'], modelIdAt: source.position(['evaluators', index, 'llm', 'modelId']) }
            : {}),
          ...(typeof l['systemPrompt'] === 'string' ? { systemPrompt: l['systemPrompt'] } : {}),
          choices: asArray(l['choices']).map((c) => ({
            choice: String((c as Raw)['choice']),
            score: Number((c as Raw)['score']),
          })),
        },
      };
    } else if (typeof r['uses'] === 'string') {
      method = { kind: 'uses', uses: r['uses'] as BuiltinJudge };
    } else {
      method = { kind: 'regex', pattern: String(r['pattern'] ?? r['regex']) };
    }
    return { ...method, name: String(r['name']), index, line: line(['evaluators', index]) };
  });

  const file: PromptFile = {
    path,
    name: typeof root['name'] === 'string' ? root['name'] : nameFromPath(path),
    authors: asArray(root['authors']).map(String),
    metadata: isRecord(root['metadata']) ? root['metadata'] : {},
    parameters,
    variables,
    messages,
    rows,
    evaluators,
  };
  if (typeof root['description'] === 'string') file.description = root['description'];
  if (root['version'] !== undefined) file.version = scalarText(source, ['version'], root['version']);
  if (typeof root['model'] === 'string') file.model = root['model'];
  if (typeof root['responseFormat'] === 'string')
    file.responseFormat = root['responseFormat'] as PromptFile['responseFormat'];
  if (root['jsonSchema'] !== undefined) {
    const schema: unknown =
      typeof root['jsonSchema'] === 'string' ? JSON.parse(root['jsonSchema']) : root['jsonSchema'];
    file.jsonSchema = responseSchema(schema);
  }
  return file;
}
