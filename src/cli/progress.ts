/**
 * The progress of `promptfile eval` on stderr: calls done of the total, errors so far, time elapsed and an
 * estimate of the time left. On a terminal it is one line redrawn in place (each finished call and every second);
 * elsewhere (CI logs, pipes) a plain line each time another tenth of the calls is done, so a long run shows it is
 * alive and a log gets at most eleven lines. promptfoo's own CI progress lines are dropped in its favour.
 */
import type { CallOutcome } from '../promptfoo/events';
import type { Output } from './output';

/** Colour codes, for reading promptfoo's lines as text. */
const SGR = /\u001b\[[0-9;]*m/g;

/** What promptfoo says before its first call: `Running 60 test cases (up to 4 at a time)...` (and `… serially...`). */
const RUNNING = /^Running (\d+) test cases (?:\(up to \d+ at a time\)|serially)/;

/** promptfoo's progress lines in CI (`[Evaluation] …`, its `::notice::` summary): ours replace them. */
export function isPromptfooProgress(line: string): boolean {
  return /^\s*(\[Evaluation\]|::notice::Evaluation completed)/.test(line.replace(SGR, ''));
}

export class Progress {
  private total = 0;
  private done = 0;
  private errors = 0;
  /** When the calls began (promptfoo's "Running N test cases"), for the rate; elapsed counts from `started`. */
  private callsFrom: number | undefined;
  private readonly started: number;
  private lastTenth = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: Output,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Reads a line promptfoo printed on stdout: the total number of calls is announced there. */
  promptfooLine(line: string): void {
    const m = RUNNING.exec(line.replace(SGR, '').trim());
    if (!m) return;
    this.total += Number(m[1]);
    this.callsFrom ??= this.now();
    if (this.out.terminal && !this.timer) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref();
    }
    this.draw();
  }

  /** One call finished. */
  call(outcome: CallOutcome): void {
    this.done++;
    if (outcome === 'error') this.errors++;
    this.callsFrom ??= this.now();
    if (this.out.terminal) return this.draw();
    // Without a total (a promptfoo that announces none), a line every ten calls.
    const tenth = this.total > 0 ? Math.floor((this.done * 10) / this.total) : Math.floor(this.done / 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.out.error(this.line());
    }
  }

  /** The run is over: the live line goes away (the summary follows). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.out.status('');
  }

  /** `promptfile: 12/60 calls done, 1 error, 0:42 elapsed, about 2:48 left`. */
  line(): string {
    const now = this.now();
    const parts = [
      this.total > 0 ? `${this.done}/${this.total} calls done` : `${this.done} calls done`,
      `${this.errors} error${this.errors === 1 ? '' : 's'}`,
      `${clock(now - this.started)} elapsed`,
    ];
    if (this.total > 0 && this.done > 0 && this.done < this.total && this.callsFrom !== undefined) {
      const perCall = (now - this.callsFrom) / this.done;
      parts.push(`about ${clock(perCall * (this.total - this.done))} left`);
    }
    return `promptfile: ${parts.join(', ')}`;
  }

  private draw(): void {
    if (this.out.terminal) this.out.status(this.line());
  }
}

/** `m:ss`, or `h:mm:ss` from an hour. */
export function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
