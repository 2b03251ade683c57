/**
 * Rows travel through promptfoo by reference. A generated test names its prompt file and row (in `metadata.promptfile`,
 * and in the var ROW_VAR for the prompt function, which sees vars only); whoever needs the row's values (the prompt
 * function, our providers, our assertions) reads them from the prompt file itself, never from what promptfoo did to
 * the vars. The vars carry the values too, for people and for promptfoo's own assertions (`{{expected}}`).
 */
import type { PromptFile, TestRow } from '../promptfile/model';
import { promptFileAt } from './files';
import { varText } from './inert';
import type { CallApiContextParams } from './types';

/** The var naming a test's row: `prompts/x.prompt.yml#2` (the prompt file, `#`, the 0-based row index). */
export const ROW_VAR = '__promptfile';

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
  /** What the row is (src/suite/identity.ts): the same wherever the row sits and whatever the file is called. */
  id?: string;
  /** The file's own model and temperature as a variant label, for results of the mixed reference column. */
  reference?: string;
}

/** ROW_VAR's value for row `index` of `file`. */
export function rowReference(file: string, index: number): string {
  return `${file}#${index}`;
}

/** A row, read from its prompt file. */
export interface RowInFile {
  file: PromptFile;
  row: TestRow;
  origin: RowOrigin;
}

/**
 * The parts of promptfoo's prompt-function, provider and assertion contexts a row is found from: the vars and the
 * test case, typed as promptfoo's provider context types them.
 */
export type RowContext = Partial<Pick<CallApiContextParams, 'vars' | 'test'>>;

/**
 * The row a prompt-function call, provider call or assertion belongs to, looked up in its prompt file (loaded once per
 * process). Throws when the test was not generated from a prompt file or the row no longer exists.
 */
export function rowOf(context: RowContext | undefined): RowInFile {
  const origin = context?.test?.metadata?.['promptfile'] as Partial<RowOrigin> | undefined;
  let path = typeof origin?.file === 'string' ? origin.file : undefined;
  let index = typeof origin?.row === 'number' ? origin.row : undefined;
  if (path === undefined || index === undefined) {
    const reference = varText(context?.test?.vars?.[ROW_VAR] ?? context?.vars?.[ROW_VAR]);
    const m = reference === undefined ? null : /^(.*)#(\d+)$/s.exec(reference);
    if (!m) {
      throw new Error(
        `this test was not generated from a prompt file (no ${ROW_VAR} var); use the promptfile test generator`,
      );
    }
    path = m[1] as string;
    index = Number(m[2]);
  }
  const file = promptFileAt(path);
  const row = file.rows[index];
  if (!row) throw new Error(`${path} has no row ${index}; was it edited during the run?`);
  const id = typeof origin?.id === 'string' ? { id: origin.id } : {};
  const reference = typeof origin?.reference === 'string' ? { reference: origin.reference } : {};
  return {
    file,
    row,
    origin: { file: path, name: file.name, row: index, line: row.line, ...id, ...reference },
  };
}
