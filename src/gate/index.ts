/**
 * What the CLI calls: results -> trials -> comparison, baseline and gate -> reports.
 * Everything here is pure except `readTrials` and `readBaseline`, which read files.
 */
export { readTrials } from '../results/read';
export type { Attempt, Outcome, RowRef, Trial, TrialTable, Usage } from '../results/trial';
export { compare } from './compare';
export type { CompareOptions, CompareResult, PairedComparison, Rate, VariantSummary } from './compare';
export {
  baselineProblem,
  buildBaseline,
  mergeBaselines,
  parseBaseline,
  readBaseline,
  serializeBaseline,
} from './baseline';
export type { Baseline } from './baseline';
export { gate } from './gate';
export type { BaselineChange, GateCheck, GateFailure, GateOptions, GateVerdict } from './gate';
export { renderCompare } from '../report/compare';
export type { CompareFormat } from '../report/compare';
export { renderGate } from '../report/gate';
export type { GateFormat } from '../report/gate';
export { renderReport } from '../report/html';
