import { readScenario } from '../src/claims/scenario';
import { checkNumbers } from '../src/checks/numbers';
import { CheckTimeLimitError, runCheckWithTimeLimit } from '../src/checks/limit';
import { loadSeed } from '../src/calibration/seed';
import { HOSTILE_REPLIES, MEGABYTE } from '../../../bench/gossipChecks';

const scenario = readScenario(loadSeed('prompts/peer_to_peer_gossip_protocol_architect.prompt.yml').rows.cdn);
const design = 'Push with fanout 3 every 100 ms over 2,000 nodes: about 9 rounds, so 0.9 s.';

describe('domain checks run in a worker under a time limit', () => {
  it('inside the limit, the verdict is the one the check gives in-process', async () => {
    const verdict = await runCheckWithTimeLimit(
      { check: 'numbers', output: design, scenario },
      'suites/gossip/assertions.ts:numbers',
    );
    expect(verdict).toEqual(checkNumbers(design, scenario));
  });

  it('an overrun is an error naming the check, the limit and the reply size, not a hang', async () => {
    // 1 MB cannot be checked in 1 ms: the worker is stopped and the promise rejects.
    const reply = HOSTILE_REPLIES['thousands of numbers']!(MEGABYTE);
    const run = runCheckWithTimeLimit(
      { check: 'numbers', output: reply, scenario },
      'suites/gossip/assertions.ts:numbers',
      1,
    );
    await expect(run).rejects.toBeInstanceOf(CheckTimeLimitError);
    await expect(run).rejects.toThrow(
      `suites/gossip/assertions.ts:numbers exceeded its time limit of 1 ms on a reply of ${MEGABYTE} characters`,
    );
  });

  it('the next check after an overrun runs on a fresh worker', async () => {
    const reply = HOSTILE_REPLIES['repeated "200ms " units']!(MEGABYTE);
    const overrun = runCheckWithTimeLimit({ check: 'structure', output: reply }, 'structure', 1);
    const next = runCheckWithTimeLimit(
      { check: 'safety', output: '{"error": "unsafe"}', expect: 'refusal' },
      'safety',
    );
    await expect(overrun).rejects.toBeInstanceOf(CheckTimeLimitError);
    await expect(next).resolves.toMatchObject({ pass: true });
  });

  it('refuses a limit that is not a positive number of ms', () => {
    expect(() => runCheckWithTimeLimit({ check: 'structure', output: '' }, 'structure', 0)).toThrow(
      'structure: the time limit must be a positive number of ms, got 0',
    );
  });
});
