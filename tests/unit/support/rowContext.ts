/**
 * The context promptfoo hands an assertion for one row, for assertions that read their row by reference
 * (src/promptfoo/row.ts): the row is written as the only row of a prompt file in a temp directory, with the seed
 * prompt's messages, and the context names it the way a generated test does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { inertVar } from '../../../src/promptfoo/inert';
import { ROW_VAR, rowReference } from '../../../src/promptfoo/row';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'promptfile-unit-rows-'));
if (typeof afterAll === 'function') afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));
let written = 0;

const MESSAGES = [
  { role: 'system', content: 'You design gossip protocols.' },
  {
    role: 'user',
    content: 'Domain: {{system_domain}}\nScale: {{network_scale}}\nConsistency: {{consistency_requirements}}',
  },
];

/** A promptfoo assertion context for a row with `variables`, plus the assertion's `config` when given. */
export function rowContext(variables: Record<string, string>, config?: Record<string, unknown>) {
  const file = path.join(DIR, `row-${written++}.prompt.yml`);
  fs.writeFileSync(
    file,
    stringify({ name: 'row', model: 'gpt-4o', messages: MESSAGES, testData: [variables] }),
  );
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) vars[name] = inertVar(value);
  vars[ROW_VAR] = rowReference(file, 0);
  return {
    vars,
    test: { vars, metadata: { promptfile: { file, name: 'row', row: 0, line: 1 } } },
    ...(config ? { config } : {}),
  };
}
