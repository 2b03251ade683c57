/**
 * The broken-file table: each file in tests/fixtures/broken is one mistake a user makes, and
 * expected.yaml says, to the line, column and word, what the loader tells them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { formatDiagnostic, type Diagnostic } from '../../../src/errors/diagnostics';
import { loadPromptFile, type LoadResult } from '../../../src/promptfile/load';
import { MAX_FILE_BYTES } from '../../../src/promptfile/parse';

const BROKEN = path.resolve(__dirname, '../../fixtures/broken');

interface Expectation {
  file: string;
  errors?: string[];
  warnings?: string[];
}

const table = parse(fs.readFileSync(path.join(BROKEN, 'expected.yaml'), 'utf8')) as Expectation[];

function located(result: LoadResult, severity: Diagnostic['severity']): string[] {
  return result.diagnostics
    .filter((d) => d.severity === severity)
    .map((d) => `${d.line}:${d.column}: ${d.message}`);
}

describe('the broken-file table covers the fixture directory exactly', () => {
  it('has one row per fixture file and no row without a file', () => {
    const onDisk = fs
      .readdirSync(BROKEN)
      .filter((f) => f.endsWith('.prompt.yml'))
      .sort();
    expect(table.map((row) => row.file).sort()).toEqual(onDisk);
  });

  it('expects at least one diagnostic from every file', () => {
    const silent = table.filter((row) => (row.errors ?? []).length + (row.warnings ?? []).length === 0);
    expect(silent.map((row) => row.file)).toEqual([]);
  });
});

describe('a broken prompt file yields exactly its expected diagnostics, each at the offending line', () => {
  it.each(table.map((row) => [row.file, row] as const))('%s', (_name, row) => {
    const result = loadPromptFile(path.join(BROKEN, row.file));
    expect(located(result, 'error')).toEqual(row.errors ?? []);
    expect(located(result, 'warning')).toEqual(row.warnings ?? []);
  });
});

describe('errors stop the load; warnings alone do not', () => {
  it.each(table.map((row) => [row.file, row] as const))('%s', (_name, row) => {
    const result = loadPromptFile(path.join(BROKEN, row.file));
    expect(result.file === undefined).toBe((row.errors ?? []).length > 0);
  });
});

describe('a diagnostic prints as file:line:col: severity: message', () => {
  it('names the file as the caller gave it, so editors and CI logs can link to the line', () => {
    const file = path.join(BROKEN, 'unknown-role.prompt.yml');
    const only = loadPromptFile(file).diagnostics.find((d) => d.severity === 'error');
    expect(only && formatDiagnostic(only)).toBe(
      `${file}:3:5: error: unknown message role 'bot'; expected one of system, user, assistant, developer`,
    );
  });

  it('carries the offending key as a dotted path', () => {
    const only = loadPromptFile(path.join(BROKEN, 'unknown-role.prompt.yml')).diagnostics.find(
      (d) => d.severity === 'error',
    );
    expect(only?.key).toBe('messages[0].role');
  });
});

describe('files too big or not readable are refused with no position', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-broken-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a file one byte over 5 MiB before parsing it', () => {
    const file = path.join(dir, 'huge.prompt.yml');
    const head = 'name: Huge\nmessages:\n  - role: user\n    content: Say hello.\n';
    fs.writeFileSync(file, head + '#'.repeat(MAX_FILE_BYTES + 1 - head.length));
    expect(loadPromptFile(file).diagnostics).toEqual([
      {
        severity: 'error',
        file,
        line: 0,
        column: 0,
        key: '',
        message: `file is ${MAX_FILE_BYTES + 1} bytes, over the ${MAX_FILE_BYTES}-byte limit for a prompt file`,
      },
    ]);
  });

  it('reads a file of exactly 5 MiB', () => {
    const file = path.join(dir, 'limit.prompt.yml');
    const head = 'name: Limit\nmessages:\n  - role: user\n    content: Say hello.\n#';
    fs.writeFileSync(file, head + ' '.repeat(MAX_FILE_BYTES - head.length - 1) + '\n');
    expect(fs.statSync(file).size).toBe(MAX_FILE_BYTES);
    expect(loadPromptFile(file).diagnostics).toEqual([]);
  });

  it('says a missing path does not exist', () => {
    const file = path.join(dir, 'absent.prompt.yml');
    expect(loadPromptFile(file).diagnostics.map(formatDiagnostic)).toEqual([
      `${file}: error: ${file} cannot be read: no such file`,
    ]);
  });

  it('says a directory is not a prompt file', () => {
    expect(loadPromptFile(dir).diagnostics.map((d) => d.message)).toEqual([
      `${dir} is a directory, not a prompt file`,
    ]);
  });
});
