import { buildBaseline } from '../../../src/gate/baseline';
import { gate } from '../../../src/gate/gate';
import { renderGate } from '../../../src/report/gate';
import { times, trialTable } from '../gate/build';

const V = 'gpt-4o · T=0.2';
/** Rendering, not power, is tested here (tests/unit/gate/gate.test.ts has the power requirement). */
const BLIND = { maxDetectableDrop: 1 };
const baseline = buildBaseline(
  trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 20), evaluatorLine: 76 }]),
);
const regressed = gate(
  trialTable([
    { variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 5) + times('F', 15), evaluatorLine: 76 },
  ]),
  baseline,
  BLIND,
);
const passed = gate(
  trialTable([{ variant: V, evaluator: 'Refusal JSON', outcomes: times('P', 20), evaluatorLine: 76 }]),
  baseline,
  BLIND,
);

describe('workflow annotations', () => {
  it("point an ::error at the evaluator's line of the prompt file", () => {
    // The row verdict first, at the row that failed most, then the evaluator behind it, at its line.
    expect(renderGate(regressed, 'annotations')).toBe(
      `::error file=prompts/x.prompt.yml,line=10,title=Regression%3A (row verdict%3A every evaluator passes) (${V})::` +
        `The row verdict regressed for ${V}: 20/20 (100%25) in the baseline, 5/20 (25%25) now ` +
        '(one-sided exact test over 1 shared row, Holm-adjusted p < 0.001, alpha 0.05).\n' +
        `::error file=prompts/x.prompt.yml,line=76,title=Regression%3A Refusal JSON (${V})::` +
        `"Refusal JSON" regressed for ${V}: 20/20 (100%25) in the baseline, 5/20 (25%25) now ` +
        '(one-sided exact test over 1 shared row, Holm-adjusted p < 0.001, alpha 0.05, after its row verdict regressed).\n',
    );
  });

  it('leave out file and line when nothing is known about the place', () => {
    const verdict = gate({ trials: [], attempts: [], sources: [] }, undefined);
    expect(renderGate(verdict, 'annotations')).toMatch(
      /^::error title=Nothing was evaluated::The run has no trials/,
    );
  });

  it('cannot be broken out of by a hostile variant name', () => {
    const hostile = 'x,line=1\n::error::pwned';
    const verdict = gate(trialTable([{ variant: hostile, evaluator: 'E', outcomes: 'PE' }]), undefined, {
      floor: 0,
    });
    const text = renderGate(verdict, 'annotations');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toContain('title=Errors%3A x%2Cline=1%0A%3A%3Aerror%3A%3Apwned::');
  });

  it('give one ::notice when the gate passes', () => {
    expect(renderGate(passed, 'annotations')).toMatch(
      /^::notice title=Prompt gate passed::Gate passed: 2 checks across 1 variant/,
    );
  });
});

describe('JUnit XML', () => {
  const xml = renderGate(regressed, 'junit');

  it('has one testsuite per variant and one testcase per evaluator, plus the errors and coverage checks', () => {
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain(`<testsuite name="${V}" tests="4" failures="2" errors="0" skipped="0">`);
    expect(xml).toContain(
      `<testcase name="(row verdict: every evaluator passes)" classname="${V}" file="prompts/x.prompt.yml" line="10">`,
    );
    expect(xml).toContain(
      `<testcase name="Refusal JSON" classname="${V}" file="prompts/x.prompt.yml" line="76">`,
    );
    expect(xml).toContain(`<testcase name="calls without errors" classname="${V}">`);
    expect(xml).toContain(`<testcase name="run and baseline cover each other" classname="${V}">`);
  });

  it('has a failure element for the regression', () => {
    expect(xml).toMatch(/<failure type="regression" message="&quot;Refusal JSON&quot; regressed for [^"]+">/);
  });

  it('escapes everything, control characters included', () => {
    const name = 'a<b>&"c"\u0001\u001b';
    const verdict = gate(trialTable([{ variant: name, evaluator: `${name}E`, outcomes: 'PE' }]), undefined, {
      floor: 0,
    });
    const out = renderGate(verdict, 'junit');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(out).toContain('name="a&lt;b&gt;&amp;&quot;c&quot;\\u0001\\u001b"');
    expect(out).not.toContain('<b>');
  });

  it('puts failures that belong to no variant in a "gate" testsuite', () => {
    const verdict = gate(trialTable([{ variant: V, evaluator: 'E', outcomes: 'P' }]), undefined, {
      floor: 0,
      floors: { Typo: 0.5 },
    });
    const out = renderGate(verdict, 'junit');
    expect(out).toContain('<testsuite name="gate" tests="1" failures="1"');
    expect(out).toContain('<failure type="unknown-floor"');
  });

  it('counts every testcase and failure in the root element', () => {
    expect(xml).toContain('<testsuites name="promptfile gate" tests="4" failures="2" errors="0">');
  });
});

describe('Markdown step summary', () => {
  it('leads with the outcome, lists problems with their place, and tabulates checks', () => {
    const md = renderGate(regressed, 'markdown');
    expect(md.startsWith('## ❌ Prompt gate failed\n')).toBe(true);
    expect(md).toContain('(`prompts/x.prompt.yml:76`)');
    expect(md).toContain(
      '| Variant | Evaluator | Baseline | This run | 95% interval | p (Holm) | Detects | Floor | Result |',
    );
    expect(md).toMatch(
      new RegExp(
        `\\| ${V} \\| Refusal JSON \\| 20/20 \\(100%\\) \\| 5/20 \\(25%\\) \\| \\\\\\[11\\.2%, 46\\.9%\\\\\\] \\| &lt; 0\\.001 \\| ≥ \\d+% drop \\| – \\| FAIL: regression \\|`,
      ),
    );
  });

  it('says when it passed', () => {
    expect(renderGate(passed, 'markdown').startsWith('## ✅ Prompt gate passed\n')).toBe(true);
  });

  it('escapes table-breaking and HTML characters in names', () => {
    const verdict = gate(trialTable([{ variant: 'a|b<i>', evaluator: 'E', outcomes: 'P' }]), undefined);
    const md = renderGate(verdict, 'markdown');
    expect(md).toContain('| a\\|b&lt;i\\> | E |');
    expect(md).not.toContain('<i>');
  });
});

describe('plain text', () => {
  it('aligns every column of the checks table under its header', () => {
    const verdict = gate(
      trialTable([
        { variant: V, evaluator: 'Refusal JSON', outcomes: 'PP' },
        { variant: 'gpt-4o-mini · T=1', evaluator: 'E', outcomes: 'PF' },
      ]),
      undefined,
    );
    const lines = renderGate(verdict, 'text').split('\n');
    const header = lines.find((l) => l.startsWith('Variant')) ?? '';
    const rows = lines.filter((l) => l.startsWith('gpt-4o'));
    expect(rows).toHaveLength(2);
    for (const column of ['Evaluator', 'Baseline', 'This run', 'Result']) {
      const at = [...header].join('').indexOf(column);
      for (const row of rows) {
        const chars = [...row];
        expect(chars[at - 1]).toBe(' ');
        expect(chars[at]).not.toBe(' ');
      }
    }
  });
});
