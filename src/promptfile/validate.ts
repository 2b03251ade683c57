/**
 * Validate: every problem of a read prompt file, as diagnostics with file, line and column: the JSON Schema first
 * (./schema.ts), then what a schema cannot express. Each evaluator's own checks are its kind's (src/evaluators/).
 */
import { type Diagnostic, keyName, type PathSegment, type Severity } from '../errors/diagnostics';
import { EVALUATOR_KINDS, selectKind, type Kinds } from '../evaluators/registry';
import { closest, didYouMean } from '../format/suggest';
import { placeholders } from '../format/template';
import { modelProblem } from './modelId';
import type { ParsedSource } from './parse';
import { asArray, hasOwn, isRecord, isWrapper, rowValues, valueAt, type Raw } from './raw';
import { schemaDiagnostics } from './schema';

/** Every problem of `source`, sorted by place. */
export function validate(source: ParsedSource, kinds: Kinds = EVALUATOR_KINDS): Diagnostic[] {
  const diagnostics = [...schemaDiagnostics(source, kinds), ...new Semantics(source, kinds).check()];
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

const TEMPLATE_SYNTAX = /\{\{|\{%|\{#/;
/** C0 and C1 control characters (line breaks and tabs included), DEL, and bidirectional overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Checks that JSON Schema cannot express: evaluator methods, regexes, placeholder coverage, variables. */
class Semantics {
  private readonly out: Diagnostic[] = [];
  private readonly root: Raw;

  constructor(
    private readonly source: ParsedSource,
    private readonly kinds: Kinds,
  ) {
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
    asArray(this.root['evaluators']).forEach((raw, i) => {
      at.push(['evaluators', i, 'name']);
      if (!isRecord(raw)) return;
      for (const kind of this.kinds)
        for (const p of kind.printedPaths?.(raw) ?? []) at.push(['evaluators', i, ...p]);
    });
    asArray(this.root['variables']).forEach((_, i) => at.push(['variables', i, 'name']));
    for (const path of at) {
      const value = valueAt(this.root, path);
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
      if (!isRecord(raw)) return;
      for (const kind of this.kinds)
        for (const { at, id } of kind.modelIds?.(raw) ?? []) {
          const problem = modelProblem(id);
          if (problem)
            this.report('error', ['evaluators', i, ...at], `${String(at[at.length - 1])} ${problem}`);
        }
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
      const check = {
        entry: raw,
        name,
        report: (severity: Severity, under: PathSegment[], message: string) =>
          this.report(severity, [...at, ...under], message),
        line: (under: PathSegment[]) => this.source.position([...at, ...under]).line,
      };
      // Every kind looks at every entry: a misspelt or second method gets its own kind's complaint too.
      for (const kind of this.kinds) kind.check?.(check);
    });
  }

  /** Exactly one method per evaluator, agreeing with `type:` when one is given. */
  private method(raw: Raw, at: PathSegment[], name: string): void {
    const selected = selectKind(raw, this.kinds);
    if ('kind' in selected) return;
    if (selected.problem === 'type-without-key') {
      this.report(
        'error',
        [...at, 'type'],
        `evaluator '${name}' is 'type: ${selected.type}' but has no ${selected.missing}`,
      );
    } else if (selected.problem === 'none') {
      this.report('error', at, `evaluator '${name}' has no method; give one of ${selected.give}`);
    } else {
      this.report(
        'error',
        [...at, selected.keys[1] as string],
        `evaluator '${name}' has more than one method (${selected.keys.map((m) => `'${m}'`).join(' and ')}); give exactly one`,
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
    asArray(this.root['evaluators']).forEach((raw) => {
      if (!isRecord(raw)) return;
      for (const kind of this.kinds) {
        const needs = kind.needs?.(raw);
        for (const need of needs?.names ?? []) {
          rows.forEach((row, r) => {
            const values = rowValues(row);
            if (values && !hasOwn(values, need)) {
              this.report(
                'warning',
                ['testData', r],
                `testData[${r}] gives no '${need}', which evaluator '${String(raw['name'])}' (${needs?.by}) needs; its prompt keeps {{${need}}} as written`,
              );
            }
          });
        }
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
      if (!isRecord(e)) return;
      for (const kind of this.kinds)
        for (const { name, at } of kind.placeholders?.(e) ?? [])
          if (!used.has(name)) used.set(name, ['evaluators', i, ...at]);
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
