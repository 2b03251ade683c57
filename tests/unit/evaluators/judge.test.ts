/**
 * Model-graded evaluators: the grader's messages, and how its answer becomes a score. The grader call itself
 * is the adapter's; everything here is pure.
 */
import {
  BUILTIN_JUDGES,
  builtinJudge,
  builtinJudgeNeeds,
  judgeMessages,
  scoreJudgeAnswer,
  type LlmJudge,
} from '../../../src/evaluators/judge';

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

describe('the answer must name one of the choices', () => {
  const custom: LlmJudge = {
    prompt: 'Is it concise? {{completion}}',
    choices: [
      { choice: 'yes', score: 1 },
      { choice: 'partly', score: 0.5 },
      { choice: 'no', score: 0 },
    ],
  };

  it('accepts surrounding whitespace, quotes, emphasis and a final full stop', () => {
    expect(scoreJudgeAnswer(custom, '  "partly".\n')).toMatchObject({
      choice: 'partly',
      score: 0.5,
      pass: true,
    });
    expect(scoreJudgeAnswer(custom, '**Yes**')).toMatchObject({ choice: 'yes' });
  });

  it('ignores case, as gh models does', () => {
    expect(scoreJudgeAnswer(custom, 'Yes')).toMatchObject({ choice: 'yes', pass: true });
    expect(scoreJudgeAnswer(fivePoint, 'Score: 4')).toMatchObject({ choice: '4' });
  });

  it('takes the first choice the answer contains, as gh models does: "yes - it is nice" is yes', () => {
    expect(scoreJudgeAnswer(custom, 'yes - it is nice')).toMatchObject({
      choice: 'yes',
      score: 1,
      pass: true,
    });
    expect(scoreJudgeAnswer(custom, 'I would say partly, given the length.')).toMatchObject({
      choice: 'partly',
    });
  });

  it('quotes the answer in the reason when it was more than the choice', () => {
    expect(scoreJudgeAnswer(custom, 'yes - it is nice').reason).toBe(
      'grader chose "yes" from "yes - it is nice" (score 1; passes above 0)',
    );
    expect(scoreJudgeAnswer(custom, 'yes').reason).toBe('grader chose "yes" (score 1; passes above 0)');
  });

  it('differs on purpose: of several choices, the one the answer names first (gh: the first in the file)', () => {
    // gh models would score "yes" here: 'yes' comes first in the file and appears somewhere in the answer.
    expect(scoreJudgeAnswer(custom, 'No. It says yes to everything.')).toMatchObject({
      choice: 'no',
      pass: false,
    });
  });

  it('differs on purpose: a choice is a whole word, never part of another (gh finds "correct" in "incorrect")', () => {
    const correctness: LlmJudge = {
      prompt: '',
      choices: [
        { choice: 'correct', score: 1 },
        { choice: 'incorrect', score: 0 },
      ],
    };
    expect(scoreJudgeAnswer(correctness, 'The answer is incorrect.')).toMatchObject({
      choice: 'incorrect',
      pass: false,
    });
    expect(scoreJudgeAnswer(custom, 'nothing to add').pass).toBe(false);
  });

  it('fails an answer that names no choice, quoting it on one line', () => {
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
        { choice: 'A', score: 0.5 },
        { choice: 'A+', score: 1 },
      ],
    };
    expect(scoreJudgeAnswer(odd, 'A+')).toMatchObject({ choice: 'A+', score: 1 });
    expect(scoreJudgeAnswer(odd, 'Grade: A+ overall')).toMatchObject({ choice: 'A+', score: 1 });
    expect(scoreJudgeAnswer(odd, 'AA')).toMatchObject({ pass: false });
  });
});

describe('a 1-5 rating is read the way graders write it', () => {
  it.each([
    ['4', '4'],
    ['**4**', '4'],
    ['Rating: 4/5', '4'],
    ['4/5', '4'],
    ['4 out of 5', '4'],
    ['Score: 4', '4'],
    ['stars: 2', '2'],
    ['I rate it 3 on a 1-5 scale.', '3'],
    ['On a scale of 1 to 5, I give it 4.', '4'],
    ['Rating (1–5): 5', '5'],
    ["Let's think step by step: the answer covers 2 of the points.\nScore: 4", '4'],
    ['between 3 and 4', '3'],
    ['4-5', '4'],
  ])('%j reads %s', (answer, choice) => {
    expect(scoreJudgeAnswer(fivePoint, answer)).toMatchObject({ choice });
  });

  it.each(['4.5', '10', 'excellent', '0/5', ''])('%j names no rating, so it fails and says why', (answer) => {
    expect(scoreJudgeAnswer(fivePoint, answer)).toMatchObject({ pass: false, score: 0 });
    expect(scoreJudgeAnswer(fivePoint, answer).reason).toMatch(/^grader answered ".*", not one of "1", "2"/);
  });

  it("reads a prompt file's own numeric choices the same way", () => {
    const judge: LlmJudge = {
      prompt: '',
      choices: ['1', '2', '3', '4', '5'].map((choice, i) => ({ choice, score: i / 4 })),
    };
    expect(scoreJudgeAnswer(judge, 'Rating: 4/5')).toMatchObject({ choice: '4', score: 0.75, pass: true });
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
