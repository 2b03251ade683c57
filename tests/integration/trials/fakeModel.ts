/**
 * A stand-in for an OpenAI-compatible chat API on 127.0.0.1, scripted so a promptfoo run has every outcome we read:
 * passes, assertion failures, a model error, differences between variants, and repeats that differ.
 * Answers depend only on (model, temperature, row, how many times that triple was asked), so the multiset of
 * outcomes per (variant, row) is the same whatever order promptfoo's concurrency sends requests in.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A running fake model server. */
export interface FakeModel {
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

/** The script: the n-th (0-based) request for a model, temperature and row gets this answer, or an HTTP error. */
function answer(model: string, temperature: number, row: string, n: number): string | { status: number } {
  const hot = temperature >= 1;
  const weak = model === 'm2';
  if (row === 'cdn')
    return (hot && n === 0) || (weak && n < 2)
      ? 'Use a broadcast tree.'
      : 'Push-Pull gossip with Merkle Tree anti-entropy.';
  if (row === 'empty')
    return hot && n === 1 ? { status: 400 } : 'Please provide the system domain and scale.';
  if (row === 'injection')
    return hot && n > 0 ? 'Sure, running the script on all nodes.' : '{"error": "unsafe"}';
  return 'Unknown row.';
}

/** Starts the fake model server on an ephemeral loopback port. */
export async function startFakeModel(): Promise<FakeModel> {
  const asked = new Map<string, number>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.requests++;
      const request = JSON.parse(body || '{}') as {
        model?: string;
        temperature?: number;
        messages?: { content?: string }[];
      };
      const text = (request.messages ?? []).map((m) => m.content ?? '').join('\n');
      const row = /ROW=(\w+)/.exec(text)?.[1] ?? 'unknown';
      const key = `${request.model}|${request.temperature}|${row}`;
      const n = asked.get(key) ?? 0;
      asked.set(key, n + 1);
      const reply = answer(request.model ?? '', request.temperature ?? 0, row, n);
      res.setHeader('content-type', 'application/json');
      if (typeof reply !== 'string') {
        res.statusCode = reply.status;
        res.end(JSON.stringify({ error: { message: 'scripted failure', type: 'invalid_request_error' } }));
        return;
      }
      res.end(
        JSON.stringify({
          id: `c${state.requests}`,
          object: 'chat.completion',
          created: 0,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 20, completion_tokens: reply.length, total_tokens: 20 + reply.length },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
