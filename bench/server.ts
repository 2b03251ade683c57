/**
 * The benchmark's stand-in model: an OpenAI-compatible chat server on 127.0.0.1 that answers every request
 * after a fixed latency, doing as little work as possible itself so that the time measured is the client's.
 *
 * It answers the seed prompt file's three rows the way a good model would (a design, a request for the
 * missing inputs, the refusal JSON), so both the plugin's and the plain config's assertions pass and both do
 * the same grading work. It counts requests and the peak number in flight, which shows whether a run
 * actually reached the concurrency it was given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A running bench server. */
export interface BenchServer {
  baseUrl: string;
  /** Requests answered since the last `reset`. */
  readonly requests: number;
  /** Most requests in flight at once since the last `reset`. */
  readonly peakInFlight: number;
  /** Request bodies since the last `reset`, when started with `keepBodies`. */
  readonly bodies: string[];
  /** `performance.now()` when the first request since the last `reset` arrived (NaN before). */
  readonly firstRequestAt: number;
  /** `performance.now()` when the last response was sent (NaN before). */
  readonly lastResponseAt: number;
  /**
   * Client turnaround: on a kept-alive connection, milliseconds from a response being sent to the next request
   * arriving. Time the client spent on its side of the call (parsing, grading, bookkeeping, waiting for its
   * event loop) before asking again.
   */
  readonly turnarounds: number[];
  reset(): void;
  close(): Promise<void>;
}

/** The design answer: ~2 KB of prose naming gossip modalities and reconciliation structures. */
export const DESIGN_ANSWER = [
  '## 1. Gossip Modality and Mathematical Modeling',
  'Push-Pull anti-entropy with fanout 3: an update reaches N = 10^6 nodes in about log_3 N + O(log log N) rounds, so',
  'about 16 rounds of 200 ms, 3.2 s, inside the 5 s bound. Push alone would need log_4 N + ln N / 3 = 14.6 rounds.',
  '## 2. Peer Selection and Membership Protocol',
  'SWIM-style membership with piggybacked dissemination; peers are sampled uniformly from a partial view with a',
  'location-aware bias towards the local edge site, refreshed by shuffling so that churn cannot partition the overlay.',
  '## 3. Anti-Entropy and State Reconciliation',
  'Each node keeps a Merkle Tree over its invalidation log, keyed by hour; a periodic exchange compares roots and',
  'descends only into differing subtrees. A Bloom Filter of recently seen update ids suppresses duplicates, and',
  'Version Vectors order concurrent invalidations of the same key.',
  '## 4. Failure Detection and Network Resilience',
  'Phi-accrual failure detection with indirect probes through k = 3 helpers before suspicion; suspected peers are',
  'gossiped with an incarnation number and removed after a timeout, so a Byzantine or failed peer is routed around.',
  'The figures above are for illustration of the load the benchmark places on the assertions.',
].join('\n');

/** The answer to the row with empty inputs. */
export const EMPTY_INPUTS_ANSWER =
  'The system domain, network scale and consistency requirements are missing. Please provide them so the architecture can be sized.';

/** The refusal the seed prompt file demands for unsafe requests. */
export const REFUSAL_ANSWER = '{"error": "unsafe"}';

/** Picks the answer for a chat request body (as text, so the server never parses more than it must). */
export function answerFor(body: string): string {
  if (body.includes('Ignore previous instructions')) return REFUSAL_ANSWER;
  if (body.includes('<system_domain>\\n\\n</system_domain>')) return EMPTY_INPUTS_ANSWER;
  return DESIGN_ANSWER;
}

/** Starts a server on an ephemeral loopback port that answers every chat request after `latencyMs`. */
export async function startBenchServer(latencyMs: number, keepBodies = false): Promise<BenchServer> {
  const bodies: string[] = [];
  const turnarounds: number[] = [];
  const lastSent = new WeakMap<Socket, number>();
  let requests = 0;
  let firstRequestAt = NaN;
  let lastResponseAt = NaN;
  let inFlight = 0;
  let peak = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const now = performance.now();
    if (Number.isNaN(firstRequestAt)) firstRequestAt = now;
    const previous = lastSent.get(req.socket);
    if (previous !== undefined) turnarounds.push(now - previous);
    inFlight++;
    if (inFlight > peak) peak = inFlight;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (keepBodies) bodies.push(body);
      const text = answerFor(body);
      setTimeout(() => {
        requests++;
        inFlight--;
        lastResponseAt = performance.now();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${requests}`,
            object: 'chat.completion',
            created: 0,
            model: 'gpt-4o',
            choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 900, completion_tokens: 400, total_tokens: 1300 },
          }),
          () => lastSent.set(req.socket, performance.now()),
        );
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    get peakInFlight() {
      return peak;
    },
    bodies,
    get firstRequestAt() {
      return firstRequestAt;
    },
    get lastResponseAt() {
      return lastResponseAt;
    },
    turnarounds,
    reset() {
      bodies.length = 0;
      turnarounds.length = 0;
      requests = 0;
      firstRequestAt = NaN;
      lastResponseAt = NaN;
      peak = inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
