/**
 * The one environment every test's promptfoo and promptfile process runs in: nothing inherited but PATH, a private
 * home and PROMPTFOO_CONFIG_DIR, no telemetry, update checks, sharing, notices or colour, and OpenAI traffic sent
 * to a loopback port nothing listens on unless a test names its own server. No real key or base URL can leak in.
 */

/** Where OpenAI calls go when a test names no server: a loopback port nothing listens on. */
export const DEAD_BASE_URL = 'http://127.0.0.1:9/v1';

/** What every test run of promptfoo gets: no telemetry, update checks, sharing, notices or colour. */
export const OFFLINE_ENV = {
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  PROMPTFOO_DISABLE_SHARING: '1',
  PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
  NO_COLOR: '1',
};

/** The environment of a process whose promptfoo state lives in `configDir`, with `extra` on top. */
export function isolatedEnv(configDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: configDir,
    PROMPTFOO_CONFIG_DIR: configDir,
    OPENAI_BASE_URL: DEAD_BASE_URL,
    ...OFFLINE_ENV,
    ...extra,
  };
}
