import { compare } from '../../../src/compare/compare';
import { renderCompare } from '../../../src/report/compare';
import { times, trialTable } from '../gate/build';

const A = 'gpt-4o · T=0.2';
const B = 'gpt-4o · T=1';
const result = compare(
  trialTable([
    { variant: A, evaluator: 'Refusal JSON', outcomes: times('P', 20) },
    { variant: B, evaluator: 'Refusal JSON', outcomes: times('P', 8) + times('F', 11) + 'E' },
  ]),
);

describe('renderCompare', () => {
  it('text: a table of rates per evaluator with counts, intervals and errors, then the verdicts', () => {
    const text = renderCompare(result, 'text');
    expect(text).toContain('Refusal JSON      100% 20/20 [83.9%, 100%]');
    expect(text).toContain('42.1% 8/19 [23.1%, 63.7%], 1 error');
    expect(text).toContain(`- ${A} beats ${B} on Refusal JSON, p < 0.001`);
  });

  it('markdown: verdicts first, then escaped tables', () => {
    const md = renderCompare(result, 'markdown');
    expect(md.startsWith(`## Variant comparison\n\n- ${A} beats ${B} on Refusal JSON, p &lt; 0.001\n`)).toBe(
      true,
    );
    expect(md).toContain(`| Evaluator | ${A} | ${B} |`);
  });

  it('json: the whole result, parseable', () => {
    expect(JSON.parse(renderCompare(result, 'json'))).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('says so when there is only one variant to compare', () => {
    const single = compare(trialTable([{ variant: A, evaluator: 'E', outcomes: 'PP' }]));
    expect(renderCompare(single, 'text')).toContain('Verdicts\n- Only one variant: nothing to compare.\n');
    expect(renderCompare(single, 'markdown')).toContain('- Only one variant: nothing to compare.');
  });
});

describe('text shows the significant differences first; the full table only with --all', () => {
  // B fails where A, C and D pass: A, C and D each beat B; no two of A, C, D differ.
  const [a, b, c, d] = ['A', 'B', 'C', 'D'];
  const four = compare(
    trialTable([
      { variant: a, evaluator: 'Refusal JSON', outcomes: times('P', 20) },
      { variant: b, evaluator: 'Refusal JSON', outcomes: times('F', 20) },
      { variant: c, evaluator: 'Refusal JSON', outcomes: times('P', 20) },
      { variant: d, evaluator: 'Refusal JSON', outcomes: times('P', 19) + 'F' },
    ]),
  );

  it('opens with the significant differences, and leaves out the comparisons that found none', () => {
    const text = renderCompare(four, 'text');
    expect(
      text.startsWith('Significant differences (exact test stratified by row, Holm-corrected, alpha 0.05)\n'),
    ).toBe(true);
    const table = text.slice(0, text.indexOf('\n\n'));
    expect(table.split('\n').filter((line) => / vs /.test(line))).toEqual([
      expect.stringMatching(/^A vs B +Refusal JSON/),
      expect.stringMatching(/^B vs C +Refusal JSON/),
      expect.stringMatching(/^B vs D +Refusal JSON/),
    ]);
    expect(text).not.toContain('A vs C');
    expect(text).not.toContain('\nComparisons (');
    expect(text).toContain(
      [
        'Verdicts',
        '- A beats B on Refusal JSON, p < 0.001',
        '- C beats B on Refusal JSON, p < 0.001',
        '- D beats B on Refusal JSON, p < 0.001',
        '- No significant difference between the other 3 pairs of variants.',
      ].join('\n'),
    );
    expect(text).toContain(
      '3 comparisons without a significant difference left out; promptfile compare --all shows every one.',
    );
  });

  it('--all adds every comparison and every verdict, and no hint', () => {
    const text = renderCompare(four, 'text', { all: true });
    const all = text.slice(text.indexOf('\nComparisons ('));
    expect(all.split('\n').filter((line) => / vs /.test(line))).toHaveLength(6);
    expect(text).toContain('- No significant difference between A and C');
    expect(text).not.toContain('left out');
  });

  it('with no significant difference, says so first, and sums the verdicts up in one line', () => {
    const none = compare(
      trialTable([a, b, c].map((variant) => ({ variant, evaluator: 'E', outcomes: times('P', 5) }))),
    );
    const text = renderCompare(none, 'text', { allHint: 'promptfile compare r.json --all' });
    expect(text).toMatch(
      /^Significant differences .*\nNone: no variant differs significantly from another on any evaluator \(3 comparisons\)\./,
    );
    expect(text).toContain('- No significant difference between any of the 3 pairs of variants.');
    expect(text).toContain('promptfile compare r.json --all shows every one.');
  });

  it('Markdown and JSON keep every comparison', () => {
    expect(renderCompare(four, 'markdown').match(/\| [A-D] vs [A-D] \|/g)).toHaveLength(6);
    expect((JSON.parse(renderCompare(four, 'json')) as { comparisons: unknown[] }).comparisons).toHaveLength(
      6,
    );
  });
});
