/** What every evaluator returns: promptfoo's GradingResult shape, which requires a human `reason`. */
export interface Verdict {
  pass: boolean;
  score: number;
  reason: string;
}

/** A passing or failing verdict with score 1 or 0. */
export function verdict(pass: boolean, reason: string): Verdict {
  return { pass, score: pass ? 1 : 0, reason };
}

/** Shortens text for a reason line, keeping it on one line. */
export function excerpt(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
