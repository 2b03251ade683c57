/**
 * Agreement of a checker's verdicts with human labels. The positive class is "fail": a checker is there to
 * catch bad replies, so precision asks "when it fails a reply, is the reply bad?" and recall asks "of the bad
 * replies, how many does it fail?".
 */

export interface Agreement {
  n: number;
  /** Failed by the checker and labelled fail. */
  truePositives: number;
  /** Failed by the checker but labelled pass. */
  falsePositives: number;
  /** Passed by the checker but labelled fail. */
  falseNegatives: number;
  /** Passed by the checker and labelled pass. */
  trueNegatives: number;
  accuracy: number;
  /** NaN when the checker failed nothing. */
  precision: number;
  /** NaN when nothing is labelled fail. */
  recall: number;
}

/** Agreement over pairs of (checker passed, label passed). */
export function agreementOf(pairs: readonly { passed: boolean; labelPassed: boolean }[]): Agreement {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const { passed, labelPassed } of pairs) {
    if (!passed && !labelPassed) tp++;
    else if (!passed && labelPassed) fp++;
    else if (passed && !labelPassed) fn++;
    else tn++;
  }
  const n = pairs.length;
  return {
    n,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    accuracy: n === 0 ? NaN : (tp + tn) / n,
    precision: tp + fp === 0 ? NaN : tp / (tp + fp),
    recall: tp + fn === 0 ? NaN : tp / (tp + fn),
  };
}
