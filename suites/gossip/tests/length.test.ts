/**
 * Every domain check runs in time linear in the reply. Hostile replies of 1 MB (repeated units, one endless
 * sentence, thousands of numbers, thousands of headings...) must each finish within 10 s of CPU per check: ten
 * times the 1 s target, so a loaded 2-core CI machine passes, while a superlinear check cannot (before this test,
 * `numbers` took 130 s on 160 KB of "200ms "). Measured figures are in BENCHMARKS.md (npm run bench, section
 * gossip-length).
 */
import { extractClaims } from '../src/claims/claims';
import { readScenario } from '../src/claims/scenario';
import { checkNumbers } from '../src/checks/numbers';
import { checkSafety } from '../src/checks/safety';
import { checkStructure } from '../src/checks/structure';
import { ReplyContext } from '../src/checks/context';
import { checkCoverage } from '../src/checks/totals';
import { loadSeed } from '../src/calibration/seed';
import { HOSTILE_REPLIES, MEGABYTE } from '../../../bench/gossipChecks';

const scenario = readScenario(loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml').rows.cdn);
const BOUND_MS = 10_000;

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('each domain check is linear in the reply: 1 MB hostile replies within 10 s of CPU', () => {
  for (const [name, make] of Object.entries(HOSTILE_REPLIES)) {
    const reply = make(MEGABYTE);
    it(`${name} (${reply.length} characters)`, () => {
      const checks: [string, () => unknown][] = [
        ['structure', () => checkStructure(reply)],
        ['numbers', () => checkNumbers(reply, scenario)],
        ['safety (design)', () => checkSafety(reply, 'design')],
        ['safety (inputs)', () => checkSafety(reply, 'inputs')],
        ['safety (refusal)', () => checkSafety(reply, 'refusal')],
      ];
      for (const [check, run] of checks) expect([check, cpuMs(run) < BOUND_MS]).toEqual([check, true]);
    });
  }
});

describe('a long reply is read in full, not cut short to stay fast', () => {
  it('k copies of a design sentence give k times its claims', () => {
    const sentence =
      'Inside a site, push with fanout 3 every 100 ms reaches 2,000 nodes in about 9 rounds, so 0.9 s. ';
    const one = extractClaims(sentence).claims.length;
    expect(one).toBeGreaterThanOrEqual(4);
    expect(extractClaims(sentence.repeat(5_000)).claims).toHaveLength(5_000 * one);
  });

  it('a wrong claim at the end of 1 MB of correct ones still fails', () => {
    const good = HOSTILE_REPLIES['one endless sentence']!(MEGABYTE);
    const verdict = checkNumbers(
      `${good}.\n\nWith fanout 1, push reaches 1,000,000 nodes in 3 rounds.`,
      scenario,
    );
    expect(verdict.pass).toBe(false);
    expect(verdict.reason).toMatch(
      /reply says 3 rounds with fanout 1 at N=1,000,000 \(push\); lower bound ⌈log2\(1e6\)⌉ = 20; FAIL/,
    );
  });
});

describe('a check that looks before each number looks a bounded way back', () => {
  it('the scale check reads a window before each node count, not its whole run-on sentence', () => {
    // Thousands of "2,000 nodes" in one 1 MB sentence, none near the row's N: reading each count's whole prefix took
    // about 4 s here (quadratic); a bounded window takes milliseconds.
    const context = new ReplyContext(
      extractClaims(HOSTILE_REPLIES['one endless sentence']!(MEGABYTE)),
      scenario,
    );
    expect(cpuMs(() => checkCoverage(context))).toBeLessThan(1_000);
  });
});
