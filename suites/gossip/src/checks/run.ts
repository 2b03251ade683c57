/** One domain check as data: what limit.ts sends to its worker, and what the worker runs. */
import type { Scenario } from '../claims/scenario';
import type { CheckVerdict } from './finding';
import { checkNumbers } from './numbers';
import { checkSafety, type ExpectedReply } from './safety';
import { checkStructure } from './structure';

export type CheckRequest =
  | { check: 'structure'; output: string }
  | { check: 'numbers'; output: string; scenario: Scenario }
  | { check: 'safety'; output: string; expect: ExpectedReply };

/** Runs the check a request names. */
export function runCheck(request: CheckRequest): CheckVerdict {
  switch (request.check) {
    case 'structure':
      return checkStructure(request.output);
    case 'numbers':
      return checkNumbers(request.output, request.scenario);
    case 'safety':
      return checkSafety(request.output, request.expect);
  }
}
