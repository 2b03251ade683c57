/**
 * How one prompt-file row travels through promptfoo, and how a provider or assertion reads it back.
 *
 * A test's vars are the row's variables, encoded (see codec.ts), plus FILE_VAR naming the prompt file.
 * Its metadata says where the row came from, so reports can point at the line.
 */
import { decode, decodeRecord } from './codec';

/** The var that names the prompt file a test belongs to. */
export const FILE_VAR = '__promptfile';

/** What every generated test carries in `metadata.promptfile`. */
export interface RowOrigin {
  /** Prompt-file path, relative to the config's directory. */
  file: string;
  /** The prompt file's `name`. */
  name: string;
  /** 0-based index of the row in `testData`. */
  row: number;
  /** 1-based line of the row in the prompt file. */
  line: number;
  /** What the row is (identity.ts): the same wherever the row sits and whatever the file is called. */
  id?: string;
}

/** A row as providers and assertions see it: decoded, exactly as written in the prompt file. */
export interface RowView {
  file: string;
  variables: Record<string, string>;
  origin?: RowOrigin;
}

/** The minimal shape of promptfoo's provider and assertion contexts that a row is read from. */
export interface RowContext {
  vars?: Record<string, unknown>;
  test?: { vars?: Record<string, unknown>; metadata?: Record<string, unknown> };
}

/** Reads the row a provider call or an assertion belongs to. */
export function readRow(context: RowContext | undefined): RowView {
  // The test's own vars, as generated: promptfoo adds internal ones (`_conversation`, ...) to context.vars.
  const vars = { ...(context?.test?.vars ?? context?.vars ?? {}) };
  const fileVar = vars[FILE_VAR];
  delete vars[FILE_VAR];
  const origin = context?.test?.metadata?.['promptfile'] as RowOrigin | undefined;
  const file = typeof fileVar === 'string' ? decode(fileVar) : (origin?.file ?? '');
  return { file, variables: decodeRecord(vars), origin };
}
