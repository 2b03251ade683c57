import { located } from '../../../src/suite/identity';

describe('located: a config assertion as part of a row identity', () => {
  test('a check is the same check from its source and from its compiled output, wherever the checkout lives', () => {
    const forms = [
      'file://assertions/gossip.ts:numbers',
      'file://dist/assertions/gossip.js:numbers',
      'file:///home/ci/work/node_modules/promptfoo-promptfile/dist/assertions/gossip.js:numbers',
      'file://C:\\work\\dist\\assertions\\gossip.mjs:numbers',
    ];
    expect(new Set(forms.map(located))).toEqual(new Set(['file://gossip:numbers']));
  });

  test('another file, another function or no function stays another check', () => {
    expect(located('file://dist/assertions/gossip.js:safety')).toBe('file://gossip:safety');
    expect(located('file://dist/assertions/regex.js:numbers')).toBe('file://regex:numbers');
    expect(located('file://checks/length.py')).toBe('file://length.py');
    expect(located('file://checks/length.js')).toBe('file://length');
  });

  test('values that are not file references are kept as written, inside arrays and objects too', () => {
    expect(located({ type: 'contains', value: 'gossip.ts', also: ['file://a/b.cjs:f', 3] })).toEqual({
      type: 'contains',
      value: 'gossip.ts',
      also: ['file://b:f', 3],
    });
  });
});
