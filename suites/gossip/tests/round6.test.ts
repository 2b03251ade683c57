/**
 * Round 6 of issue 14: the classes holdout 7 exposed, each as a small case that fails without its fix. The replies
 * here are written for these tests in the shape of each class, not copied from holdout 7.
 */
import { extractClaims } from '../src/claims/claims';
import { loadSeed } from '../src/calibration/seed';
import { readScenario } from '../src/claims/scenario';
import { checkNumbers } from '../src/checks/numbers';

const CDN = readScenario(loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml').rows.cdn);
const failing = (text: string, check?: string) =>
  checkNumbers(text, CDN)
    .findings.filter((f) => (check === undefined || f.check === check) && f.outcome === 'FAIL')
    .map((f) => f.detail);
const kindsOf = (text: string, value: number) =>
  extractClaims(text)
    .claims.filter((x) => Math.abs(x.quantity.value - value) < 1e-9)
    .map((x) => x.kind);

describe('a figure outside every stage belongs to no tier', () => {
  const reply = [
    '### Dissemination in two tiers',
    '- **Core:** 4 relays per region (1,200 relays in all) run an eager tree over HyParView.',
    '- **Regions:** push gossip, fanout 5, tick 60 ms, about 3,000 nodes each.',
    '',
    '**Core, tree path:**',
    '- 7 × 140 ms = 0.98 s.',
    '',
    'Churn: about 400 joins per second across the 10⁶ nodes.',
  ].join('\n');

  it('does not read an unstaged count against the N of another unstaged paragraph', () => {
    expect(failing(reply, 'rounds')).toEqual([]);
  });

  it('does not pair an unstaged time with the tick of another unstaged sentence', () => {
    const text = [
      '- **Within a rack** (~1,500 nodes): push, fanout 3, every 80 ms.',
      '  R ≈ 5.3 + 2.4 ≈ 7.7. Budget 9 rounds → about 0.75 s.',
      '- **Between racks** (300 racks): fanout 3, every 250 ms.',
      '  Budget 8 rounds.',
      '  Links have 180 ms latency, so a round costs max(250 ms, 180 + 125 ms) = 305 ms, so 8 × 305 ms = 2.44 s.',
    ].join('\n');
    expect(failing(text, 'time')).toEqual([]);
  });
});

describe('a flat design is one tier', () => {
  const flat = [
    '## Model',
    'A single flat epidemic layer over all 10⁶ nodes, with a gossip interval T = 120 ms and fanout f = 2.',
    'R ≈ log₃(10⁶) + ln(10⁶)/2 ≈ 19.5 rounds; we provision 21 rounds.',
    'T_conv = 21 × 120 ms = 2.52 s.',
    '',
    '## Network',
    'Targets are global, so a message often crosses an ocean: one-way latency up to 260 ms between PoPs.',
  ].join('\n');

  it('reads "interval T = 120 ms" as the interval, and "1,400 B per 150 ms" as no time taken', () => {
    expect(kindsOf(flat, 0.12)).toContain('interval');
    expect(kindsOf('Each node sends 3 datagrams of 1,400 B per 150 ms while spreading.', 0.15)).toEqual([]);
  });

  it('costs every round at the latency the flat design states, wherever it states it', () => {
    expect(failing(flat, 'round cost')).toHaveLength(1);
  });

  it('reads a round count of a design that calls itself flat against the whole network', () => {
    const text = [
      'Why flat? Gateways are chokepoints. Inter-PoP latency is 90 ms.',
      '',
      '- Push, fanout 3, interval 200 ms over N = 10⁶.',
      '- R = 7 rounds.',
    ].join('\n');
    expect(failing(text, 'rounds')).toHaveLength(1);
    // Weighing a flat design is not adopting it: the tiers stay tiers.
    expect(extractClaims(text).hierarchical).toBe(false);
    expect(
      extractClaims('A flat epidemic over 10⁶ nodes is too slow, so sites gossip inside and gateways across.')
        .hierarchical,
    ).toBe(true);
  });
});

describe('a figure in parentheses after its noun is that noun', () => {
  it('reads "LAN latency (< 1 ms)" as a latency, not a convergence time', () => {
    const text =
      '- Budget 9 rounds at a 100 ms tick. LAN latency (< 1 ms) is negligible here, so this is 0.9 s.';
    expect(kindsOf(text, 0.001)).toEqual(['latency']);
  });
});

describe('only the result of an equation chain is a round count', () => {
  it('reads "R ≈ 4.7 + 1.9 = 6.6 rounds" as 6.6 rounds, its first term as a phase', () => {
    const text = 'Inside a site (N = 1,800, f = 4): R ≈ 4.7 + 1.9 = 6.6 rounds.';
    const rounds = extractClaims(text).claims.filter((x) => x.kind === 'rounds');
    expect(rounds.filter((x) => !x.partial).map((x) => x.quantity.value)).toEqual([6.6]);
    expect(failing(text, 'rounds')).toEqual([]);
  });

  it('reads a table cell "5.1 + 2.6 ≈ 7.7" as 7.7 rounds', () => {
    const text = [
      '| Tier | N | Fanout | Expected rounds |',
      '|---|---|---|---|',
      '| racks | 1,600 | 3 | 5.1 + 2.6 ≈ 7.7 |',
    ].join('\n');
    expect(failing(text, 'rounds')).toEqual([]);
  });
});

describe('a total adds up the stages of its own breakdown, and a fallback is no stage', () => {
  const reply = [
    '## 1. Dissemination',
    '',
    '| Tier | Mechanism | Time |',
    '|---|---|---|',
    '| Racks | push f=3, 90 ms tick, 8 rounds | 0.72 s |',
    '| Core (primary) | eager tree, 6 hops of 120 ms | 0.72 s |',
    '| Core (fallback) | lazy gossip f=3, 8 rounds at 260 ms | 2.08 s |',
    '',
    '| Stage | p95 |',
    '|---|---|',
    '| Origin to core | 0.04 s |',
    '| Across the core | 0.72 s |',
    '| Into the racks | 0.72 s |',
    '| Total | ≈ 1.5 s |',
  ].join('\n');

  it('checks a Total row against the rows of its own table', () => {
    expect(failing(reply, 'total')).toEqual([]);
  });

  it('still fails a Total row its own rows exceed', () => {
    expect(failing(reply.replace('≈ 1.5 s', '≈ 1.0 s'), 'total')).toHaveLength(1);
  });

  it('does not add a fallback path to the stages it stands in for', () => {
    const prose = [
      '## 1. Dissemination',
      '- Racks: push, fanout 3, 90 ms tick, 8 rounds → 0.72 s.',
      '- Core: eager tree, 6 hops × 120 ms = 0.72 s.',
      '- Core fallback: lazy gossip f=3, 8 rounds at 260 ms → 2.08 s.',
      '- Total: about 1.5 s.',
    ].join('\n');
    expect(failing(prose, 'total')).toEqual([]);
  });
});

describe('a key/value table reads "key: value"', () => {
  it('reads the value of a latency row as a latency and of a bound row as no convergence time', () => {
    const text = [
      '| Parameter | Value |',
      '|---|---|',
      '| Rack one-way latency | ≤ 2 ms |',
      '| Convergence bound | 5 s |',
    ].join('\n');
    expect(kindsOf(text, 0.002)).toEqual(['latency']);
    expect(kindsOf(text, 5)).toEqual([]);
  });
});

describe('a round count is read against the formula it comes from, and only as what it claims', () => {
  it('reads the argument of "log_10(10^6)" as 10⁶, so six rounds of fanout 3 fail', () => {
    const text =
      'Gateways and sites form two tiers.\n\nOver the whole fleet with fanout 3, R = log_10(10^6) = 6 rounds.';
    expect(failing(text, 'rounds')).toHaveLength(1);
  });

  it('reads "at least ⌈log₂ 10⁶⌉ = 20 rounds" as a floor, not an estimate to compare with the mean', () => {
    const text = 'Flat push with fanout 1 needs at least ⌈log₂ 10⁶⌉ = 20 rounds, and about 34 on average.';
    const twenty = extractClaims(text).claims.find((x) => x.kind === 'rounds' && x.quantity.value === 20);
    expect(twenty?.quantity.qualifier).toBe('atLeast');
    expect(failing(text, 'rounds')).toEqual([]);
  });

  it('reads "roughly one round above the formula" as a difference, not a round count', () => {
    const text =
      '- Racks (~2,000 nodes): push, fanout 3. Simulation lands roughly one round above the formula, so we budget 10 rounds.';
    expect(failing(text, 'rounds')).toEqual([]);
  });
});

describe('SWIM without suspicion, in other words', () => {
  const swim = (text: string) =>
    failing(`SWIM probes one member per 1 s period with 3 indirect pings. ${text}`, 'swim');

  it('fails a member declared dead as soon as its indirect probes go unanswered', () => {
    expect(
      swim(
        'Members carry incarnation numbers. When no helper gets an ack, the member is marked failed at once and the news is gossiped.',
      ),
    ).toHaveLength(1);
  });

  it('fails a reply that skips the "suspect" state or does not keep incarnation numbers', () => {
    expect(swim('We skip the "suspect" stage to react faster.')).toHaveLength(1);
    expect(swim("Members don't carry incarnation numbers; a wrongly evicted node rejoins.")).toHaveLength(1);
  });

  it('passes a reply that keeps suspicion and says what it never does', () => {
    expect(
      swim(
        'Suspicion and incarnation numbers stay. A slow member never triggers a false suspicion for long: Lifeguard refutes it.',
      ),
    ).toEqual([]);
  });

  it('passes death at once after the suspicion timeout, or for a member that leaves on purpose', () => {
    expect(
      swim(
        'A suspect that does not refute with a higher incarnation before its timeout expires is declared dead immediately. A member that leaves gracefully is marked dead at once.',
      ),
    ).toEqual([]);
  });
});

describe('rumor mongering that turns anti-entropy down', () => {
  it('fails when the only mentions of reconciliation weigh its cost', () => {
    const text = [
      'Invalidations spread as rumors: push to 3 peers per round, losing interest with probability 1/4.',
      'At this scale the cost of periodic reconciliation dominates, and missing 0.7% is cheaper than running reconciliation traffic.',
      'There is no periodic anti-entropy at all.',
    ].join(' ');
    expect(failing(text, 'red flag')).toHaveLength(1);
  });

  it('passes rumor mongering backed by a digest exchange it runs', () => {
    const text =
      'Invalidations spread as rumors with k = 4. There is no separate anti-entropy service. Every node also runs a digest exchange with a random peer every 10 s.';
    expect(failing(text, 'red flag')).toEqual([]);
  });
});

describe('the design reaches the row’s population', () => {
  it('fails a design worked out for an N it declares far below the row’s', () => {
    const text =
      'Every point of presence is one participant. That gives N = 400 for the protocol. Push with fanout 3 every 200 ms: R ≈ 4.3 + 2.0 ≈ 6.3, budget 8 rounds.';
    expect(failing(text, 'scale')).toHaveLength(1);
  });

  it('passes a declared N when groups × nodes per group reach the row’s population', () => {
    for (const text of [
      'Each of the 500 sites holds about 2,000 nodes.\n\nThe epidemic we model has N = 2,000, fanout 3 and 9 rounds.',
      'Topology: 400 regions × 2,500 nodes.\n\nWorking set: N = 2,500, fanout 4.',
    ])
      expect(failing(text, 'scale')).toEqual([]);
    // A count that merely restates the declared total is no group's size.
    const restated =
      'Scale used: N = 9,000 nodes in 450 locations.\n\nMessages per update: N ln N = 9,000 nodes × 9.1 ≈ 82,000.';
    expect(failing(restated, 'scale')).toHaveLength(1);
  });

  it('passes a tier’s own N, and a reply that also states the whole population', () => {
    expect(failing('Inside a site (N = 2,000, f = 3) we budget 10 rounds of 100 ms.', 'scale')).toEqual([]);
    expect(failing('For the racks, N = 2,000 per rack; R ≈ 8 rounds.', 'scale')).toEqual([]);
    expect(
      failing('Flat push over N = 2,000 is easy; across all 1,000,000 nodes two tiers are needed.', 'scale'),
    ).toEqual([]);
  });
});
