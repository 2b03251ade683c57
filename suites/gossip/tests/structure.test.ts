import { checkStructure, findHeadings, findSections } from '../src/checks/structure';

const BODY = 'This section explains the mechanism in a full sentence with enough words to count as content.';

function reply(headings: [string, string, string, string], body = BODY): string {
  return headings.map((h) => `${h}\n${body}\n`).join('\n');
}

describe('the four sections, whatever the heading style', () => {
  it.each([
    [
      'markdown #',
      [
        '## 1. Gossip Modality and Mathematical Model',
        '## 2. Peer Selection and Membership',
        '## 3. Anti-Entropy and State Reconciliation',
        '## 4. Failure Detection and Network Resilience',
      ],
    ],
    [
      'numbered plain lines',
      [
        '1. Gossip Modality and Mathematical Modeling',
        '2. Peer Selection and Membership Protocol',
        '3. Anti-Entropy and State Reconciliation',
        '4. Failure Detection and Network Resilience',
      ],
    ],
    [
      'bold lines',
      [
        '**Gossip Modality & Mathematical Model**',
        '**Peer Selection & Membership**',
        '**Anti-Entropy & State Reconciliation**',
        '**Failure Detection & Resilience**',
      ],
    ],
    [
      'plain title lines',
      [
        'Gossip Modality and Mathematical Modeling',
        'Peer Selection and Membership',
        'Anti-Entropy and State Reconciliation',
        'Failure Detection and Network Resilience',
      ],
    ],
    [
      'labels with a colon',
      [
        'Gossip modality and mathematical model:',
        'Peer selection and membership:',
        'Anti-entropy and state reconciliation:',
        'Failure detection and resilience:',
      ],
    ],
    [
      'roman numerals',
      [
        'I. Gossip Modality and Mathematical Modeling',
        'II. Peer Selection and Membership',
        'III. Anti-Entropy and State Reconciliation',
        'IV. Failure Detection and Network Resilience',
      ],
    ],
    [
      '"Section n —"',
      [
        'Section 1 — Gossip modality and the mathematical model',
        'Section 2 — Peer selection and membership',
        'Section 3 — Anti-entropy and state reconciliation',
        'Section 4 — Failure detection and resilience',
      ],
    ],
    [
      'parenthesised numbers',
      [
        '1) Gossip modality & math model',
        '2) Peer selection & membership',
        '3) Anti-entropy & reconciliation',
        '4) Failure detection & resilience',
      ],
    ],
  ] as [string, [string, string, string, string]][])('%s', (_, headings) => {
    const v = checkStructure(reply(headings));
    expect(v.findings.map((f) => f.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(v.pass).toBe(true);
  });

  it('setext underlines', () => {
    const text = [
      'Gossip Modality',
      '===',
      BODY,
      'Membership',
      '---',
      BODY,
      'Anti-Entropy',
      '---',
      BODY,
      'Failure Detection',
      '---',
      BODY,
    ].join('\n');
    expect(checkStructure(text).pass).toBe(true);
  });

  it('bold lead-ins with the text on the same line', () => {
    const text = [
      `- **Gossip modality and mathematical model:** ${BODY}`,
      `- **Peer selection and membership:** ${BODY}`,
      `- **Anti-entropy and state reconciliation:** ${BODY}`,
      `- **Failure detection and network resilience:** ${BODY}`,
    ].join('\n');
    expect(checkStructure(text).pass).toBe(true);
  });

  it('terse bullets led by a topic label, without bold', () => {
    const text = [
      `- Modality/model: ${BODY}`,
      `- Membership: ${BODY}`,
      `- Anti-entropy: ${BODY}`,
      `- Failure detection: ${BODY}`,
    ].join('\n');
    expect(checkStructure(text).pass).toBe(true);
    // A bullet led by a label that names no topic is no heading.
    expect(findHeadings(`- Note: ${BODY}`)).toEqual([]);
  });

  it('a heading may cover two topics when its text is long enough for both', () => {
    const text = `## Gossip modality and mathematical model\n${BODY}\n## Membership and failure detection\n${BODY} ${BODY}\n## Anti-entropy\n${BODY}`;
    expect(
      findSections(text)
        .map((s) => s.topic)
        .sort(),
    ).toEqual(['antiEntropy', 'failureDetection', 'membership', 'modality']);
    expect(checkStructure(text).pass).toBe(true);
  });

  it('headings that name no topic are transparent (a "Deployment" section extends the one above)', () => {
    const text =
      reply(['## Gossip Modality', '## Membership', '## Anti-Entropy', '## Failure Detection']) +
      '\n## Deployment\nMore text.';
    expect(checkStructure(text).pass).toBe(true);
    expect(findHeadings(text).find((h) => h.title === 'Deployment')!.topics).toEqual([]);
  });
});

describe('what fails', () => {
  it('a missing section, naming the headings it did find', () => {
    const text = `## Gossip Modality\n${BODY}\n## Membership\n${BODY}\n## Failure Detection\n${BODY}`;
    const v = checkStructure(text);
    expect(v.pass).toBe(false);
    expect(v.reason).toContain(
      'no section on anti-entropy and state reconciliation (headings found: "Gossip Modality", "Membership", "Failure Detection")',
    );
  });

  it('headings with nothing under them (keyword stuffing dressed as structure)', () => {
    const text =
      '## Gossip Modality\nPush-Pull.\n## Membership\nSWIM.\n## Anti-Entropy\nMerkle Tree, Bloom Filter, Version Vector.\n## Failure Detection\nPhi-accrual.';
    const v = checkStructure(text);
    expect(v.findings.map((f) => f.outcome)).toEqual(['FAIL', 'FAIL', 'FAIL', 'FAIL']);
    expect(v.reason).toContain('has 1 words under it; a section needs at least 8');
  });

  it('a keyword list and a refusal have no sections', () => {
    expect(
      checkStructure('Push, Pull, SWIM, Merkle Tree, Bloom Filter, Version Vector, anti-entropy.').pass,
    ).toBe(false);
    expect(checkStructure('{"error": "unsafe"}').score).toBe(0);
  });

  it('a prose sentence that mentions a topic is not a heading', () => {
    expect(
      findHeadings('Membership is maintained by SWIM, which probes one random member every period.'),
    ).toEqual([]);
  });
});
