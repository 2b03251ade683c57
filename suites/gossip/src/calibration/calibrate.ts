/**
 * Runs every check on every labelled reply and measures agreement with the labels: per domain assertion (on the
 * rows it is wired to), for the whole verdict as wired (domain checks, then also the scoped seed regexes), and
 * for the seed's raw regex evaluators applied all-on-all, as gh models does.
 */
import { readScenario } from '../claims/scenario';
import type { CheckVerdict } from '../checks/finding';
import { checkNumbers } from '../checks/numbers';
import { checkSafety } from '../checks/safety';
import { checkStructure } from '../checks/structure';
import { regexMatches } from '../../../../src/evaluators/regex';
import { agreementOf, type Agreement } from './agreement';
import type { LabelledReply } from './corpus';
import type { Seed } from './seed';
import { WIRING, type DomainAssertion } from './wiring';

/** What happened to one reply. */
export interface ReplyOutcome {
  entry: LabelledReply;
  /** Domain assertions wired to the reply's row, with their verdicts. */
  domain: Partial<Record<DomainAssertion, CheckVerdict>>;
  /** Every seed regex, matched or not (all-on-all). */
  seedMatches: Record<string, boolean>;
  /** All wired domain assertions pass. */
  domainVerdict: boolean;
  /** Wired domain assertions and the scoped seed regexes pass (what promptfooconfig.yaml runs). */
  fullVerdict: boolean;
  /** Every seed regex matches (gh models' default). */
  seedAllOnAll: boolean;
  /** The scoped seed regexes alone. */
  seedScoped: boolean;
}

export interface CalibrationRow {
  name: string;
  /** Which rows of the corpus the figure is over. */
  scope: string;
  agreement: Agreement;
}

export interface CalibrationReport {
  outcomes: ReplyOutcome[];
  rows: CalibrationRow[];
}

/** Runs the checks over the corpus. */
export function calibrate(corpus: readonly LabelledReply[], seed: Seed): CalibrationReport {
  const outcomes = corpus.map((entry) => judge(entry, seed));
  const rows: CalibrationRow[] = [];
  const over = (name: string, scope: string, picked: ReplyOutcome[], passed: (o: ReplyOutcome) => boolean) =>
    rows.push({
      name,
      scope,
      agreement: agreementOf(
        picked.map((o) => ({ passed: passed(o), labelPassed: o.entry.label === 'pass' })),
      ),
    });

  for (const assertion of ['structure', 'numbers', 'safety'] as const) {
    const picked = outcomes.filter((o) => o.domain[assertion] !== undefined);
    const scope = [...new Set(picked.map((o) => o.entry.row))].join(', ');
    over(`gossip:${assertion}`, scope, picked, (o) => o.domain[assertion]!.pass);
  }
  over('whole verdict: domain assertions as wired', 'all', outcomes, (o) => o.domainVerdict);
  over('whole verdict: domain + scoped seed regexes', 'all', outcomes, (o) => o.fullVerdict);
  over('seed regexes, scoped (no domain checks)', 'all', outcomes, (o) => o.seedScoped);
  for (const regex of seed.regexes) {
    over(`seed regex all-on-all: ${regex.name}`, 'all', outcomes, (o) => o.seedMatches[regex.name]!);
  }
  over('whole verdict: seed regexes all-on-all (gh models)', 'all', outcomes, (o) => o.seedAllOnAll);
  return { outcomes, rows };
}

function judge(entry: LabelledReply, seed: Seed): ReplyOutcome {
  const wiring = WIRING[entry.row];
  const domain: ReplyOutcome['domain'] = {};
  for (const { assertion, config } of wiring.domain) {
    if (assertion === 'structure') domain.structure = checkStructure(entry.reply);
    if (assertion === 'numbers')
      domain.numbers = checkNumbers(entry.reply, readScenario(seed.rows[entry.row]));
    if (assertion === 'safety') domain.safety = checkSafety(entry.reply, config?.expect ?? 'design');
  }
  const seedMatches = Object.fromEntries(
    seed.regexes.map((r) => [r.name, regexMatches(r.pattern, entry.reply)]),
  );
  const domainVerdict = Object.values(domain).every((v) => v.pass);
  const seedScoped =
    wiring.seed.evaluators.every((name) => seedMatches[name] === true) &&
    wiring.seed.mustNotMatch.every((name) => seedMatches[name] === false);
  return {
    entry,
    domain,
    seedMatches,
    domainVerdict,
    fullVerdict: domainVerdict && seedScoped,
    seedAllOnAll: Object.values(seedMatches).every(Boolean),
    seedScoped,
  };
}
