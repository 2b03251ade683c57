import { parseNumberWords, parseQuantity, scanQuantities } from '../src/claims/quantity';

describe('quantities in digits, powers and suffixes', () => {
  it.each([
    ['1,000,000 nodes', 1e6],
    ['10^6 nodes', 1e6],
    ['10⁶ nodes', 1e6],
    ['1e6 nodes', 1e6],
    ['1M nodes', 1e6],
    ['500K keys', 5e5],
    ['1.5 million', 1.5e6],
    ['2.5 × 10^5', 2.5e5],
    ['10^-8', 1e-8],
    ['10⁻⁸', 1e-8],
  ])('%s is %d', (text, value) => {
    const q = parseQuantity(text)!;
    expect(q.value).toBeCloseTo(value, 12);
    expect(q.dimension).toBe('count');
  });

  it('does not read digits glued to letters as numbers (log2, p95, T_int)', () => {
    expect(scanQuantities('log2 N and p95 and T_int')).toEqual([]);
  });
});

describe('numbers in words', () => {
  it.each([
    ['one million nodes', 1e6],
    ['a million nodes', 1e6],
    ['two thousand five hundred', 2500],
    ['twenty-one rounds', 21],
    ['fanout of three', 3],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)!.value).toBe(value);
  });

  it('"one-way" is not the number one', () => {
    expect(scanQuantities('one-way latency')).toEqual([]);
  });

  it('"two and three" is two numbers, not five', () => {
    expect(parseNumberWords('two and three')).toBeNaN();
    expect(scanQuantities('two and three').map((q) => q.value)).toEqual([2, 3]);
  });
});

describe('units', () => {
  it.each([
    ['200ms', 0.2],
    ['0.2 s', 0.2],
    ['200 milliseconds', 0.2],
    ['5 seconds', 5],
    ['a 5-second bound', 5],
    ['10 minutes', 600],
    ['24 h', 86400],
    ['fifty milliseconds', 0.05],
  ])('%s is %f s', (text, seconds) => {
    const q = parseQuantity(text)!;
    expect(q.dimension).toBe('time');
    expect(q.value).toBeCloseTo(seconds, 9);
  });

  it('reads percentages as fractions, Bloom sizing as bits per element, sizes in bytes', () => {
    expect(parseQuantity('1% false positives')).toMatchObject({ value: 0.01, dimension: 'fraction' });
    expect(parseQuantity('0.1 percent')).toMatchObject({ value: 0.001, dimension: 'fraction' });
    expect(parseQuantity('9.6 bits per element')).toMatchObject({ value: 9.6, dimension: 'bitsPerElement' });
    expect(parseQuantity('14.4 bits/key')).toMatchObject({ value: 14.4, dimension: 'bitsPerElement' });
    expect(parseQuantity('1,400 bytes')).toMatchObject({ value: 1400, dimension: 'bytes' });
    expect(parseQuantity('1.2 MB')).toMatchObject({ value: 1.2e6, dimension: 'bytes' });
  });

  it('"5MB" is five megabytes, not five million', () => {
    expect(parseQuantity('5MB')).toMatchObject({ value: 5e6, dimension: 'bytes' });
  });
});

describe('ranges and qualifiers', () => {
  it('"between 3 and 5 seconds" is a range in seconds', () => {
    expect(parseQuantity('between 3 and 5 seconds')).toMatchObject({
      low: 3,
      high: 5,
      value: 4,
      qualifier: 'range',
      dimension: 'time',
    });
  });

  it('"50–100 ms" scales both ends by the unit written once', () => {
    const q = parseQuantity('50–100 ms ticks')!;
    expect(q.low).toBeCloseTo(0.05, 9);
    expect(q.high).toBeCloseTo(0.1, 9);
  });

  it('"between two and three seconds" and "3 to 5 rounds" are ranges', () => {
    expect(parseQuantity('between two and three seconds')).toMatchObject({ low: 2, high: 3 });
    expect(parseQuantity('3 to 5 rounds')).toMatchObject({ low: 3, high: 5, dimension: 'count' });
  });

  it.each([
    ['~20 rounds', 'approx', 20, 20],
    ['≈ 20', 'approx', 20, 20],
    ['about 20', 'approx', 20, 20],
    ['at least 20 rounds', 'atLeast', 20, Infinity],
    ['≥ 20', 'atLeast', 20, Infinity],
    ['within 3 s', 'atMost', 0, 3],
    ['L ≤ 150 ms', 'atMost', 0, 0.15],
    ['under 5 seconds', 'atMost', 0, 5],
  ])('%s is %s [%f, %f]', (text, qualifier, low, high) => {
    const q = parseQuantity(text)!;
    expect(q.qualifier).toBe(qualifier);
    expect(q.low).toBeCloseTo(low, 9);
    expect(q.high).toEqual(high === Infinity ? Infinity : expect.closeTo(high, 9));
  });

  it('"over 500 sites" is a preposition, not "more than"', () => {
    expect(scanQuantities('gossip over 500 sites')[0]).toMatchObject({ value: 500, qualifier: 'exact' });
  });

  it('keeps offsets so claims can quote the source', () => {
    const text = 'converges in about 2.5–3 s at p95';
    const q = scanQuantities(text)[0]!;
    expect(text.slice(q.start, q.end)).toBe('about 2.5–3 s');
  });
});

describe('numbers in other conventions (issue 14)', () => {
  const read = (text: string) => scanQuantities(text).map((q) => [q.value, q.dimension]);

  it('decimal commas: "0,25 s", "9,6 bits per element", "0,125"', () => {
    expect(read('0,25 s')).toEqual([[0.25, 'time']]);
    expect(read('9,6 bits per element')).toEqual([[9.6, 'bitsPerElement']]);
    expect(read('max(0,25, 0,1 + 0,125)')).toEqual([
      [0.25, 'count'],
      [0.1, 'count'],
      [0.125, 'count'],
    ]);
  });

  it('thousands grouped by commas or spaces, but "8 100 ms" is eight and a time', () => {
    expect(read('1 000 000 nodes')).toEqual([[1_000_000, 'count']]);
    expect(read('1,000,000 nodes')).toEqual([[1_000_000, 'count']]);
    expect(read('about 8 100 ms rounds')).toEqual([
      [8, 'count'],
      [0.1, 'time'],
    ]);
    expect(read('(7 active, 40 passive)')).toEqual([
      [7, 'count'],
      [40, 'count'],
    ]);
  });

  it('"(1−s)" in a formula is no time; "5-second" is', () => {
    expect(read('s = e^(−(k+1)(1-s))').map(([, d]) => d)).not.toContain('time');
    expect(read('a 5-second bound')).toEqual([[5, 'time']]);
  });
});
