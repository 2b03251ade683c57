/**
 * GitHub workflow commands for a gate verdict: one `::error` per failure, pointing at the prompt-file line of the
 * evaluator (else of the row) so the pull request shows it in place; a `::notice` when the gate passes.
 */
import { GateFailure, GateVerdict } from '../gate/gate';
import { escapeAnnotationData, escapeAnnotationProperty } from './escape';

/** The workflow commands, one per line. Paths are as the prompt-file metadata gives them (relative to the config). */
export function gateAnnotations(verdict: GateVerdict): string {
  if (verdict.pass)
    return `::notice title=${escapeAnnotationProperty('Prompt gate passed')}::${escapeAnnotationData(verdict.summary)}\n`;
  return verdict.failures.map(annotation).join('');
}

function annotation(failure: GateFailure): string {
  const properties = [];
  if (failure.location) {
    properties.push(
      `file=${escapeAnnotationProperty(failure.location.file)}`,
      `line=${failure.location.line}`,
    );
  }
  properties.push(`title=${escapeAnnotationProperty(title(failure))}`);
  return `::error ${properties.join(',')}::${escapeAnnotationData(failure.message)}\n`;
}

function title(failure: GateFailure): string {
  switch (failure.kind) {
    case 'regression':
      return `Regression: ${failure.evaluator} (${failure.variant})`;
    case 'changed':
      return `Changed: ${failure.evaluator} (${failure.variant})`;
    case 'underpowered':
      return `Underpowered: ${failure.evaluator} (${failure.variant})`;
    case 'floor':
      return `Below floor: ${failure.evaluator} (${failure.variant})`;
    case 'errors':
      return `Errors: ${failure.variant}`;
    case 'missing-variant':
      return `Missing variant: ${failure.variant}`;
    case 'missing-evaluator':
      return `Missing evaluator: ${failure.evaluator} (${failure.variant})`;
    case 'missing-rows':
      return `Missing rows: ${failure.variant}`;
    case 'new-variant':
      return `No baseline: ${failure.variant}`;
    case 'new-evaluator':
      return `No baseline: ${failure.evaluator} (${failure.variant})`;
    case 'new-rows':
      return `Rows without a baseline: ${failure.variant}`;
    case 'changed-rows':
      return `Changed rows: ${failure.variant}`;
    case 'unfloored':
      return `No floor: ${failure.evaluator} (${failure.variant})`;
    case 'kind-changed':
      return `No longer deterministic: ${failure.variant}`;
    case 'shards':
      return 'Incomplete run';
    case 'sequential':
      return failure.variant ? `Sequential run: ${failure.variant}` : 'Sequential run';
    case 'lowered':
      return `Lowered expectation: ${failure.evaluator} (${failure.variant})`;
    case 'unknown-floor':
      return `Floor for unknown evaluator: ${failure.evaluator}`;
    case 'no-trials':
      return 'Nothing was evaluated';
  }
}
