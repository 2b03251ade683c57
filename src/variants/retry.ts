/**
 * When a failed model call is tried again, and for how long a call may run. Pure: the loop that sleeps and calls
 * lives in src/promptfoo/delegate.ts.
 *
 * Measured on promptfoo 0.121.20 (docs/hardening.md): its OpenAI provider retries a 429 up to 4 times, waiting
 * whatever Retry-After says with no cap (`Retry-After: 86400` would stall a run for a day per retry); its
 * evaluator retries a rate-limited answer up to 3 more times on top (up to 20 requests for one row); a hung
 * server is retried 4 times at REQUEST_TIMEOUT_MS (5 minutes) each; and that timeout stops at the response
 * headers, so a server that trickles its body is never timed out. So our provider turns promptfoo's retries off
 * and applies these limits itself.
 */

/** The limits on one model call. */
export interface CallLimits {
  /** Retries after the first attempt (promptfoo's own knob name). */
  maxRetries: number;
  /** Total milliseconds a call may spend waiting between attempts; a longer Retry-After ends the call at once. */
  retryBudgetMs: number;
  /** Milliseconds one attempt may take, body included. A timed-out attempt is not retried. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: CallLimits = { maxRetries: 3, retryBudgetMs: 60_000, timeoutMs: 300_000 };

/** Provider config keys that set the limits (and env variables that set them for every variant). */
const SOURCES: Record<keyof CallLimits, { env: string[] }> = {
  maxRetries: { env: ['PROMPTFILE_MAX_RETRIES'] },
  retryBudgetMs: { env: ['PROMPTFILE_RETRY_BUDGET_MS'] },
  // REQUEST_TIMEOUT_MS is promptfoo's own setting; ours applies it to the whole answer, not just the headers.
  timeoutMs: { env: ['PROMPTFILE_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS'] },
};

/** The provider config keys this module reads. */
export const LIMIT_KEYS = Object.keys(SOURCES) as (keyof CallLimits)[];

/**
 * The limits for a provider: its config's `maxRetries`, `retryBudgetMs`, `timeoutMs`, else the environment, else the
 * defaults. Throws an Error naming the key for a value that is not a non-negative integer (timeoutMs: positive).
 */
export function limitsFrom(
  config: Record<string, unknown>,
  env: Record<string, string | undefined>,
): CallLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of LIMIT_KEYS) {
    let raw: unknown = config[key];
    let where = `config.${key}`;
    for (const name of SOURCES[key].env) {
      if (raw !== undefined) break;
      if (env[name] !== undefined && env[name] !== '') {
        raw = env[name];
        where = name;
      }
    }
    if (raw === undefined) continue;
    const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    const min = key === 'timeoutMs' ? 1 : 0;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
      throw new Error(
        `${where} must be ${min === 1 ? 'a positive' : 'a non-negative'} whole number, not ${JSON.stringify(raw)}`,
      );
    }
    limits[key] = n;
  }
  return limits;
}

/** What a failed attempt looked like. */
export interface Failure {
  /** HTTP status, when the server answered. */
  status?: number;
  /** Response headers, lower-case names. */
  headers?: Record<string, string>;
  message: string;
  /** promptfoo's verdict on a 429: a billing quota (retrying cannot help) or a per-window rate limit. */
  rateLimitKind?: string;
  /** The attempt hit `timeoutMs`. */
  timedOut?: boolean;
}

/** Retry after `delayMs`, or stop; `why` says why a transient failure was not retried (absent for a permanent one). */
export type Decision = { retry: true; delayMs: number } | { retry: false; why?: string };

/**
 * Connection-level failures worth another attempt: reset, refused, closed mid-answer. Not fetch's other causes
 * (`bad port`, DNS, certificates): those do not go away by waiting.
 */
const TRANSIENT =
  /ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|other side closed|\bterminated\b|UND_ERR_SOCKET/i;

/** Statuses that mean "try again later": rate limited, or a gateway/server that is temporarily unavailable. */
const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

/**
 * Milliseconds a response asks us to wait: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date.
 * Undefined when it says nothing usable.
 */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  const ms = headers?.['retry-after-ms']?.trim();
  if (ms && /^\d+$/.test(ms)) return Number(ms);
  const value = headers?.['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Whether to try again after `attempts` failed attempts, having already waited `waitedMs`, and how long to wait:
 * exactly what Retry-After asks (never less), else exponential backoff from 1 s with up to 20% jitter, clipped
 * to what is left of the budget.
 */
export function decide(
  failure: Failure,
  attempts: number,
  waitedMs: number,
  limits: CallLimits,
  random = Math.random,
): Decision {
  if (failure.timedOut) return { retry: false, why: 'a timed-out call is not retried' };
  const retryable =
    failure.status !== undefined && failure.status > 0
      ? RETRY_STATUSES.has(failure.status) && failure.rateLimitKind !== 'quota'
      : TRANSIENT.test(failure.message);
  if (!retryable) return { retry: false };
  if (attempts > limits.maxRetries)
    return {
      retry: false,
      why: `gave up after ${plural(attempts, 'attempt')} (maxRetries ${limits.maxRetries})`,
    };
  const left = limits.retryBudgetMs - waitedMs;
  const asked = retryAfterMs(failure.headers);
  if (asked !== undefined) {
    if (asked > left) {
      return {
        retry: false,
        why: `Retry-After asks for ${formatMs(asked)}, more than the ${formatMs(Math.max(0, left))} left of the retry budget (retryBudgetMs ${limits.retryBudgetMs}); gave up after ${plural(attempts, 'attempt')}`,
      };
    }
    return { retry: true, delayMs: asked };
  }
  if (left <= 0)
    return {
      retry: false,
      why: `the retry budget of ${limits.retryBudgetMs} ms is spent; gave up after ${plural(attempts, 'attempt')}`,
    };
  const backoff = 1000 * 2 ** (attempts - 1) * (1 + 0.2 * random());
  return { retry: true, delayMs: Math.min(Math.round(backoff), left) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
