/**
 * Exact tests for paired binary outcomes: the same row and repeat scored under two variants.
 * Only discordant pairs carry information (both pass or both fail says nothing about which is better), so both tests
 * reduce to a binomial test with p = 1/2 on the discordant pairs.
 * Reference: McNemar (1947), Psychometrika 12:153-157; the exact form as in Fagerland, Lydersen & Laake (2013),
 * BMC Med Res Methodol 13:91. Example: b = 1, c = 9 gives two-sided p = 0.02148 (= 22/1024).
 */
import { Alternative, TestResult } from './alternative';
import { binomialTest } from './binomial';

/**
 * The sign test: `plus` pairs where the first member did better, `minus` where it did worse (ties already dropped).
 * `greater` asks whether the first member is better.
 */
export function signTest(plus: number, minus: number, alternative: Alternative = 'two-sided'): TestResult {
  return binomialTest(plus, plus + minus, 0.5, alternative);
}

/**
 * McNemar's exact test on discordant counts: `b` pairs where A passed and B failed, `c` where A failed and B passed.
 * For binary outcomes it is the sign test on the discordant pairs.
 */
export function mcnemarExact(b: number, c: number, alternative: Alternative = 'two-sided'): TestResult {
  return signTest(b, c, alternative);
}
