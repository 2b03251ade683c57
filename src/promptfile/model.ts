/**
 * The typed model of a prompt file, after parsing and validation. Both accepted dialects (GitHub's flat
 * format and the richer dialect with typed variables and rows under `variables:`) normalise into this.
 * Following Inspect's split: `rows` are the dataset, `messages` + `model` + `parameters` the solver,
 * `evaluators` the scorers.
 */
import type { Evaluator } from '../evaluators/registry';

export type Role = 'system' | 'user' | 'assistant' | 'developer';

export interface Message {
  role: Role;
  content: string;
  line: number;
}

export interface ModelParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
}

export type ResponseFormat = 'text' | 'json_object' | 'json_schema';

export interface VariableDeclaration {
  name: string;
  type: 'string' | 'number' | 'boolean';
  description?: string;
  line: number;
}

export interface TestRow {
  /** 0-based position in testData. */
  index: number;
  /** 1-based line of the row. */
  line: number;
  description?: string;
  /** Values as strings: numbers and booleans are written as YAML shows them; null is ''. */
  variables: Record<string, string>;
}

export interface PromptFile {
  /** Path as given by the caller (relative paths stay relative). */
  path: string;
  name: string;
  description?: string;
  version?: string;
  authors: string[];
  metadata: Record<string, unknown>;
  model?: string;
  parameters: ModelParameters;
  responseFormat?: ResponseFormat;
  /**
   * What a json_schema response format sends as `json_schema`: gh's `{name, strict?, schema, ...}` exactly as the
   * file writes it; a bare schema (the dialect) becomes `{name: 'response', schema}`.
   */
  jsonSchema?: Record<string, unknown>;
  /** Declared variables (dialect); empty when the file declares none. */
  variables: VariableDeclaration[];
  messages: Message[];
  rows: TestRow[];
  evaluators: Evaluator[];
}
