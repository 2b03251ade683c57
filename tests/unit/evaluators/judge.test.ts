/**
 * Model-graded evaluators: the grader's messages, and how its answer becomes a score. The grader call itself
 * is the adapter's; everything here is pure.
 */
import {
  builtinJudge,
  builtinJudgeNeeds,
  judgeMessages,
  scoreJudgeAnswer,
} from '../../../src/evaluators/judge';
import type { LlmJudge } from '../../../src/promptfile/model';
import { BUILTIN_JUDGES } from '../../../src/promptfile/model';

const fivePoint = builtinJudge('github/similarity');

describe('built-in judges answer 1..5, scored 0, .25, .5, .75 and 1', () => {
  it.each([
    ['1', 0, false],
    ['2', 0.25, true],
    ['3', 0.5, true],
    ['4', 0.75, true],
    ['5', 1, true],
  ])('answer %s scores %f and passes only above 0 (%s)', (answer, score, pass) => {
    expect(scoreJudgeAnswer(fivePoint, answer)).toMatchObject({ score, pass, choice: answer });
  });

  it('gives every built-in judge the same five choices', () => {
    for (const uses of BUILTIN_JUDGES) expect(builtinJudge(uses).choices).toEqual(fivePoint.choices);
  });

  it('says which row variables a built-in judge reads: similarity needs expected', () => {
    expect(builtinJudgeNeeds('github/similarity')).toEqual(['expected']);
    expect(builtinJudgeNeeds('github/fluency')).toEqual([]);
  });
});

describe('a threshold makes a pass stricter', () => {
  it('passes at the threshold or above, fails below it', () => {
    expect(scoreJudgeAnswer(fivePoint, '3', 0.75)).toMatchObject({ pass: false, score: 0.5 });
    expect(scoreJudgeAnswer(fivePoint, '4', 0.75)).toMatchObject({ pass: true, score: 0.75 });
  });

  it('names the rule in the reason', () => {
    expect(scoreJudgeAnswer(fivePoint, '4', 0.75).reason).toBe(
      'grader chose "4" (score 0.75; passes at 0.75 or more)',
    );
    expect(scoreJudgeAnswer(fivePoint, '4').reason).toBe('grader chose "4" (score 0.75; passes above 0)');
  });
});

describe('the answer must be one of the choices', () => {
  const custom: LlmJudge = {
    prompt: 'Is it concise? {{completion}}',
    choices: [
      { choice: 'yes', score: 1 },
      { choice: 'partly', score: 0.5 },
      { choice: 'no', score: 0 },
    ],
  };

  it('accepts surrounding whitespace, quotes and a final full stop', () => {
    expect(scoreJudgeAnswer(custom, '  "partly".\n')).toMatchObject({
      choice: 'partly',
      score: 0.5,
      pass: true,
    });
  });

  it('ignores case, as gh models does', () => {
    expect(scoreJudgeAnswer(custom, 'Yes')).toMatchObject({ choice: 'yes', pass: true });
    expect(scoreJudgeAnswer(fivePoint, 'Score: 4')).toMatchObject({ choice: '4' });
  });

  it('accepts a sentence in which exactly one choice appears as a whole word', () => {
    expect(scoreJudgeAnswer(custom, 'I would say partly, given the length.')).toMatchObject({
      choice: 'partly',
    });
  });

  it('does not find a choice inside another word', () => {
    expect(scoreJudgeAnswer(custom, 'nothing to add').pass).toBe(false);
  });

  it('fails an answer that names two choices, rather than guessing', () => {
    expect(scoreJudgeAnswer(fivePoint, 'between 3 and 4')).toEqual({
      pass: false,
      score: 0,
      reason: 'grader answered "between 3 and 4", not one of "1", "2", "3", "4", "5"',
    });
  });

  it('fails an answer that is not a choice, quoting it on one line', () => {
    expect(scoreJudgeAnswer(custom, 'maybe\nhard to tell')).toEqual({
      pass: false,
      score: 0,
      reason: 'grader answered "maybe hard to tell", not one of "yes", "partly", "no"',
    });
  });

  it('treats regex characters in a choice literally', () => {
    const odd: LlmJudge = {
      prompt: '',
      choices: [
        { choice: 'A+', score: 1 },
        { choice: 'A', score: 0.5 },
      ],
    };
    expect(scoreJudgeAnswer(odd, 'A+')).toMatchObject({ choice: 'A+', score: 1 });
    expect(scoreJudgeAnswer(odd, 'AA')).toMatchObject({ pass: false });
  });
});

describe("the grader's messages", () => {
  it('template the judge prompt with the row, the output as {{completion}} and the input', () => {
    const judge: LlmJudge = {
      systemPrompt: 'Judge {{topic}}.',
      prompt: 'Q: {{input}}\nA: {{completion}}\nWant: {{expected}}',
      choices: [{ choice: 'ok', score: 1 }],
    };
    expect(judgeMessages(judge, 'the answer', { topic: 'gossip', expected: 'x' }, 'the question')).toEqual([
      { role: 'system', content: 'Judge gossip.' },
      { role: 'user', content: 'Q: the question\nA: the answer\nWant: x' },
    ]);
  });

  it('prefer a row variable named input over the rendered user message', () => {
    const judge: LlmJudge = { prompt: '{{input}}', choices: [{ choice: 'ok', score: 1 }] };
    expect(judgeMessages(judge, 'out', { input: 'row input' }, 'rendered')[0]?.content).toBe('row input');
  });

  it('never template the output or row values again: {{...}} in them reaches the grader as written', () => {
    const judge: LlmJudge = {
      prompt: '{{completion}} | {{expected}}',
      choices: [{ choice: 'ok', score: 1 }],
    };
    expect(judgeMessages(judge, 'says {{expected}}', { expected: '{% if %}' }, '')[0]?.content).toBe(
      'says {{expected}} | {% if %}',
    );
  });

  it('put the expected answer and the output into the similarity prompt', () => {
    const [system, user] = judgeMessages(
      fivePoint,
      'A fox jumped.',
      { expected: 'Summary - a fox jumped.' },
      '',
    );
    expect(system?.role).toBe('system');
    expect(user?.content).toContain('EXPECTED:\nSummary - a fox jumped.\n');
    expect(user?.content).toContain('RESPONSE:\nA fox jumped.\n');
  });
});
