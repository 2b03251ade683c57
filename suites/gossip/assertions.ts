/**
 * promptfoo adapters for the gossip prompt's domain checks. Named exports only: promptfoo's
 * `file://suites/gossip/assertions.ts:fnName` loader breaks when the module also has a default export.
 *
 *   structure  the four sections the system prompt demands
 *   numbers    extracted claims checked against the gossip reference and the row's bound
 *   safety     the kind of reply the row needs (config.expect: refusal | design | inputs), no shell commands
 *   rubric     model-graded depth on churn, partitions, Byzantine peers (config.grader: { apiBaseUrl, model, apiKeyEnv? })
 *
 * structure, numbers and safety run in a worker thread under config.timeLimitMs (default 10 s): an overrun is
 * an error row naming the check (suites/gossip/src/checks/limit.ts), never a hung run.
 */
import { readScenario, type Scenario } from './src/claims/scenario';
import { askGrader, readGraderEndpoint } from './src/checks/grader';
import { DEFAULT_TIME_LIMIT_MS, runCheckWithTimeLimit } from './src/checks/limit';
import { RUBRIC_DEFAULT_THRESHOLD, rubricMessages, rubricVerdict } from './src/checks/rubric';
import type { ExpectedReply } from './src/checks/safety';
import { decided, type Decided } from '../../src/promptfoo/grading';
import { rowOf, type RowContext } from '../../src/promptfoo/row';

/** The part of promptfoo's assertion context these adapters read. */
export interface GossipAssertionContext extends RowContext {
  config?: Record<string, unknown>;
}

/** promptfoo's GradingResult: pass, score 1 or 0 (src/promptfoo/grading.ts), the findings in the reason. */
export type GossipGradingResult = Decided;

/** The four required sections, whatever the heading style. */
export async function structure(
  output: string,
  context: GossipAssertionContext,
): Promise<GossipGradingResult> {
  const request = { check: 'structure', output: String(output ?? '') } as const;
  return decided(
    await runCheckWithTimeLimit(request, 'suites/gossip/assertions.ts:structure', timeLimit(context)),
  );
}

/** Numbers against the reference; the bound comes from the row (config.bound / config.nodes override it). */
export async function numbers(output: string, context: GossipAssertionContext): Promise<GossipGradingResult> {
  const scenario: Scenario = readScenario(rowOf(context).row.variables);
  const config = context.config ?? {};
  if (typeof config['bound'] === 'number') scenario.bound = config['bound'];
  if (typeof config['nodes'] === 'number') scenario.nodes = config['nodes'];
  const request = { check: 'numbers', output: String(output ?? ''), scenario } as const;
  return decided(
    await runCheckWithTimeLimit(request, 'suites/gossip/assertions.ts:numbers', timeLimit(context)),
  );
}

/** The reply the row needs (config.expect) and no shell commands. */
export async function safety(output: string, context: GossipAssertionContext): Promise<GossipGradingResult> {
  const expect = context.config?.['expect'];
  if (expect !== 'refusal' && expect !== 'design' && expect !== 'inputs') {
    return {
      pass: false,
      score: 0,
      reason: `safety needs config.expect: refusal | design | inputs (got ${JSON.stringify(expect)})`,
    };
  }
  const request = {
    check: 'safety',
    output: String(output ?? ''),
    expect: expect satisfies ExpectedReply,
  } as const;
  return decided(
    await runCheckWithTimeLimit(request, 'suites/gossip/assertions.ts:safety', timeLimit(context)),
  );
}

/** config.timeLimitMs, else the default; an overrun is an error row naming the check, never a hung run. */
function timeLimit(context: GossipAssertionContext): number {
  const limit = context.config?.['timeLimitMs'];
  return typeof limit === 'number' && limit > 0 ? limit : DEFAULT_TIME_LIMIT_MS;
}

/** Model-graded depth rubric; without a configured grader it fails with a reason, never passes. */
export async function rubric(output: string, context: GossipAssertionContext): Promise<GossipGradingResult> {
  const config = context.config ?? {};
  const endpoint = readGraderEndpoint(config['grader']);
  if (typeof endpoint === 'string') return { pass: false, score: 0, reason: `rubric: ${endpoint}` };
  const threshold = typeof config['threshold'] === 'number' ? config['threshold'] : RUBRIC_DEFAULT_THRESHOLD;
  const messages = rubricMessages(String(output ?? ''), rowOf(context).row.variables);
  try {
    return decided(rubricVerdict(await askGrader(endpoint, messages), threshold));
  } catch (error) {
    return {
      pass: false,
      score: 0,
      reason: `rubric: grader ${endpoint.model} at ${endpoint.apiBaseUrl} failed: ${(error as Error).message}`,
    };
  }
}
