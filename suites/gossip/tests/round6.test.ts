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
