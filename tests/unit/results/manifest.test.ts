/** Shards of a run: complete, each once, of one run, each holding exactly its rows. */
import {
  shardProblems,
  shardSlice,
  type ShardedFile,
  type ShardManifest,
} from '../../../src/results/manifest';

const KEYS = ['p.prompt.yml#0', 'p.prompt.yml#1', 'p.prompt.yml#2'];

function shard(index: number, count: number, runId = 'r1', source = `s${index}/latest.json`): ShardedFile {
  const { from, to } = shardSlice(index, count, KEYS.length);
  const keys = KEYS.slice(from, to);
  const manifest: ShardManifest = {
    schemaVersion: 1,
    runId,
    shard: { index, count },
    rows: { from, to, total: KEYS.length, keys },
    results: 'latest.json',
    sha256: 'x',
  };
  return { source, rowKeys: keys, manifest };
}

describe('shard slices', () => {
  it('cover every test exactly once, contiguously', () => {
    for (const count of [1, 2, 3, 4, 7]) {
      const covered = Array.from({ length: count }, (_, i) => shardSlice(i + 1, count, 10)).flatMap(
        ({ from, to }) => Array.from({ length: to - from }, (_, k) => from + k),
      );
      expect(covered).toEqual(Array.from({ length: 10 }, (_, k) => k));
    }
  });
});

describe('a set of shards', () => {
  it('is whole when every shard of one run is there once', () => {
    expect(shardProblems([shard(1, 2), shard(2, 2)])).toEqual([]);
    expect(shardProblems([shard(2, 2), shard(1, 2)], 2)).toEqual([]);
  });

  it('unsharded results are no shard problem, unless a shard count is expected', () => {
    expect(shardProblems([{ source: 'a.json', rowKeys: KEYS }])).toEqual([]);
    expect(shardProblems([{ source: 'a.json', rowKeys: KEYS }], 2)).toEqual([
      'The gate expects 2 shards (--shards), but no results file has a shard manifest; run eval with --shard I/2.',
    ]);
  });

  it('names a missing shard with its rows', () => {
    expect(shardProblems([shard(1, 2)])).toEqual([
      'Shard 2/2 of run r1 is missing (rows 1:3 of 3); gate every shard of the run together.',
    ]);
  });

  it('names a shard given twice', () => {
    expect(shardProblems([shard(1, 2), shard(1, 2, 'r1', 'again/latest.json'), shard(2, 2)])).toEqual([
      'Shard 1/2 of run r1 appears twice (s1/latest.json, again/latest.json); pass each shard once.',
    ]);
  });

  it('refuses shards of different runs, or of runs split differently', () => {
    expect(shardProblems([shard(1, 2), shard(2, 2, 'r2')])).toEqual([
      'The results come from different runs (r1, r2); gate the shards of one run together.',
    ]);
    expect(shardProblems([shard(1, 2), shard(2, 3)])[0]).toMatch(/disagree on how the run was split/);
  });

  it('checks the count the gate was told', () => {
    expect(shardProblems([shard(1, 2), shard(2, 2)], 3)).toEqual([
      'Run r1: the gate expects 3 shards (--shards), the manifests say 2.',
    ]);
  });

  it('names results without a manifest among shards, and manifests that describe other results', () => {
    expect(shardProblems([shard(1, 2), shard(2, 2), { source: 'plain.json', rowKeys: [] }])).toEqual([
      'plain.json has no shard manifest, while the other results are shards of a run.',
    ]);
    const stale = { ...shard(2, 2), mismatch: 'stale' };
    expect(shardProblems([shard(1, 2), stale])).toEqual(['stale']);
  });

  it('checks that a shard holds exactly the rows it was given', () => {
    const short = { ...shard(2, 2), rowKeys: [KEYS[1] as string] };
    expect(shardProblems([shard(1, 2), short])).toEqual([
      'Shard 2/2 of run r1 (s2/latest.json) holds 1 row of the 2 it was given.',
    ]);
    const foreign = { ...shard(2, 2), rowKeys: [...KEYS.slice(1), 'other#9'] };
    expect(shardProblems([shard(1, 2), foreign])).toEqual([
      'Shard 2/2 of run r1 (s2/latest.json) holds 3 rows of the 2 it was given, and 1 it was not (other#9).',
    ]);
  });
});
