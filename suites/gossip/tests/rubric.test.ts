import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rubric } from '../assertions';
import { readGraderEndpoint } from '../src/checks/grader';
import { parseRubricChoice, rubricMessages, rubricVerdict } from '../src/checks/rubric';
import { rowContext } from '../../../tests/unit/support/rowContext';

describe('the rubric text and the grader’s choice', () => {
  it('asks about churn, partitions and Byzantine peers, with the row and the reply inside', () => {
    const [system, user] = rubricMessages('THE DESIGN', {
      system_domain: 'CDN',
      network_scale: '10^6 nodes',
    });
    expect(system!.content).toMatch(/Churn/);
    expect(system!.content).toMatch(/Partitions/);
    expect(system!.content).toMatch(/Byzantine/);
    expect(system!.content).toMatch(/single digit/);
    expect(user!.content).toContain('<network_scale>\n10^6 nodes\n</network_scale>');
    expect(user!.content).toContain('<design>\nTHE DESIGN\n</design>');
  });

  it.each([
    ['1', 0],
    ['2', 0.25],
    ['3', 0.5],
    ['4\nAll three are covered.', 0.75],
    ['**5** – deep on all three', 1],
    ['Choice: 4', 0.75],
    ['{"choice": 2}', 0.25],
  ])('reads %j as score %f', (answer, score) => {
    expect(parseRubricChoice(answer)!.score).toBe(score);
  });

  it('finds no choice in "0", "6", "3.5" or prose', () => {
    for (const answer of ['0', '6', '3.5', 'It is good.']) expect(parseRubricChoice(answer)).toBeUndefined();
  });

  it('passes at the threshold (default 0.75) and fails below it or without a choice', () => {
    expect(rubricVerdict('4').pass).toBe(true);
    expect(rubricVerdict('3').pass).toBe(false);
    expect(rubricVerdict('3', 0.5).pass).toBe(true);
    expect(rubricVerdict('no idea')).toMatchObject({ pass: false, score: 0 });
  });

  it('validates the grader config', () => {
    expect(readGraderEndpoint(undefined)).toBe('no grader configured');
    expect(readGraderEndpoint({ apiBaseUrl: 'ftp://x', model: 'm' })).toMatch(/apiBaseUrl/);
    expect(readGraderEndpoint({ apiBaseUrl: 'http://127.0.0.1:1/v1/', model: 'm' })).toEqual({
      apiBaseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
    });
  });
});

describe('the rubric assertion', () => {
  const context = (config: Record<string, unknown>) =>
    rowContext(
      { system_domain: 'CDN', network_scale: '1,000,000 nodes', consistency_requirements: '5 s' },
      config,
    );

  it('never passes without a grader: "no grader configured"', async () => {
    await expect(rubric('design', context({}))).resolves.toEqual({
      pass: false,
      score: 0,
      reason: 'rubric: no grader configured',
    });
  });

  describe('with an OpenAI-compatible grader on 127.0.0.1', () => {
    let server: http.Server;
    let base: string;
    const requests: {
      auth?: string;
      body: { model: string; messages: { content: string }[]; temperature: number };
    }[] = [];
    let answer = '4\nGood on all three.';
    let status = 200;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          requests.push({
            auth: req.headers.authorization,
            body: JSON.parse(body) as (typeof requests)[number]['body'],
          });
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(
            status === 200
              ? JSON.stringify({ choices: [{ message: { role: 'assistant', content: answer } }] })
              : '{"error":"boom"}',
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends the rubric at temperature 0 with the key from apiKeyEnv, and passes on choice 4 (promptfoo counts 1)', async () => {
      process.env['RUBRIC_TEST_KEY'] = 'sk-test';
      const result = await rubric(
        'THE DESIGN',
        context({ grader: { apiBaseUrl: base, model: 'judge', apiKeyEnv: 'RUBRIC_TEST_KEY' } }),
      );
      expect(result).toMatchObject({ pass: true, score: 1 });
      expect(result.reason).toContain('grader chose 4/5 (score 0.75');
      const last = requests[requests.length - 1]!;
      expect(last.auth).toBe('Bearer sk-test');
      expect(last.body).toMatchObject({ model: 'judge', temperature: 0 });
      expect(last.body.messages[1]!.content).toContain('THE DESIGN');
    });

    it('fails on a low choice, on a missing key and on a server error, saying why', async () => {
      answer = '2';
      const low = await rubric('x', context({ grader: { apiBaseUrl: base, model: 'judge' } }));
      expect(low).toMatchObject({ pass: false, score: 0 });
      expect(low.reason).toContain('grader chose 2/5 (score 0.25');
      const noKey = await rubric(
        'x',
        context({ grader: { apiBaseUrl: base, model: 'judge', apiKeyEnv: 'RUBRIC_TEST_MISSING' } }),
      );
      expect(noKey.reason).toContain('RUBRIC_TEST_MISSING');
      status = 500;
      const error = await rubric('x', context({ grader: { apiBaseUrl: base, model: 'judge' } }));
      expect(error).toMatchObject({ pass: false, score: 0 });
      expect(error.reason).toContain('HTTP 500');
    });
  });
});
