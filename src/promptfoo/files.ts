/**
 * Prompt files loaded once per process and shared by the test generator, the prompt function and the
 * providers, which promptfoo calls separately for every row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPromptFileOrThrow } from '../promptfile/load';
import type { PromptFile } from '../promptfile/model';

const cache = new Map<string, { mtimeMs: number; size: number; file: PromptFile }>();

/** Loads (or reuses) a prompt file; throws a UserError listing every problem when it is invalid. */
export function promptFileAt(file: string, cwd = process.cwd()): PromptFile {
  const abs = path.resolve(cwd, file);
  const stat = fs.statSync(abs);
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.file;
  const loaded = loadPromptFileOrThrow(file).file;
  cache.set(abs, { mtimeMs: stat.mtimeMs, size: stat.size, file: loaded });
  return loaded;
}
