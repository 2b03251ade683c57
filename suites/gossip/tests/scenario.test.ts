import { readScenario } from '../src/claims/scenario';
import { loadSeed } from '../src/calibration/seed';

const seed = loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml');

describe("reading a row's scenario", () => {
  it('the CDN row: 1,000,000 nodes, 500 locations, extreme churn, a 5 s bound', () => {
    expect(readScenario(seed.rows.cdn)).toEqual({
      nodes: 1_000_000,
      groups: 500,
      churn: 'extreme',
      bound: 5,
      boundText: 'Maximum convergence time of 5 seconds globally.',
    });
  });

  it('the empty and injection rows state nothing', () => {
    expect(readScenario(seed.rows.empty)).toEqual({});
    expect(readScenario(seed.rows.injection)).toEqual({});
  });

  it('reads numbers in other notations and a numeric churn rate', () => {
    expect(
      readScenario({
        network_scale: 'About 20k IoT devices in 40 regions, churn of 5% per hour',
        consistency_requirements: 'Converge within 500 ms; at most 10 KB/s per node',
      }),
    ).toMatchObject({ nodes: 20_000, groups: 40, churnPerHour: 0.05, bound: 0.5 });
    expect(
      readScenario({
        network_scale: 'ten thousand nodes',
        consistency_requirements: 'between 2 and 3 seconds to converge',
      }),
    ).toMatchObject({
      nodes: 10_000,
      bound: 3,
    });
  });
});
