/**
 * Record and replay: each live model call can be saved as a small, readable JSON file meant to be committed,
 * keyed by target, parameters, messages and repeat index. Replaying serves them offline and deterministically.
 * A cassette holds no provider config, so no API key can land in one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage } from '../promptfile/messages';
import type { CallSettings } from '../variants/variant';

export interface CassetteRequest {
  target: string;
  parameters: Omit<CallSettings, 'target' | 'model'> & { model: string };
  messages: ChatMessage[];
  repeat: number;
}

export interface CassetteResponse {
  output: string;
  tokenUsage?: { prompt?: number; completion?: number; total?: number };
  cost?: number;
  latencyMs?: number;
}

export interface Cassette {
  key: string;
  promptFile: string;
  row: number;
  request: CassetteRequest;
  response: CassetteResponse;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The request for a call, as keyed: what determines the model's answer, and nothing secret. */
export function cassetteRequest(
  settings: CallSettings,
  messages: ChatMessage[],
  repeat: number,
): CassetteRequest {
  const { target, ...parameters } = settings;
  return { target, parameters, messages, repeat };
}

/** A stable key for a request: sha256 of its canonical JSON. */
export function cassetteKey(request: CassetteRequest): string {
  return createHash('sha256').update(canonical(request)).digest('hex');
}

function slug(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'x'
  );
}

/** Where a cassette lives: `<dir>/<prompt name>/<target>/row<N>-r<repeat>-<key12>.json`. */
export function cassettePath(dir: string, promptName: string, request: CassetteRequest, row: number): string {
  const key = cassetteKey(request);
  return path.join(
    dir,
    slug(promptName),
    slug(request.target),
    `row${row}-r${request.repeat}-${key.slice(0, 12)}.json`,
  );
}

/** Writes a cassette atomically (temp file + rename), so an interrupted run never leaves half a file. */
export function writeCassette(file: string, cassette: Cassette): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cassette, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Reads the cassette for a request, or undefined when none was recorded. */
export function readCassette(file: string, request: CassetteRequest): Cassette | undefined {
  if (!fs.existsSync(file)) return undefined;
  const cassette = JSON.parse(fs.readFileSync(file, 'utf8')) as Cassette;
  return cassette.key === cassetteKey(request) ? cassette : undefined;
}
