/**
 * The house rules, read from the real imports: layers only point down, the plugin knows no suite and no entry file,
 * there are no cycles, and docs/architecture.md draws what the code does.
 */
import { cycles, importEdges, partEdges, partOf, sourceFiles } from './imports';
import { diagram, documented } from './diagram';
import { violations } from './layers';

/**
 * Dependencies that break the rules today and are being removed (issue "The house"). The list may only shrink:
 * an entry that no longer occurs fails the test too, so a fix must delete its line.
 */
const KNOWN_DEBT: string[] = [];

describe('layers point down', () => {
  const found = violations();

  test('no import breaks the layer rules, but for the known debt being removed', () => {
    const fresh = found
      .filter((v) => !KNOWN_DEBT.includes(v.edge))
      .map((v) => `${v.why} (${v.example.from} imports '${v.example.spec}')`);
    expect(fresh).toEqual([]);
  });

  test('every known debt still occurs (delete its line when it is fixed)', () => {
    const occurring = new Set(found.map((v) => v.edge));
    expect(KNOWN_DEBT.filter((d) => !occurring.has(d))).toEqual([]);
  });
});

describe('no cycles', () => {
  test('between parts, once the known debt is left out', () => {
    const edges = [...partEdges().keys()]
      .filter((e) => !KNOWN_DEBT.includes(e))
      .map((e) => e.split(' -> ') as [string, string]);
    const parts = [...new Set(sourceFiles().map(partOf))];
    expect(cycles(parts, edges)).toEqual([]);
  });

  test('between files, anywhere (bench/ included)', () => {
    const edges = importEdges().map((e) => [e.from, e.to] as [string, string]);
    expect(cycles(sourceFiles(), edges)).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  test('draws the imports as they are (npm run architecture redraws it)', () => {
    expect(documented()).toBe(diagram());
  });
});
