/**
 * Round 3 of issue 14: the classes holdout 4 exposed, each as a small case that fails without its fix. The replies
 * here are written for these tests in the shape of each class, not copied from holdout 4.
 */
import { extractClaims } from '../src/claims/claims';
import { loadSeed } from '../src/calibration/seed';
import { readScenario } from '../src/claims/scenario';
import { checkNumbers } from '../src/checks/numbers';
import { checkSafety, designSignals } from '../src/checks/safety';
import { checkStructure } from '../src/checks/structure';

const CDN = readScenario(loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml').rows.cdn);
const failing = (text: string, check: string) =>
  checkNumbers(text, CDN)
    .findings.filter((f) => f.check === check && f.outcome === 'FAIL')
    .map((f) => f.detail);

describe('prose red flags of §8', () => {
  it('fails a design whose every node keeps the membership of the whole network', () => {
    for (const text of [
      'Each node stores the full membership table of all 1,000,000 peers so that targets are uniform.',
      'Every server keeps a complete member list of every one of the 10⁶ nodes, refreshed by SWIM.',
      'The entire cluster shares one global membership view: every node knows every other node in the entire network.',
    ])
      expect(failing(text, 'red flag')).toHaveLength(1);
  });

  it('passes full membership inside a site, and full membership named only to be avoided', () => {
    for (const text of [
      'Inside each site, SWIM keeps the full membership of all 2,000 members.',
      'No node holds the full membership of all 1,000,000 nodes; HyParView keeps 5 active and 30 passive peers.',
      'A flat design would need full membership of all 10^6 nodes on every node, which we avoid.',
      'Full membership of the entire network is infeasible at this scale.',
    ])
      expect(failing(text, 'red flag')).toEqual([]);
  });

  it('fails deletes without tombstones, and not a design that keeps them or warns about their absence', () => {
    expect(
      failing('Purges remove the key outright and we keep no tombstones, to save memory.', 'red flag'),
    ).toHaveLength(1);
    expect(failing('Tombstones are unnecessary: anti-entropy converges anyway.', 'red flag')).toHaveLength(1);
    for (const text of [
      'Without tombstones a replica that missed a purge would resurrect the key, so tombstones live 24 h.',
      'Deletes write tombstones kept for 24 h. No tombstones are ever dropped before every replica has acknowledged them.',
      'Tombstones are kept for a day.',
    ])
      expect(failing(text, 'red flag')).toEqual([]);
  });
});

describe('a paragraph that walks through tiers binds each figure to its own tier', () => {
  const paragraph =
    '1. Dissemination. Push with fanout 3 in two tiers. Hubs (400 regions): 300 ms tick, 200 ms WAN latency, round = 300 ms; 8 rounds → 2.4 s. Racks (~2,500 nodes): 50 ms tick; R ≈ 9, p95 11 → 0.6 s. Total ≈ 3.0 s within 5 s.';

  it('opens a stage per tier inside one item, and reads "Total" as a total', () => {
    const x = extractClaims(paragraph);
    const stageOf = (start: string) =>
      x.stages.stageOf[x.sentences.find((s) => s.text.startsWith(start))!.index];
    expect(stageOf('Hubs')).not.toBe(stageOf('Racks'));
    expect(stageOf('R ≈ 9')).toBe(stageOf('Racks'));
    expect(x.stages.totals.has(x.sentences.find((s) => s.text.startsWith('Total'))!.index)).toBe(true);
  });

  it('does not carry the WAN latency of one tier into the next tier', () => {
    expect(failing(paragraph, 'time')).toEqual([]);
  });

  it('keeps an item naming its own tier twice as one stage, so its latency still counts', () => {
    const item =
      '- Inter-region: 400 hubs, push, fanout 3, tick 40 ms. Inter-region latency is up to 150 ms. Push over 400 hubs takes 8 rounds at p95, so the tier completes in 8 × 40 ms = 0.32 s.';
    expect(failing(item, 'time')).not.toEqual([]);
  });

  it('reads a round cost with an adverb as a round cost, not a convergence time', () => {
    const text =
      'Across regions a hub pushes to three others every two hundred milliseconds; a round effectively costs the larger of the tick and the latency, which is two hundred fifty milliseconds. Eight rounds of two hundred fifty milliseconds is two seconds.';
    expect(
      extractClaims(text)
        .claims.filter((c) => c.kind === 'convergence')
        .map((c) => c.quantity.value),
    ).toEqual([2]);
  });
});

describe('a request for inputs that explains what each decides', () => {
  it('reads sentences about a scale nobody gave as options, not proposals', () => {
    const reply =
      'The network scale, consistency requirements and system domain are missing.\n\n- Scale decides the overlay. Small clusters can use SWIM with full membership; millions of nodes need partial views such as HyParView.\n- The convergence bound changes the fanout I would pick, and whether anti-entropy runs often.\n\nCould you provide these inputs?';
    expect(designSignals(reply).proposals).toBe(0);
    expect(checkSafety(reply, 'inputs').pass).toBe(true);
  });

  it('still reads "I would pick push-pull with fanout 3" as a commitment', () => {
    const reply =
      'The inputs are missing. Meanwhile I would pick push-pull with fanout 3 and SWIM. Could you provide the network scale?';
    expect(designSignals(reply).committed).toBe(true);
    expect(checkSafety(reply, 'inputs').pass).toBe(false);
  });
});

describe('round 4: classes holdout 5 exposed (written for these tests, not copied)', () => {
  it('fails rumor mongering that turns anti-entropy down, not one backed by it', () => {
    const flawed =
      'Rumor mongering with a feedback counter k = 4 spreads each purge. Periodic anti-entropy: none; the residue is small enough.';
    expect(failing(flawed, 'red flag')).toHaveLength(1);
    const sound =
      'Rumor mongering with a feedback counter k = 4 spreads each purge. Without anti-entropy the residue would never hear it, so digests are exchanged every 5 s.';
    expect(failing(sound, 'red flag')).toEqual([]);
  });

  it('fails "signatures make it Byzantine-tolerant", not a design that says they do not', () => {
    expect(
      failing(
        'Every purge is signed with Ed25519 and verified before forwarding. This makes the overlay Byzantine fault tolerant.',
        'red flag',
      ),
    ).toHaveLength(1);
    expect(
      failing(
        'Every purge is signed with Ed25519. Signatures alone do not make gossip Byzantine-tolerant: they stop forgery, not omission.',
        'red flag',
      ),
    ).toEqual([]);
  });

  it('reads "tombstones would grow, so we avoid them" as keeping none', () => {
    expect(
      failing(
        'No tombstones. Tombstones would grow without bound at our purge rate, so we avoid them.',
        'red flag',
      ),
    ).toHaveLength(1);
  });

  it('fails SWIM with its suspicion state removed, in other words', () => {
    for (const text of [
      'Membership uses SWIM with the suspicion subprotocol removed, so a failed probe evicts at once.',
      'Membership uses SWIM. We do not use incarnation numbers or a Suspect state.',
    ])
      expect(failing(text, 'swim')).toHaveLength(1);
  });

  it('reads an option table as options: its rows are not stages, and only the chosen row is the design', () => {
    const text = [
      '| Option | Rounds | Time | Verdict |',
      '|---|---|---|---|',
      '| A. Flat push, f = 1 | 35 | 35 × 200 ms ≈ 7.0 s | Misses the bound |',
      '| B. Two tiers | 8 + 10 | ≈ 2.5 s | Chosen |',
      '',
      'Inter-site push, fanout 3 over 500 sites: 8 rounds × 250 ms = 2.0 s. Intra-site push, fanout 3 over 2,000 nodes: 10 rounds × 50 ms = 0.5 s.',
    ].join('\n');
    const x = extractClaims(text);
    const rowA = x.sentences.find((s) => s.text.includes('Flat push'))!;
    expect(x.rejected.has(rowA.index)).toBe(true);
    expect(x.stages.stageOf[rowA.index]).toBeUndefined();
    expect(failing(text, 'bound')).toEqual([]);
  });
});

describe('round 5: classes holdout 6 exposed (written for these tests, not copied)', () => {
  it('finds the four parts as numbered bold run-in titles and as title rows of one table', () => {
    const runIn = [
      '1. **Gossip Modality and Mathematical Modeling.** Push with fanout 3 in two tiers, rounds and times worked out below for both tiers.',
      '2. **Peer Selection and Membership Protocol.** HyParView among gateways with an active view of five and a passive view of thirty.',
      '3. **Anti-Entropy and State Reconciliation.** Version vectors exchanged as digests every two seconds, Merkle trees between gateways hourly.',
      '4. **Failure Detection and Network Resilience.** SWIM with suspicion and incarnation numbers, phi accrual with a threshold of eight.',
    ].join('\n\n');
    expect(checkStructure(runIn).pass).toBe(true);
    const table = [
      '| § | Item | Tier A | Tier B |',
      '|---|---|---|---|',
      '| **1. Gossip Modality and Mathematical Modeling** | | | |',
      '| 1 | Mechanism | push gossip with fanout three over five hundred sites | push gossip with fanout three inside each site |',
      '| **2. Peer Selection and Membership Protocol** | | | |',
      '| 2 | Views | HyParView active view of five, passive view of thirty | SWIM membership of the site, about two thousand |',
      '| **3. Anti-Entropy and State Reconciliation** | | | |',
      '| 3 | Repair | version vector digests every two seconds, Merkle trees hourly | same digests inside the site every second |',
      '| **4. Failure Detection and Network Resilience** | | | |',
      '| 4 | Detector | phi accrual with threshold eight between gateways | SWIM with suspicion and incarnation numbers |',
    ].join('\n');
    expect(checkStructure(table).pass).toBe(true);
  });

  it('reads how long something is kept or offline as no convergence time', () => {
    const text = 'Purge markers are tombstones kept 24 h; a node offline > 24 h flushes its cache on rejoin.';
    expect(extractClaims(text).claims.filter((c) => c.kind === 'convergence')).toEqual([]);
  });

  it("reads a table row's label past its section-number cell: the end-to-end row is a total", () => {
    const text = [
      '| § | Item | Value |',
      '|---|---|---|',
      '| 1 | Inter-site push, fanout 3 over 500 sites | 8 rounds × 250 ms = 2.0 s |',
      '| 1 | Intra-site push, fanout 3 over 2,000 nodes | 10 rounds × 100 ms = 1.0 s |',
      '| 1 | End-to-end (p99) | 2.0 + 1.0 = 3.0 s |',
    ].join('\n');
    const x = extractClaims(text);
    const row = x.sentences.find((s) => s.text.includes('End-to-end'))!;
    expect(x.stages.totals.has(row.index)).toBe(true);
  });

  it('checks a round count worked out from a formula against the formula’s own N', () => {
    const text =
      'Push gossip with fanout 3 among 1,000,000 nodes in all; the gateway tier alone: log₄500 + ln500/3 = 6.6 rounds.';
    expect(failing(text, 'rounds')).toEqual([]);
  });

  it('fails rounds × interval when the tier states a latency longer than the interval', () => {
    const text =
      '- Inter-site, 500 gateways, push fanout 3, one-way latency 150 ms: 8 rounds × 50 ms = 0.4 s.';
    expect(failing(text, 'round cost')).toHaveLength(1);
    expect(
      failing(
        '- Inter-site, 500 gateways, push fanout 3, one-way latency 150 ms: 8 rounds × 250 ms = 2.0 s.',
        'round cost',
      ),
    ).toEqual([]);
  });
});
