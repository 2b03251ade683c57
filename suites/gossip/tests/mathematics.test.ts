import { bloomBitsPerElement, bloomFalsePositiveRate, bloomOptimalHashes } from '../src/bloom';
import { hyparviewViewSizes } from '../src/overlay';
import { phiDetectionTime, phiExponential, phiFalseSuspicionProbability } from '../src/phi';
import { deliveryProbability, fanoutForDeliveryProbability } from '../src/reliability';
import {
  expectedPullRounds,
  expectedPushRounds,
  expectedPushRoundsFanoutOne,
  lowerBoundRounds,
  pushPullMessages,
  pushMessages,
  pushPullRoundsRange,
  roundsFloor,
} from '../src/rounds';
import { rumorMissedSites, rumorResidue } from '../src/rumor';
import {
  lifeguardSuspicionTimeout,
  MEMBERLIST_LAN,
  MEMBERLIST_WAN,
  memberlistPushPullInterval,
  memberlistRetransmits,
  memberlistSuspicionTimeout,
  swimFalsePositiveProbability,
  swimFirstDetectionTime,
} from '../src/swim';
import {
  convergenceTime,
  eagerConvergenceTime,
  gossipBandwidth,
  minimumConvergenceTime,
} from '../src/timing';

const MILLION = 1_000_000;

describe('rounds (reference §1)', () => {
  it.each([
    [1, 20],
    [2, 13],
    [3, 10],
    [5, 8],
    [10, 6],
    [20, 5],
    [100, 3],
  ])('the lower bound ⌈log_(f+1) 10^6⌉ at f=%i is %i rounds', (fanout, rounds) => {
    expect(lowerBoundRounds(MILLION, fanout)).toBe(rounds);
  });

  it('pull-based modes have a softer floor: ⌈log_(2f+1) N⌉ for push-pull (13 at f=1), ⌈log_(f+1) N⌉ for pull', () => {
    expect(roundsFloor(MILLION, 1, 'push-pull')).toBe(13);
    expect(roundsFloor(MILLION, 1, 'pull')).toBe(20);
    expect(roundsFloor(MILLION, 3, 'push')).toBe(10);
  });

  it('the lower bound does not round 6 up to 7 through floating-point error (f=9, log10 10^6)', () => {
    expect(lowerBoundRounds(MILLION, 9)).toBe(6);
    expect(lowerBoundRounds(1, 3)).toBe(0);
  });

  it.each([
    [1, 33.75],
    [2, 19.5],
    [3, 14.6],
    [4, 12.0],
  ])('push at f=%i over 10^6 nodes is expected to take %f rounds (reference table)', (fanout, rounds) => {
    expect(expectedPushRounds(MILLION, fanout)).toBeCloseTo(rounds, 1);
  });

  it('push with fanout 1 is log2 N + ln N, Pittel’s result', () => {
    expect(expectedPushRoundsFanoutOne(MILLION)).toBeCloseTo(33.75, 2);
    expect(expectedPushRoundsFanoutOne(MILLION)).toBeCloseTo(expectedPushRounds(MILLION, 1), 10);
  });

  it('pull at f=1 is about 23.7 rounds at 10^6', () => {
    expect(expectedPullRounds(MILLION)).toBeCloseTo(23.7, 1);
  });

  it('push-pull is accepted between log3 N + 2 and log3 N + 6 (14–19 at 10^6)', () => {
    const { low, high } = pushPullRoundsRange(MILLION);
    expect(low).toBeCloseTo(14.58, 2);
    expect(high).toBeCloseTo(18.58, 2);
  });

  it('push costs about N ln N transmissions and Karp’s push-pull N ln ln N (1.4×10^7 vs 2.6×10^6)', () => {
    expect(pushMessages(MILLION)).toBeCloseTo(1.38e7, -5);
    expect(pushPullMessages(MILLION)).toBeCloseTo(2.63e6, -4);
  });
});

describe('time (reference §1 time formulas, §9 claim 4)', () => {
  it('tick-driven convergence is R × max(T_int, L + T_int/2)', () => {
    expect(convergenceTime(15.4, 0.2, 0.1)).toBeCloseTo(3.08, 2);
    expect(convergenceTime(8, 0.2, 0.15)).toBeCloseTo(2.0, 6);
    expect(convergenceTime(35.2, 0.1)).toBeCloseTo(3.52, 6);
  });

  it('the floor for a claim is R × max(T_int, L)', () => {
    expect(minimumConvergenceTime(20, 0.2)).toBeCloseTo(4, 6);
    expect(minimumConvergenceTime(10, 0.05, 0.15)).toBeCloseTo(1.5, 6);
  });

  it('eager forwarding takes hops × L', () => {
    expect(eagerConvergenceTime(6, 0.15)).toBeCloseTo(0.9, 6);
  });

  it('f = 3 messages of 1,400 B every 200 ms cost 21 KB/s per node', () => {
    expect(gossipBandwidth(3, 1400, 0.2)).toBeCloseTo(21_000, 6);
  });
});

describe('reliability of fanout ln N + c (Kermarrec et al.)', () => {
  it.each([
    [0, 0.37],
    [2, 0.87],
    [5, 0.993],
    [7, 0.999],
  ])('c = %i reaches every node with probability %f', (c, p) => {
    expect(deliveryProbability(MILLION, Math.log(MILLION) + c)).toBeCloseTo(p, 2);
  });

  it('inverts: the fanout for P = 0.993 is ln N + 5', () => {
    const fanout = fanoutForDeliveryProbability(MILLION, Math.exp(-Math.exp(-5)));
    expect(fanout).toBeCloseTo(Math.log(MILLION) + 5, 9);
    expect(() => fanoutForDeliveryProbability(MILLION, 1)).toThrow(RangeError);
  });
});

describe('SWIM, Lifeguard, memberlist (reference §2)', () => {
  it('first detection tends to e/(e−1) · T′ ≈ 1.58 T′', () => {
    expect(swimFirstDetectionTime(1)).toBeCloseTo(Math.E / (Math.E - 1), 10);
    expect(swimFirstDetectionTime(1)).toBeCloseTo(1.58, 2);
    expect(swimFirstDetectionTime(1, 0.5)).toBeGreaterThan(swimFirstDetectionTime(1));
  });

  it('false positives without suspicion at k = 3 and 5% loss are 6.2×10^−4 per probe', () => {
    expect(swimFalsePositiveProbability(0.95, 3)).toBeCloseTo(6.2e-4, 5);
    expect(swimFalsePositiveProbability(0.95, 4)).toBeLessThan(swimFalsePositiveProbability(0.95, 3));
  });

  it('memberlist suspicion at 10^6 is 24 s / 144 s on LAN and 180 s / 1,080 s on WAN', () => {
    expect(memberlistSuspicionTimeout(MILLION)).toEqual({ min: 24, max: 144 });
    const wan = memberlistSuspicionTimeout(
      MILLION,
      MEMBERLIST_WAN.probeInterval,
      MEMBERLIST_WAN.suspicionMult,
    );
    expect(wan.min).toBeCloseTo(180, 6);
    expect(wan.max).toBeCloseTo(1080, 6);
    expect(memberlistSuspicionTimeout(5).min).toBe(4 * MEMBERLIST_LAN.probeInterval);
  });

  it('memberlist retransmits 28 times and scales push/pull to about 480 s at 10^6', () => {
    expect(memberlistRetransmits(MILLION)).toBe(28);
    expect(memberlistPushPullInterval(MILLION)).toBe(480);
    expect(memberlistPushPullInterval(20)).toBe(30);
  });

  it('Lifeguard’s dogpile timeout falls from Max to Min as confirmations reach K', () => {
    expect(lifeguardSuspicionTimeout(24, 144, 0, 2)).toBe(144);
    expect(lifeguardSuspicionTimeout(24, 144, 2, 2)).toBeCloseTo(24, 9);
    expect(lifeguardSuspicionTimeout(24, 144, 1, 2)).toBeCloseTo(144 - 120 * (Math.log(2) / Math.log(3)), 9);
  });
});

describe('phi-accrual (reference §3)', () => {
  it.each([
    [0.5, 0.316],
    [1, 0.1],
    [2, 0.01],
    [8, 1e-8],
  ])('threshold %f suspects wrongly with probability %f', (threshold, p) => {
    expect(phiFalseSuspicionProbability(threshold)).toBeCloseTo(p, 3);
  });

  it('Cassandra’s exponential model convicts at Φ = 8 after 18.4 × the mean interval', () => {
    expect(phiDetectionTime(8, 1)).toBeCloseTo(18.42, 2);
    expect(phiExponential(phiDetectionTime(8, 1.5), 1.5)).toBeCloseTo(8, 9);
  });
});

describe('Bloom filter sizing (reference §5)', () => {
  it('1% needs 9.59 bits per element and about 7 hashes; 0.1% needs 14.4 and about 10', () => {
    expect(bloomBitsPerElement(0.01)).toBeCloseTo(9.585, 3);
    expect(Math.round(bloomOptimalHashes(bloomBitsPerElement(0.01)))).toBe(7);
    expect(bloomBitsPerElement(0.001)).toBeCloseTo(14.38, 2);
    expect(Math.round(bloomOptimalHashes(bloomBitsPerElement(0.001)))).toBe(10);
  });

  it('the rate formula inverts the sizing at the optimal k', () => {
    const bits = bloomBitsPerElement(0.01);
    expect(bloomFalsePositiveRate(bits, bloomOptimalHashes(bits))).toBeCloseTo(0.01, 6);
    expect(bloomFalsePositiveRate(2, 1)).toBeGreaterThan(0.3);
    expect(() => bloomBitsPerElement(0)).toThrow(RangeError);
  });
});

describe('rumor residue s = e^(−(k+1)(1−s)) (Demers et al.)', () => {
  it.each([
    [1, 0.203],
    [2, 0.06],
    [3, 0.02],
    [4, 0.007],
    [5, 0.0025],
  ])('k = %i leaves a residue of about %f', (k, s) => {
    expect(rumorResidue(k)).toBeCloseTo(s, 3);
    const r = rumorResidue(k);
    expect(r).toBeCloseTo(Math.exp(-(k + 1) * (1 - r)), 12);
  });

  it('even k = 5 misses about 2,500 of 10^6 sites', () => {
    expect(rumorMissedSites(MILLION, 5)).toBeGreaterThan(2000);
    expect(rumorMissedSites(MILLION, 5)).toBeLessThan(3000);
  });
});

describe('HyParView views (reference §6)', () => {
  it('10^4 nodes get 5 active and 30 passive peers (c = 1, k = 6); 10^6 nodes 7 and 42', () => {
    expect(hyparviewViewSizes(10_000)).toEqual({ active: 5, passive: 30 });
    expect(hyparviewViewSizes(MILLION)).toEqual({ active: 7, passive: 42 });
  });
});
