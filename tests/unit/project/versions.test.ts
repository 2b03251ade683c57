/**
 * The promptfoo and Node versions the package claims are exactly the ones CI tests: the pinned leg
 * (package.json's devDependency, Node 20) and the current leg (.ci/current.env, run by .ci/current).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  engines: { node: string };
};

function currentEnv(): Record<string, string> {
  const text = fs.readFileSync(path.join(REPO, '.ci/current.env'), 'utf8');
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(\S+)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

describe('the versions the package claims are the versions CI tests', () => {
  const current = currentEnv();

  it('.ci/current.env names an exact Node and promptfoo version', () => {
    expect(current['NODE_CURRENT']).toMatch(/^24\.\d+\.\d+$/);
    expect(current['PROMPTFOO_CURRENT']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('the promptfoo peer range is the pinned version and the current one, nothing between', () => {
    const pinned = pkg.devDependencies['promptfoo'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.peerDependencies['promptfoo']).toBe(`${pinned} || ${current['PROMPTFOO_CURRENT']}`);
  });

  it('the engines range admits both Node versions CI runs', () => {
    expect(pkg.engines.node).toBe('^20.20.0 || >=22.22.0');
    expect(Number(current['NODE_CURRENT']!.split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('.ci/run runs the current leg', () => {
    expect(fs.readFileSync(path.join(REPO, '.ci/run'), 'utf8')).toMatch(/^\s*\.ci\/current\b/m);
  });
});
