import { extractClaims, type Claim, type ClaimKind } from '../src/claims/claims';
import { normaliseReply, splitSentences } from '../src/claims/segments';

function claims(text: string, kind: ClaimKind): Claim[] {
  return extractClaims(text).claims.filter((c) => c.kind === kind);
}
function values(text: string, kind: ClaimKind): number[] {
  return claims(text, kind).map((c) => Number(c.quantity.value.toPrecision(6)));
}

describe('fanout', () => {
  it.each([
    ['Push gossip with a fanout of 3 every 200 ms.', 3],
    ['Each node contacts f = 3 random peers.', 3],
    ['Gossip with fanout three inside a site.', 3],
    ['The fanout (f) of 4 gives 12 rounds.', 4],
    ['Each informed node forwards the update to one random peer.', 1],
    ['Nodes pick 2 gossip targets per round.', 2],
    ['A one-shot flood with fanout ln(2000) + 5 ≈ 12.6 reaches everyone.', 12.6],
  ])('%s → %f', (text, fanout) => {
    expect(values(text, 'fanout')).toEqual([fanout]);
  });

  it('a SWIM probe of one peer per period is not a gossip fanout', () => {
    expect(values('Each member probes one peer per period.', 'fanout')).toEqual([]);
  });
});

describe('node counts and groups', () => {
  it.each([
    ['N = 10^6 nodes', 1e6],
    ['1,000,000 edge nodes', 1e6],
    ['one million nodes', 1e6],
    ['the ~2,000-member list', 2000],
    ['1M nodes (10⁶)', 1e6],
  ])('%s → %d nodes', (text, n) => {
    expect(values(text, 'nodes')[0]).toBe(n);
  });

  it('reads locations as groups', () => {
    expect(values('1,000,000 nodes distributed across 500 edge locations', 'groups')).toEqual([500]);
  });

  it('a view size is not a population', () => {
    expect(values('an active view of 7 peers and a passive view of 42', 'nodes')).toEqual([]);
  });
});

describe('rounds', () => {
  it.each([
    ['The update reaches everyone in ~20 rounds.', 20],
    ['R ≈ log_4(10^6) + ln(10^6)/3 ≈ 14.6 rounds.', 14.6],
    ['Simulation gives 9 rounds (p95 10) to reach all nodes.', 9],
    ['Rounds (p95): 9 (10), Tick: 100 ms', 9],
  ])('%s → %f', (text, rounds) => {
    expect(values(text, 'rounds')).toEqual([rounds]);
  });

  it('marks increments, phases and periods as partial', () => {
    for (const text of [
      'The p99 tail adds 1–3 rounds.',
      'Add 1-3 rounds for the p99 tail.',
      'log_5(10^6) ≈ 8.6 rounds of growth plus a short tail.',
      'Anti-entropy runs every 10 rounds.',
    ]) {
      expect(claims(text, 'rounds').every((c) => c.partial)).toBe(true);
    }
    expect(claims('The update reaches every node in about 6 rounds.', 'rounds')[0]!.partial).toBeUndefined();
  });

  it('rounds of suspicion are not dissemination rounds', () => {
    expect(values('A node is declared dead after 5 rounds without refutation.', 'rounds')).toEqual([]);
  });

  it('a stated lower bound becomes "at least"', () => {
    expect(claims('The hard lower bound is ⌈log_5 10^6⌉ = 9 rounds.', 'rounds')[0]!.quantity.qualifier).toBe(
      'atLeast',
    );
  });
});

describe('times: interval, latency, convergence, bound', () => {
  const text =
    'At 200 ms ticks with one-way latency L ≤ 150 ms, gossip over 500 sites converges in about 2 s, inside the 5 s bound, leaving 3 s of headroom.';

  it('tells the gossip interval, the latency, the convergence time and the bound apart', () => {
    expect(values(text, 'interval')).toEqual([0.2]);
    expect(values(text, 'latency')).toEqual([0.15]);
    expect(values(text, 'convergence')).toEqual([2]);
  });

  it('reads "between 3 and 5 seconds" as a convergence range', () => {
    const [c] = claims('Global convergence takes between 3 and 5 seconds.', 'convergence');
    expect(c!.quantity).toMatchObject({ low: 3, high: 5 });
  });

  it('halves a round-trip time into one-way latency', () => {
    expect(values('With an RTT of 300 ms between regions, gossip converges in 3 s.', 'latency')).toEqual([
      0.15,
    ]);
  });

  it('reads "R × t ≈ T" as rounds, per-round cost and total, and keeps the product', () => {
    const r = extractClaims('Convergence therefore takes about 35 × 200 ms ≈ 7 s.');
    expect(r.claims.map((c) => c.kind)).toEqual(['rounds', 'roundCost', 'convergence']);
    expect(r.products).toHaveLength(1);
  });

  it('an eager tree multiplies hops by latency, not rounds by interval', () => {
    const r = extractClaims('The eager tree delivers in about 4 × 150 ms = 0.6 s.');
    expect(r.claims.filter((c) => c.kind === 'rounds')).toEqual([]);
    expect(values('The eager tree delivers in about 4 × 150 ms = 0.6 s.', 'latency')).toEqual([0.15]);
  });

  it('terms of a sum and arguments of max() are not claims; the result is', () => {
    const s = 'Total: 0.3 s at the origin site + 1.25 s across sites + 0.3 s in each receiving site ≈ 1.9 s.';
    expect(values(s, 'convergence')).toEqual([1.9]);
    expect(
      values('Each round costs max(200 ms, 150 ms + 100 ms) = 250 ms, so about 1.25 s.', 'roundCost'),
    ).toEqual([0.25]);
  });

  it('reconciliation, probe and heartbeat periods are not gossip intervals', () => {
    expect(
      values('Every 5 s each node runs a Scuttlebutt digest exchange.', 'reconciliationInterval'),
    ).toEqual([5]);
    expect(values('Merkle trees are compared every 10 minutes.', 'reconciliationInterval')).toEqual([600]);
    expect(values('SWIM probes every 1 s with 3 indirect probes.', 'probePeriod')).toEqual([1]);
    expect(values('Phi-accrual over 1 s heartbeats.', 'heartbeatInterval')).toEqual([1]);
    expect(values('Digest-based pull every 10 seconds.', 'interval')).toEqual([]);
  });

  it('marks a rejected alternative as counterfactual', () => {
    const [c] = claims(
      'Flat push at 200 ms per round would take 7 s, which violates the bound, so we reject it.',
      'convergence',
    );
    expect(c!.counterfactual).toBe(true);
  });

  it('a margin set off after the total is not a total ("2.9 s, about 2 s below the 5 s bound")', () => {
    expect(
      values('End to end: 0.1 + 1.5 + 1.1 ≈ 2.9 s, about 2 s below the 5 s bound.', 'convergence'),
    ).toEqual([2.9]);
    expect(values('Total 3.1 s (1.9 s below the budget).', 'convergence')).toEqual([3.1]);
    // Without a figure before it and a break, the figure below the bound is the total.
    expect(values('End to end ≈ 3.1 s under the 5 s bound.', 'convergence')).toEqual([3.1]);
  });

  it("a paragraph or list that rejects an option makes its figures counterfactual, the chosen design's not", () => {
    const reply = [
      '**Alternatives considered and rejected.**',
      '- *Flat push, fanout 1.* About 34 rounds; at a 200 ms period that is ≈ 6.8 s, over the 5 s bound.',
      '',
      '**Chosen: two tiers.**',
      '- *Total:* 1.9 + 1.0 ≈ 3.0 s at p95.',
    ].join('\n');
    const times = claims(reply, 'convergence');
    expect(times.filter((c) => c.counterfactual).map((c) => c.quantity.value)).toEqual([6.8]);
    expect(times.filter((c) => !c.counterfactual).map((c) => c.quantity.value)).toEqual([3]);
    // A rejected list item rejects itself only: its neighbours in the list stay the design's.
    const items = claims(
      '- Sites converge in 1.0 s.\n- Rejected alternative: flat push would take 6.8 s.\n- Total ≈ 3.1 s.',
      'convergence',
    );
    expect(items.map((c) => [c.quantity.value, Boolean(c.counterfactual)])).toEqual([
      [1, false],
      [6.8, true],
      [3.1, false],
    ]);
  });

  it('a single round as a unit of time is no count of rounds; an extra round is an increment', () => {
    expect(values('So one round costs max(200, 150 + 100) = 250 ms.', 'rounds')).toEqual([]);
    expect(values('One round every 100 ms on the LAN.', 'rounds')).toEqual([]);
    expect(
      claims('Allow one extra round per epidemic stage for the p99.', 'rounds').map((c) => c.partial),
    ).toEqual([true]);
  });

  it('reads numbers in words joined by "and" after a scale word, and a hyphenated latency', () => {
    expect(values('Six rounds of one hundred and fifty milliseconds is 0.9 seconds.', 'rounds')).toEqual([6]);
    expect(values('A push epidemic on a ten-millisecond-latency LAN.', 'latency')).toEqual([0.01]);
  });

  it('a semicolon inside max() does not end the sentence: the result is the round cost', () => {
    const reply = 'One-way WAN latency ≤ 0,12 s, so one round costs max(0,2 s; 0,12 s + 0,1 s) = 0,22 s.';
    expect(values(reply, 'roundCost')).toEqual([0.22]);
    expect(values(reply, 'convergence')).toEqual([]);
  });

  it('a round cost given in words or in a per-round table column is a round cost, not a convergence time', () => {
    const words =
      'Latency is below 60 ms, so a round costs the larger of the interval and the latency plus half an interval, which is 150 ms.';
    expect(values(words, 'roundCost')).toEqual([0.15]);
    expect(values(words, 'convergence')).toEqual([]);
    const row = '| Inter-site | push | 3 | max(300, 150 + 150) = 300 ms | 8 | 2.4 s |';
    const table = `| Tier | Mode | Fanout | Per-round time | Rounds | Time |\n|---|---|---|---|---|---|\n${row}`;
    expect(values(table, 'roundCost')).toEqual([0.3]);
    expect(values(table, 'convergence')).toEqual([2.4]);
  });

  it('a session length is not a convergence time', () => {
    expect(values('Even with a 10-minute mean session, spreading finishes in 2 s.', 'convergence')).toEqual([
      2,
    ]);
  });
});

describe('phi, Bloom, SWIM', () => {
  it.each([
    ['A phi-accrual detector with threshold Φ = 8.', 8],
    ['phi threshold of 8', 8],
    ['phi-accrual at threshold eight between gateways', 8],
    ['phi_convict_threshold = 12', 12],
    ['an aggressive phi-accrual failure detector with a threshold of Φ = 0.5', 0.5],
  ])('%s → Φ = %f', (text, phi) => {
    expect(values(text, 'phi')).toEqual([phi]);
  });

  it('the phi formula is not a threshold', () => {
    expect(values('φ = −log10(1 − F(t)) with Φ = 8 (wrong suspicions ≈ 10^-8).', 'phi')).toEqual([8]);
  });

  it('reads Bloom bits per element, false-positive rate and hashes, also when sizing follows the mention', () => {
    const one =
      'A Bloom filter sized for a 1% false-positive rate: 9.6 bits per element and k = 7 hash functions.';
    expect(values(one, 'bloomFalsePositiveRate')).toEqual([0.01]);
    expect(values(one, 'bloomBitsPerElement')).toEqual([9.6]);
    expect(values(one, 'bloomHashes')).toEqual([7]);
    const split =
      'Gateways exchange Bloom filters every 30 s. We use 2 bits per element, which gives a 1% false-positive rate.';
    expect(values(split, 'bloomBitsPerElement')).toEqual([2]);
  });

  it('reads the SWIM probe period T′, k indirect probes and the suspicion timeout', () => {
    const text =
      'SWIM with protocol period T′ = 1 s and k = 3 indirect probes; the suspicion timeout is about 13 s.';
    expect(values(text, 'probePeriod')).toEqual([1]);
    expect(values(text, 'indirectProbes')).toEqual([3]);
    expect(values(text, 'suspicionTimeout')).toEqual([13]);
  });

  it('keeps the source sentence of every claim', () => {
    const [c] = claims('Intro.\n\nInside a site, push with fanout 3 takes 9 rounds.', 'rounds');
    expect(c!.snippet).toBe('Inside a site, push with fanout 3 takes 9 rounds.');
    expect(c!.line).toBe(2);
  });
});

describe('modes, tiers and notation', () => {
  it('names modes, with push/pull as push-pull', () => {
    expect([...extractClaims('Hybrid push-pull gossip.').modes]).toEqual(['push-pull']);
    expect([...extractClaims('Push gossip, then a pull phase.').modes].sort()).toEqual(['pull', 'push']);
  });

  it('recognises two-level designs', () => {
    expect(extractClaims('Inside each site nodes gossip; gateways gossip across sites.').hierarchical).toBe(
      true,
    );
    expect(extractClaims('All nodes gossip with fanout 3.').hierarchical).toBe(false);
  });

  it('undoes LaTeX maths', () => {
    const text = normaliseReply(
      '$$R \\approx \\log_{5}(10^{6}) + \\frac{\\ln(10^{6})}{4} \\approx 12.0 \\text{ rounds}$$',
    );
    expect(text).toBe('R ≈ log_5(10^6) + (ln(10^6))/(4) ≈ 12.0  rounds');
    expect(values('$T_{int} = 100\\,\\text{ms}$ gossip interval', 'interval')).toEqual([0.1]);
  });

  it('reads a markdown table row with its header', () => {
    const table =
      '| Tier | Fanout | Rounds (p95) | Tick |\n|---|---|---|---|\n| Intra-site | 3 | 9 (10) | 100 ms |\n';
    const [row] = splitSentences(normaliseReply(table));
    expect(row!.text).toBe('Tier: Intra-site, Fanout: 3, Rounds (p95): 9 (10), Tick: 100 ms');
    expect(values(table, 'rounds')).toEqual([9]);
    expect(values(table, 'fanout')).toEqual([3]);
  });

  it('does not split sentences after "i.e." or "e.g."', () => {
    expect(splitSentences('It takes 6 rounds, i.e. 0.3 s. Next sentence.').map((s) => s.text)).toEqual([
      'It takes 6 rounds, i.e. 0.3 s.',
      'Next sentence.',
    ]);
  });
});
