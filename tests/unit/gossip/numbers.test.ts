import fs from 'node:fs';
import YAML from 'yaml';
import { loadSeed } from '../../../src/calibration/seed';
import { readScenario } from '../../../src/gossip/claims/scenario';
import { formatFinding, type Finding } from '../../../src/gossip/checks/finding';
import { checkNumbers } from '../../../src/gossip/checks/numbers';

const CDN = readScenario(loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml').rows.cdn);
const corpus = (file: string): string =>
  (YAML.parse(fs.readFileSync(`tests/calibration/corpus/${file}`, 'utf8')) as { reply: string }).reply;

function findings(text: string, check?: string): Finding[] {
  return checkNumbers(text, CDN).findings.filter((f) => check === undefined || f.check === check);
}
function outcomes(text: string, check: string): string[] {
  return findings(text, check).map((f) => f.outcome);
}

describe('rounds against the floor ⌈log_(f+1) N⌉ (reference §1, §8, §9.1)', () => {
  it('fails 3 rounds at fanout 1 over 10^6 nodes, saying what it computed', () => {
    const text = 'Push gossip with fanout 1 reaches all 1,000,000 nodes in about 3 rounds.';
    const [f] = findings(text, 'rounds');
    expect(formatFinding(f!)).toBe(
      'rounds: reply says about 3 rounds with fanout 1 at N=1,000,000 (push); lower bound ⌈log2(1e6)⌉ = 20; FAIL',
    );
    expect(f!.snippet).toBe(text);
  });

  it('push-pull has the softer floor ⌈log_(2f+1) N⌉: 16 rounds pass for push-pull and fail for push', () => {
    expect(outcomes('Push-pull with fanout 1 covers all 1,000,000 nodes in 16 rounds.', 'rounds')).toEqual([
      'PASS',
    ]);
    expect(outcomes('Push with fanout 1 covers all 1,000,000 nodes in 16 rounds.', 'rounds')).toEqual([
      'FAIL',
    ]);
  });

  it('lets the expectation decide above the floor: 21 rounds for push f=1 at 10^6 is too few (simulated ≈ 35)', () => {
    const [f] = findings('Push with fanout 1 reaches all N = 1,000,000 nodes in about 21 rounds.', 'rounds');
    expect(f!.outcome).toBe('FAIL');
    expect(f!.detail).toMatch(
      /expected \(mean field of the simulated push f=1 over 1,000,000 nodes\) 3[3-6](\.\d)? rounds/,
    );
  });

  it('checks a tier against its own population, not the whole network', () => {
    expect(
      outcomes('Inside a site (about 2,000 nodes), push with fanout 3 takes about 9 rounds.', 'rounds'),
    ).toEqual(['PASS']);
  });

  it('ignores increments and phases ("the tail adds 1–3 rounds")', () => {
    expect(findings('With fanout 3 over 1,000,000 nodes the p99 tail adds 1–3 rounds.', 'rounds')).toEqual(
      [],
    );
  });
});

describe('time = rounds × interval (+ latency) (reference §9.4)', () => {
  it('fails 1 s of convergence from 20 rounds at 200 ms', () => {
    const [f] = findings(
      'With a 200 ms interval and 20 rounds, an invalidation converges in about 1 second.',
      'time',
    );
    expect(f!.outcome).toBe('FAIL');
    expect(f!.detail).toContain('R × max(T_int, L) = 4 s');
  });

  it('passes a consistent per-tier statement and uses the latency of the same sentence', () => {
    expect(
      outcomes(
        'Across 500 sites: 8 rounds at 200 ms ticks with one-way latency up to 150 ms, so about 2 s.',
        'time',
      ),
    ).toEqual(['PASS']);
    expect(
      outcomes('Each of 7 rounds at 100 ms ticks with 300 ms one-way latency converges in 0.7 s.', 'time'),
    ).toEqual(['FAIL']);
  });

  it("checks the reply's own arithmetic", () => {
    expect(outcomes('Convergence takes 20 × 200 ms ≈ 1 s.', 'arithmetic')).toEqual(['FAIL']);
    expect(outcomes('Convergence takes 8 × 0.25 s ≈ 2 s.', 'arithmetic')).toEqual(['PASS']);
  });

  it('does not pair numbers across the tiers of a paragraph', () => {
    const text =
      'Inside a site push-pull with fanout 2 at 100 ms takes about 7 rounds. The eager tree reaches every site in 4 × 150 ms = 0.6 s. Across sites gossip takes about 8 rounds.';
    expect(findings(text, 'time')).toEqual([]);
  });
});

describe("the row's bound (5 s for the CDN row)", () => {
  it('fails a total above the bound', () => {
    expect(outcomes('Total end-to-end convergence is about 6 s.', 'bound')).toEqual(['FAIL']);
    expect(outcomes('Convergence takes between 4 and 6 seconds.', 'bound')).toEqual(['FAIL']);
  });

  it('passes a total inside it, and ignores a rejected alternative', () => {
    expect(outcomes('End-to-end convergence is about 2.5 s.', 'bound')).toEqual(['PASS']);
    expect(
      outcomes(
        'Flat push at 200 ms per round would take 7 s, which violates the bound, so we reject it.',
        'bound',
      ),
    ).toEqual([]);
  });

  it('a flat design is simulated at the row’s N: push f=1 at 200 ms needs ≈ 35 rounds → ≈ 7 s > 5 s', () => {
    const [f] = findings(
      'Flat push gossip with fanout 1 and a 200 ms interval over all 1,000,000 nodes.',
      'flat',
    );
    expect(f!.outcome).toBe('FAIL');
    expect(f!.detail).toMatch(/> bound 5 s$/);
  });
});

describe('red flags (reference §8)', () => {
  it('O(1) rounds or latency independent of N', () => {
    expect(outcomes('Convergence takes O(1) rounds, independent of N.', 'scaling')).toEqual(['FAIL']);
    expect(outcomes('Dissemination latency is independent of the network size.', 'scaling')).toEqual([
      'FAIL',
    ]);
    expect(outcomes("SWIM's per-member load is O(1), independent of N.", 'scaling')).toEqual([]);
  });

  it.each([
    [0.5, 'FAIL'],
    [2, 'FAIL'],
    [4, 'WARN'],
    [8, 'PASS'],
    [12, 'PASS'],
    [20, 'WARN'],
  ])('phi threshold %f → %s', (phi, outcome) => {
    expect(outcomes(`Gateways use a phi-accrual detector with threshold Φ = ${phi}.`, 'phi')).toEqual([
      outcome,
    ]);
  });

  it('Bloom sizing within ±5% of −ln p/(ln 2)²', () => {
    expect(outcomes('A Bloom filter at 2 bits per element gives a 1% false-positive rate.', 'bloom')).toEqual(
      ['FAIL'],
    );
    expect(
      outcomes('A Bloom filter at 10 bits per element gives a 1% false-positive rate.', 'bloom'),
    ).toEqual(['PASS']);
    expect(
      outcomes('A Bloom filter with 10 bits per element gives a 0.1% false-positive rate.', 'bloom'),
    ).toEqual(['FAIL']);
    expect(
      outcomes(
        'A Bloom filter for a 1% false-positive rate: 9.6 bits per element, k = 3 hash functions.',
        'bloom',
      ),
    ).toEqual(['PASS', 'WARN']);
  });

  it('SWIM without suspicion or incarnation numbers', () => {
    expect(outcomes('SWIM membership; a member that misses a probe is declared dead.', 'swim')).toEqual([
      'FAIL',
    ]);
    expect(outcomes('SWIM without the suspicion state, for speed.', 'swim')).toEqual(['FAIL']);
    expect(outcomes('SWIM with a suspicion state.', 'swim')).toEqual(['WARN']);
    expect(outcomes('SWIM with suspicion and incarnation numbers.', 'swim')).toEqual(['PASS']);
  });

  it('memberlist defaults cannot detect within 5 s at 10^6 nodes (suspicion Min = 24 s)', () => {
    const [f] = findings(
      'With the default configuration memberlist detects a failed node in under 5 seconds.',
      'memberlist',
    );
    expect(f!.outcome).toBe('FAIL');
    expect(f!.detail).toContain('24 s');
  });

  it('Merkle exchange every 10 ms fails; every 30 s warns', () => {
    expect(outcomes('Nodes exchange Merkle tree roots every 10 ms.', 'merkle')).toEqual(['FAIL']);
    expect(outcomes('Nodes compare Merkle trees every 30 s.', 'merkle')).toEqual(['WARN']);
    expect(outcomes('Nodes compare Merkle trees every 10 minutes.', 'merkle')).toEqual([]);
  });

  it('UDP gossip messages over 1,400 B', () => {
    expect(outcomes('Each UDP gossip message batches invalidations up to 64 KB.', 'udp')).toEqual(['FAIL']);
    expect(outcomes('Each gossip message stays under 1,400 bytes of UDP payload.', 'udp')).toEqual([]);
  });

  it('reliability of fanout ln N + c is e^(−e^(−c)) ± 0.02 (reference §9.5)', () => {
    const good =
      'Within a site of about 2,000 nodes we flood with fanout ln(2000) + 5 ≈ 12.6, reaching everyone with probability ≈ 0.993.';
    expect(outcomes(good, 'reliability')).toEqual(['PASS']);
    expect(outcomes(good.replace('0.993', '0.5'), 'reliability')).toEqual(['FAIL']);
  });
});

describe('the verdict', () => {
  it('a design with no quantitative convergence estimate fails', () => {
    const v = checkNumbers(corpus('cdn-fail-10-no-numbers.yaml'), CDN);
    expect(v.pass).toBe(false);
    expect(v.reason).toContain('model: the reply states no quantitative convergence estimate');
  });

  it("passes the reference's two-level worked example (§8), with every finding in the reason", () => {
    const v = checkNumbers(corpus('cdn-pass-01-two-level-markdown.yaml'), CDN);
    expect(v.pass).toBe(true);
    expect(v.score).toBe(1);
    expect(v.reason).toMatch(/^numbers PASS \(0 fail, \d+ warn, \d+ pass\): /);
  });

  it('a failing verdict lists failures first and scores the share of passing findings', () => {
    const v = checkNumbers(corpus('cdn-fail-03-phi-half.yaml'), CDN);
    expect(v.pass).toBe(false);
    expect(v.reason).toMatch(/^numbers FAIL \(1 fail, \d+ warn, \d+ pass\): phi: reply sets Φ = 0.5/);
    expect(v.score).toBeGreaterThan(0);
    expect(v.score).toBeLessThan(1);
  });

  it('absent numbers are not failures by themselves: no bound, no phi, no Bloom → no such findings', () => {
    const v = checkNumbers('Push-pull with fanout 3 over 2,000 nodes takes about 6 rounds.', {});
    expect(v.pass).toBe(true);
    expect(v.findings.map((f) => f.check)).toEqual(['model', 'rounds']);
  });
});

describe('cost', () => {
  it('stays near-linear on a run-on adversarial reply (180 KB took 9 s before context windows)', () => {
    const unit =
      ('1 ' + 'a'.repeat(50) + ' = ').repeat(750) +
      '-'.repeat(1250) +
      '9'.repeat(750) +
      ' ' +
      '(max('.repeat(500);
    // Growth, not wall-clock (a loaded machine slows both sizes alike): four times the reply may cost at most ten
    // times the time (linear is 4x, the quadratic version was 16x); the faster of two runs of each size.
    const time = (text: string) =>
      Math.min(
        ...[0, 1].map(() => {
          const started = performance.now();
          checkNumbers(text, {});
          return performance.now() - started;
        }),
      );
    const small = time(unit);
    const large = time(unit.repeat(4));
    expect(large / Math.max(small, 1)).toBeLessThan(10);
  });
});
