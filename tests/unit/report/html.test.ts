import * as path from 'node:path';
import { compare } from '../../../src/compare/compare';
import { readTrials } from '../../../src/promptfoo/readResults';
import { renderReport } from '../../../src/report/html';
import { times, trialTable } from '../gate/build';

const FIXTURE = path.resolve(__dirname, '../../fixtures/results/repeat3.json');

describe('the static HTML report', () => {
  const html = renderReport(compare(readTrials([FIXTURE])));

  it('is one self-contained document: no script, no external resource, a CSP that forbids them', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(new Set(html.match(/https?:\/\/[^"\s]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('has one variant column per variant and one metric cell per variant and evaluator', () => {
    expect(html.match(/data-testid="variant-column"/g)).toHaveLength(3);
    expect(html.match(/data-testid="metric-cell"/g)).toHaveLength(9);
    expect(html.match(/data-testid="verdict"/g)).toHaveLength(3);
  });

  it('charts rate by temperature per model, parsed from labels like "gpt-4o · T=0.2"', () => {
    expect(html.match(/data-testid="rate-chart"/g)).toHaveLength(2);
    expect(html).toContain('<figcaption>gpt-4o</figcaption>');
    expect(html).toContain('<figcaption>gpt-4o-mini</figcaption>');
    expect(html.match(/data-testid="rate-bar"/g)).toHaveLength(3);
  });

  it('shows rate, counts, interval and errors in a cell', () => {
    const cell = html.match(
      /<td data-testid="metric-cell" data-variant="gpt-4o · T=1" data-evaluator="Handles empty inputs gracefully"[^]*?<\/td>/,
    )?.[0];
    expect(cell).toContain('<strong>100%</strong><span>2/2</span>');
    expect(cell).toContain('1 error');
  });

  it('puts labels it cannot parse on one chart, a bar each', () => {
    const other = renderReport(
      compare(
        trialTable([
          { variant: 'reference', evaluator: 'E', outcomes: 'PP' },
          { variant: 'offline reference (baseline, not a model)', evaluator: 'E', outcomes: 'PF' },
        ]),
      ),
    );
    expect(other.match(/data-testid="rate-chart"/g)).toHaveLength(1);
    expect(other.match(/data-testid="rate-bar"/g)).toHaveLength(2);
  });

  it('escapes every label', () => {
    const hostile = '<script>alert(1)</script>"\'&';
    const out = renderReport(
      compare(trialTable([{ variant: hostile, evaluator: `${hostile} E`, outcomes: times('P', 3) }])),
    );
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  });
});
