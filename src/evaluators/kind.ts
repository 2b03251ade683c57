/**
 * An evaluator kind is one declaration: the keys of an `evaluators:` entry that select it, the JSON Schema of those
 * keys, the checks a schema cannot express, how the entry reads into a typed method, and how that method scores a
 * reply. The prompt-file loader and the promptfoo adapter ask the registry (./registry.ts) and never name a kind,
 * so a new kind is its file plus one line there.
 */
import type { PathSegment, Severity } from '../errors/diagnostics';
import type { Verdict } from './result';
import type { LlmJudge } from './judge';

/** An evaluator entry as YAML gave it (after the schema has accepted it). */
export type Entry = Record<string, unknown>;

/** A JSON Schema fragment: what the published schema says of one key. */
export type SchemaFragment = Record<string, unknown>;

/** What a kind may use while it checks one entry: paths are relative to the entry (`['llm', 'modelId']`). */
export interface EntryCheck {
  readonly entry: Entry;
  /** The evaluator's name as written, or `#N` when it has none. */
  readonly name: string;
  report(severity: Severity, at: PathSegment[], message: string): void;
  /** The 1-based line of a path under the entry (for "first on line N"). */
  line(at: PathSegment[]): number;
}

/** What a kind may use while it reads one entry into its method. */
export interface EntryRead {
  readonly entry: Entry;
  position(at: PathSegment[]): { line: number; column: number };
}

export interface EvaluatorKind<M extends { kind: string } = { kind: string }> {
  /** The method's `kind`, and the `type:` value that names it. */
  readonly kind: M['kind'];
  /** The entry keys that give an evaluator this method; an evaluator has exactly one such key. */
  readonly keys: readonly string[];
  /** How the format asks for it, for "give one of ..." (`'type: regex' with 'pattern'`). */
  readonly howToWrite: string;
  /** The JSON Schema of each of `keys`. */
  readonly schema: Readonly<Record<string, SchemaFragment>>;
  /** Paths of scalars that are text even when YAML reads a number (`contains: 4` is "4", as gh reads it). */
  textPaths?(entry: Entry): PathSegment[][];
  /** Paths of names printed to terminals and CI logs, which may hold no control character. */
  printedPaths?(entry: Entry): PathSegment[][];
  /** Model ids the entry names, each checked as the file's `model` is. */
  modelIds?(entry: Entry): { at: PathSegment[]; id: string }[];
  /** The `{{placeholders}}` its text uses, each with where it is written. */
  placeholders?(entry: Entry): { name: string; at: PathSegment[] }[];
  /** Row variables it reads beyond the reply (a built-in judge's `expected`), and what needs them. */
  needs?(entry: Entry): { names: string[]; by: string };
  /** Checks the schema cannot express. */
  check?(c: EntryCheck): void;
  /** The typed method, from an entry that passed the schema and `check`. */
  read(r: EntryRead): M;
  /**
   * How it decides: `score` for a check of the reply itself (pure, synchronous); `judge` for a model-graded one,
   * whose grader the promptfoo adapter calls with this definition.
   */
  score?(
    method: M,
    reply: string,
    row: Readonly<Record<string, string>>,
    expect: 'match' | 'no-match',
  ): Verdict;
  judge?(method: M): LlmJudge;
}

export const isEntry = (v: unknown): v is Entry => v !== null && typeof v === 'object' && !Array.isArray(v);
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
