/**
 * Normalise: a valid prompt file's YAML into the typed PromptFile both dialects share. Runs only on what ./validate.ts
 * accepted, so it decides nothing: each evaluator is read by its kind (src/evaluators/).
 */
import * as nodePath from 'node:path';
import type { PathSegment } from '../errors/diagnostics';
import { selectKind, type Evaluator, type Kinds } from '../evaluators/registry';
import type { Message, ModelParameters, PromptFile, TestRow, VariableDeclaration } from './model';
import type { ParsedSource } from './parse';
import { asArray, isRecord, isWrapper, rowValues, type Raw } from './raw';

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

export function normalise(path: string, source: ParsedSource, kinds: Kinds): PromptFile {
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
    const entry = raw as Raw;
    const at: PathSegment[] = ['evaluators', index];
    const selected = selectKind(entry, kinds);
    // validate() has refused every entry without exactly one method.
    if (!('kind' in selected)) throw new Error(`evaluator ${index} has no single method after validation`);
    const method = selected.kind.read({ entry, position: (under) => source.position([...at, ...under]) });
    return { ...method, name: String(entry['name']), index, line: line(at) } as Evaluator;
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
