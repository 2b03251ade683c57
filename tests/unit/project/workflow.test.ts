/**
 * The workflows (ours and the one `promptfile init` writes) gate the way the README says: every eval shard must be
 * there (shard count in one place), and the gate that judges a pull request is the base commit's, judging by the
 * base commit's baseline, with the pull request's results and baseline as data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const REPO = path.resolve(__dirname, '../../..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'working-directory'?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (file: string) => ({
  text: fs.readFileSync(path.join(REPO, file), 'utf8'),
  workflow: parse(fs.readFileSync(path.join(REPO, file), 'utf8')) as Workflow,
});

/** The step whose `run` contains `text`. */
const stepRunning = (job: Job, text: string): Step => {
  const step = job.steps.find((s) => s.run?.includes(text));
  if (!step) throw new Error(`no step runs ${text}`);
  return step;
};

/** Checks that `job` runs the gate as the base commit has it, on the pull request's baseline and results as data. */
function expectBaseCommitGate(job: Job, command: RegExp): void {
  const base = job.steps.find((s) => s.with?.['path'] === 'base');
  expect(base?.with?.['ref']).toBe('${{ github.event.pull_request.base.sha || github.sha }}');
  const head = job.steps.find((s) => s.with?.['path'] === 'head');
  expect(head?.with?.['sparse-checkout']).toBe('baselines');
  expect(job.steps.find((s) => s.run === 'npm ci')?.['working-directory']).toBe('base');
  const gate = stepRunning(job, 'gate ');
  expect(gate['working-directory']).toBe('base');
  expect(gate.run).toMatch(command);
  expect(gate.run).toContain('git show HEAD:baselines/main.json > ../baseline-base.json');
  expect(gate.run).toContain(
    '--baseline ../head/baselines/main.json --previous-baseline ../baseline-base.json',
  );
  // Acceptance comes from a reviewer's label (or a manual run's input), never from the pull request's files.
  expect(gate.run).toMatch(/if \[ "\$ACCEPT_LOWERED" = true \]; then accept\+=\(--accept-lowered\); fi/);
  expect(gate.run).toMatch(
    /if \[ "\$ACCEPT_NEW" = true \]; then accept\+=\(--accept-new --floor "\$NEW_FLOOR"\); fi/,
  );
}

describe('.github/workflows/prompt-eval.yml', () => {
  const { text, workflow } = read('.github/workflows/prompt-eval.yml');
  const { eval: evaluate, gate, shards } = workflow.jobs as Record<string, Job>;

  it('counts shards in one place: the SHARDS variable builds the eval matrix and tells the gate', () => {
    expect(workflow.env['SHARDS']).toMatch(/^\d+$/);
    expect(stepRunning(shards as Job, 'seq').run).toContain('"$SHARDS"');
    expect(evaluate?.strategy?.matrix?.['shard']).toBe('${{ fromJSON(needs.shards.outputs.list) }}');
    expect(stepRunning(evaluate as Job, 'npm run eval').run).toContain(
      '--shard ${{ matrix.shard }}/$SHARDS --run-id ${{ github.run_id }}',
    );
    expect(stepRunning(gate as Job, 'gate ').run).toContain('--shards "$SHARDS"');
    expect(text.match(/SHARDS:/g)).toHaveLength(1);
  });

  it('gates only when every eval shard succeeded, and names the failure otherwise', () => {
    expect(gate?.needs).toBe('eval');
    const check = (gate as Job).steps.find((s) => s.name === 'Every eval shard succeeded');
    expect(check?.if).toBe("always() && needs.eval.result != 'success'");
    expect(check?.run).toMatch(/exit 1$/m);
    // Each shard uploads what it wrote, and fails when it wrote nothing.
    const upload = (evaluate as Job).steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });

  it('runs the gate as the base commit has it, judging by the base commit’s baseline', () => {
    expectBaseCommitGate(
      gate as Job,
      /^node bin\/promptfile\.js gate \.\.\/results\/results-shard-\*\/latest\.json/m,
    );
    expect(workflow.env['ACCEPT_LOWERED']).toContain(
      "contains(github.event.pull_request.labels.*.name, 'prompt-gate:accept-lowered-baseline')",
    );
    expect(workflow.on['pull_request']).toMatchObject({
      types: expect.arrayContaining(['labeled', 'unlabeled']),
    });
  });
});

describe('templates/prompt-eval.yml (what promptfile init writes)', () => {
  const { workflow } = read('templates/prompt-eval.yml');

  it('runs the gate as the base commit installs it, judging by the base commit’s baseline', () => {
    expectBaseCommitGate(workflow.jobs['gate'] as Job, /^npx promptfile gate \.\.\/results\/latest\.json/m);
  });
});
