import { extractClaims } from '../src/claims/claims';

function stagesOf(text: string) {
  const x = extractClaims(text);
  return {
    stages: x.stages.stages.map((s) => ({
      kind: s.kind,
      implied: s.implied,
      seeds: s.seeds,
      sentences: s.sentences.map((i) => x.sentences[i]!.text),
    })),
    totals: [...x.stages.totals].map((i) => x.sentences[i]!.text),
  };
}

describe('a design is cut into the stages an update travels through', () => {
  it('list items are stages, each with its kind; a total item is not a stage', () => {
    const { stages, totals } = stagesOf(
      [
        '- Origin to control plane: direct RPC, one hop, ≤ 100 ms.',
        '- Between sites: 500 gateways push with fanout 3 every 200 ms, seeding 8 gateways at once.',
        '- Inside a site: push, fanout 3, every 100 ms, 10 rounds.',
        '- Across continents: a Plumtree eager tree, 5 hops × 120 ms.',
        '- Total: about 2.7 s.',
      ].join('\n'),
    );
    expect(stages.map((s) => [s.kind, s.implied, s.seeds])).toEqual([
      ['direct', undefined, undefined],
      ['epidemic', 'groups', 8],
      ['epidemic', 'perGroup', undefined],
      ['tree', 'groups', undefined],
    ]);
    expect(totals).toEqual(['- Total: about 2.7 s.']);
  });

  it('in prose, a sentence that opens with a stage label starts a stage that runs to the end of its paragraph', () => {
    const { stages } = stagesOf(
      'A purge crosses two epidemics. Within a site, nodes push with fanout 4 every 50 ms. That takes eight rounds. Between the sites, gateways run push-pull. It takes ten rounds.\n\nThe next paragraph is about membership.',
    );
    expect(stages.map((s) => s.sentences)).toEqual([
      ['Within a site, nodes push with fanout 4 every 50 ms.', 'That takes eight rounds.'],
      ['Between the sites, gateways run push-pull.', 'It takes ten rounds.'],
    ]);
  });

  it('a table row is a stage, a Total row is a total; a heading that names a tier starts one', () => {
    const table = stagesOf(
      [
        '| Tier | Fanout | Rounds |',
        '|---|---|---|',
        '| gateways | 3 | 8 |',
        '| sites | 3 | 10 |',
        '| **Total** | | |',
      ].join('\n'),
    );
    expect(table.stages).toHaveLength(2);
    expect(table.totals).toEqual(['Tier: Total, Fanout: , Rounds: ']);
    const headed = stagesOf(
      '### Inter-site tier\n\nGateways push every 200 ms.\n\nThey need 8 rounds.\n\n### Membership\n\nSWIM.',
    );
    expect(headed.stages.map((s) => s.sentences)).toEqual([
      ['Gateways push every 200 ms.', 'They need 8 rounds.'],
    ]);
  });

  it('a direct row that writes "Fanout: –" is still direct; a fanout with a value makes it an epidemic', () => {
    expect(stagesOf('- Stage 1: direct unicast, Fanout: –, Rounds: 1.').stages[0]!.kind).toBe('direct');
    expect(stagesOf('- Stage 1: direct gossip with fanout 3, 8 rounds.').stages[0]!.kind).toBe('epidemic');
  });
});
