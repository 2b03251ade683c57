/**
 * The `promptfile` command. User errors print as one line each and exit 2; anything else is our bug and
 * prints its stack.
 */
import { formatDiagnostic, isUserError, type UserError } from '../errors/diagnostics';
import { visible } from '../format/visible';
import { check } from './check';
import { evaluate } from './eval';
import { consoleOutput, type Output } from './output';
import { baselineCommand, compareCommand, gateCommand, reportCommand } from './results';
import { initCommand } from './init';
import { planCommand } from './plan';
import { view } from './view';

const HELP = `Usage: promptfile <command> [options]

Commands:
  init                      set up this repository: promptfooconfig.yaml, an example, workflow, npm scripts
  check [paths...]          validate prompt files (exit 0 valid, 2 invalid)
  eval [options]            run promptfooconfig.yaml: offline by default, live variants with API keys
  compare <results.json>    pass rates with intervals and exact tests between variants
  baseline <results.json>   write a baseline for the gate (-o baselines/NAME.json)
  gate <results.json>       fail on a significant regression against a baseline (--baseline FILE)
  plan                      repeats the gate needs to see a drop (--baseline FILE, or --rows N --rate R)
  report <results.json>     write the static HTML comparison report
  view                      promptfoo's web report of the latest eval, on 127.0.0.1 only

Run 'promptfile <command> --help' for a command's options.`;

type Command = (argv: string[], out: Output) => number | Promise<number>;

const COMMANDS: Record<string, () => Command> = {
  init: () => initCommand,
  check: () => check,
  eval: () => evaluate,
  view: () => view,
  compare: () => compareCommand,
  baseline: () => baselineCommand,
  gate: () => gateCommand,
  plan: () => planCommand,
  report: () => reportCommand,
};

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function main(argv: string[], out: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.log(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.error(`promptfile: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  try {
    return await command()(rest, out);
  } catch (error) {
    if (isUserError(error)) {
      out.error(userErrorText(error));
      return 2;
    }
    out.error(`promptfile ${name}: internal error (a bug; please report it):`);
    out.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}

/**
 * A user error as printed: one line per diagnostic, each kept on its line (a key or value quoted from a prompt file
 * may hold a line break, which must not start a line of its own in a CI log).
 */
function userErrorText(error: UserError): string {
  const errors = error.diagnostics.filter((d) => d.severity === 'error');
  return errors.length > 0 ? errors.map((d) => visible(formatDiagnostic(d))).join('\n') : error.message;
}
