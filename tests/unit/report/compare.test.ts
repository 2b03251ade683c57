import { compare } from '../../../src/gate/compare';
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
