/**
 * Real prompt files, from public repositories and GitHub's documentation (tests/fixtures/real/SOURCES.yaml says where
 * each comes from and what gh models does with it). `check` must accept every file gh models runs, and reject every
 * file gh models rejects for the reason gh rejects it, save the differences SOURCES.yaml marks `deliberate`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadPromptFile, type LoadResult } from '../../../src/promptfile/load';

const REAL = path.resolve(__dirname, '../../fixtures/real');

interface Source {
  file: string;
  source: { repository: string; path: string; commit: string; licence: string; blob: string };
  gh: { runs: boolean; what: string; cause?: string };
  deliberate?: string;
  check: { errors: string[]; warnings: string[] };
}

const sources = parse(fs.readFileSync(path.join(REAL, 'SOURCES.yaml'), 'utf8')) as Source[];
const results = new Map<string, LoadResult>(
  sources.map((s) => [s.file, loadPromptFile(path.join(REAL, s.file))]),
);
const result = (s: Source) => results.get(s.file) as LoadResult;
const messages = (s: Source, severity: 'error' | 'warning') =>
  result(s)
    .diagnostics.filter((d) => d.severity === severity)
    .map((d) => `${d.line}:${d.column}: ${d.message}`);

describe('the corpus', () => {
  it('has at least 30 real prompt files, each listed once in SOURCES.yaml', () => {
    const onDisk = fs
      .readdirSync(REAL, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'LICENSES')
      .flatMap((d) => fs.readdirSync(path.join(REAL, d.name)).map((f) => `${d.name}/${f}`))
      .sort();
    expect(sources.map((s) => s.file).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(30);
  });

  it.each(sources.map((s) => [s.file, s] as const))(
    '%s names its repository, path, commit and licence, and is the byte-exact copy it claims',
    (_file, s) => {
      expect(s.source.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(s.source.path).not.toBe('');
      expect(s.source.commit).toMatch(/^[0-9a-f]{40}$/);
      const bytes = fs.readFileSync(path.join(REAL, s.file));
      const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      expect(blob).toBe(s.source.blob);
      const own = path.join(REAL, 'LICENSES', `${s.source.repository.replace('/', '--')}.txt`);
      const ccBy =
        /CC-BY-4\.0/.test(s.source.licence) && fs.existsSync(path.join(REAL, 'LICENSES', 'CC-BY-4.0.txt'));
      expect(fs.existsSync(own) || ccBy).toBe(true);
    },
  );
});

describe('check says exactly what SOURCES.yaml records, at the line and column', () => {
  it.each(sources.map((s) => [s.file, s] as const))('%s', (_file, s) => {
    expect(messages(s, 'error')).toEqual(s.check.errors);
    expect(messages(s, 'warning')).toEqual(s.check.warnings);
    expect(result(s).file === undefined).toBe(s.check.errors.length > 0);
  });
});

describe('check agrees with gh models', () => {
  const runs = sources.filter((s) => s.gh.runs);
  const rejected = sources.filter((s) => !s.gh.runs);

  it(`accepts every one of the ${runs.length} files gh models runs: no false rejections`, () => {
    const falseRejections = runs.filter((s) => result(s).file === undefined).map((s) => s.file);
    expect(falseRejections).toEqual([]);
    expect(runs.length).toBeGreaterThanOrEqual(25);
  });

  it.each(rejected.map((s) => [s.file, s] as const))(
    'rejects %s for the reason gh models does, or warns of it where the difference is deliberate',
    (_file, s) => {
      const cause = s.gh.cause as string;
      expect(cause).toBeTruthy();
      if (s.deliberate) {
        expect(result(s).file).toBeDefined();
        expect(messages(s, 'warning').some((m) => m.includes(cause))).toBe(true);
      } else {
        expect(result(s).file).toBeUndefined();
        expect(messages(s, 'error').some((m) => m.includes(cause))).toBe(true);
      }
    },
  );

  it('names the file after its file name when it has no name, as GitHub lists it', () => {
    const s = sources.find((x) => x.file === 'github--ai-moderator/spam-detection.prompt.yml') as Source;
    expect(result(s).file?.name).toBe('spam-detection');
  });
});
