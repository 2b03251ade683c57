/**
 * What a row of the gossip prompt asks for: node count, number of locations, churn and the convergence bound,
 * read from its `network_scale` and `consistency_requirements` ("1,000,000 nodes distributed across 500 edge
 * locations", "Maximum convergence time of 5 seconds").
 */
import { scanQuantities } from './quantity';

export type ChurnLevel = 'low' | 'moderate' | 'high' | 'extreme';

export interface Scenario {
  /** Total nodes N, when the row states it. */
  nodes?: number;
  /** Locations, sites, regions or clusters the nodes are spread over. */
  groups?: number;
  /** Churn as the row words it. */
  churn?: ChurnLevel;
  /** Churn as a fraction of nodes per hour, when the row gives a number ("5% per hour"). */
  churnPerHour?: number;
  /** The convergence bound in seconds ("Maximum convergence time of 5 seconds" → 5). */
  bound?: number;
  /** The sentence the bound was read from. */
  boundText?: string;
}

const NODE_NOUN =
  /^\s*(?:[\w-]+\s+){0,2}?(?:nodes?|peers|members|servers|hosts|machines|devices|replicas|participants|instances)\b/i;
const GROUP_NOUN =
  /^\s*(?:[\w-]+\s+){0,2}?(?:sites?|locations?|pops?|points of presence|regions?|data ?cent(?:er|re)s?|datacenters?|clusters?|zones?)\b/i;
const BOUND_CUE =
  /converg|propagat|consisten|within|maximum|max\b|at most|no more than|bound|under|≤|<|deadline|resolution/i;

/** Reads the scenario from a row's variables (names as in the seed prompt file). */
export function readScenario(variables: Record<string, string>): Scenario {
  const scale = variables['network_scale'] ?? '';
  const requirements = variables['consistency_requirements'] ?? '';
  const scenario: Scenario = {};
  for (const q of scanQuantities(scale)) {
    if (q.dimension !== 'count') continue;
    const after = scale.slice(q.end, q.end + 50);
    if (scenario.nodes === undefined && NODE_NOUN.test(after)) scenario.nodes = Math.round(q.value);
    else if (scenario.groups === undefined && GROUP_NOUN.test(after)) scenario.groups = Math.round(q.value);
  }
  const churn = readChurn(scale);
  if (churn.level) scenario.churn = churn.level;
  if (churn.perHour !== undefined) scenario.churnPerHour = churn.perHour;
  for (const sentence of requirements.split(/(?<=[.;])\s+/)) {
    const time = scanQuantities(sentence).find((q) => q.dimension === 'time');
    if (time && BOUND_CUE.test(sentence)) {
      scenario.bound = time.qualifier === 'range' ? time.high : time.value;
      scenario.boundText = sentence.trim();
      break;
    }
  }
  return scenario;
}

function readChurn(scale: string): { level?: ChurnLevel; perHour?: number } {
  const out: { level?: ChurnLevel; perHour?: number } = {};
  const m = /(extremely high|very high|extreme|high|moderate|medium|low|minimal)\s+(?:node\s+)?churn/i.exec(
    scale,
  );
  if (m) {
    const word = m[1]!.toLowerCase();
    out.level =
      word.startsWith('extreme') || word === 'very high'
        ? 'extreme'
        : word === 'high'
          ? 'high'
          : word === 'low' || word === 'minimal'
            ? 'low'
            : 'moderate';
  }
  const rate =
    /churn[^.]*?(\d+(?:\.\d+)?)\s*%\s*(?:of\s+nodes\s+)?(?:per|\/|an?)\s*(hour|hr|h|minute|min|day)\b/i.exec(
      scale,
    );
  if (rate) {
    const perUnit = Number(rate[1]) / 100;
    const unit = rate[2]!.toLowerCase();
    out.perHour = unit.startsWith('min') ? perUnit * 60 : unit === 'day' ? perUnit / 24 : perUnit;
  }
  return out;
}
