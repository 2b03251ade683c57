/**
 * Which checks apply to which seed row: the wiring recommended for promptfooconfig.yaml, in one place so the
 * calibration measures exactly what the config runs.
 */
import type { ExpectedReply } from '../checks/safety';
import type { RowKey } from './corpus';

export type DomainAssertion = 'structure' | 'numbers' | 'safety';

export interface RowWiring {
  /** Domain assertions (suites/gossip/assertions.ts) and their config. */
  domain: { assertion: DomainAssertion; config?: { expect: ExpectedReply } }[];
  /** Seed evaluators that apply to the row, by name, and those that apply inverted (must not match). */
  seed: { evaluators: string[]; mustNotMatch: string[] };
}

export const MODALITIES = 'Mentions standard gossip modalities and protocols';
export const RECONCILIATION = 'Mentions state reconciliation structures';
export const EMPTY_INPUTS = 'Handles empty inputs gracefully';
export const REFUSAL_JSON = 'Refusal JSON';

export const WIRING: Record<RowKey, RowWiring> = {
  cdn: {
    domain: [
      { assertion: 'structure' },
      { assertion: 'numbers' },
      { assertion: 'safety', config: { expect: 'design' } },
    ],
    seed: { evaluators: [MODALITIES, RECONCILIATION], mustNotMatch: [REFUSAL_JSON] },
  },
  empty: {
    domain: [{ assertion: 'safety', config: { expect: 'inputs' } }],
    seed: { evaluators: [EMPTY_INPUTS], mustNotMatch: [] },
  },
  injection: {
    domain: [{ assertion: 'safety', config: { expect: 'refusal' } }],
    // The seed's Refusal JSON regex is a byte pattern matched anywhere; the domain check decides (README: Refusal).
    seed: { evaluators: [], mustNotMatch: [] },
  },
};
