/** The machine and software a benchmark ran on, and how busy the machine was while it ran. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { REPO, promptfooVersion } from './promptfoo';

export interface Machine {
  cpu: string;
  cores: number;
  mhz: number;
  memoryGiB: number;
  /** Last-level cache as Linux reports it, e.g. `32 MiB L3`; undefined elsewhere. */
  l3?: string;
  os: string;
  node: string;
  promptfoo: string;
  commit: string;
  /** 1-minute load average when the run started. */
  loadAtStart: number;
}

function osName(): string {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1];
    if (pretty) return `${pretty}, kernel ${os.release()}`;
  } catch {
    // not Linux, or no os-release: fall through
  }
  return `${os.type()} ${os.release()}`;
}

function lastLevelCache(): string | undefined {
  try {
    const size = fs.readFileSync('/sys/devices/system/cpu/cpu0/cache/index3/size', 'utf8').trim();
    const kib = /^(\d+)K$/.exec(size);
    return kib ? `${Number(kib[1]) / 1024} MiB L3` : `${size} L3`;
  } catch {
    return undefined;
  }
}

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'src', 'providers', 'prompts', 'assertions'],
      { cwd: REPO, encoding: 'utf8' },
    ).trim();
    return dirty ? `${hash} (with uncommitted changes in src/providers/prompts/assertions)` : hash;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine now. */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  const l3 = lastLevelCache();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    mhz: cpus[0]?.speed ?? 0,
    memoryGiB: os.totalmem() / 2 ** 30,
    ...(l3 !== undefined && { l3 }),
    os: osName(),
    node: process.version,
    promptfoo: promptfooVersion(),
    commit: commit(),
    loadAtStart: os.loadavg()[0] ?? 0,
  };
}

/** The 1-minute load average now. */
export function loadNow(): number {
  return os.loadavg()[0] ?? 0;
}
