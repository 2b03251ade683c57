/** Did-you-mean suggestions for misspelt keys and names. */

/**
 * Edit distance between two strings, case-insensitive, counting a swap of two neighbouring letters as one
 * edit (optimal string alignment): `nmae` is one typo away from `name`, not two.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let before: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      cur[j] = d;
    }
    before = prev;
    prev = cur;
  }
  return prev[t.length] ?? 0;
}

/** The closest candidate to `word`, if close enough to be a plausible typo (or a case/underscore variant). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const squash = (w: string) => w.toLowerCase().replace(/[_\-\s]/g, '');
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = squash(c) === squash(word) ? 0 : editDistance(word, c);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

/** `; did you mean 'x'?` or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c ? `; did you mean '${c}'?` : '';
}
