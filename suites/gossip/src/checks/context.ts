/**
 * A reply's claims with their surroundings, for the checks: claims bucketed by kind and scope (sentence, stage,
 * line, paragraph, reply), per-scope figures computed once and remembered, the modes each scope names. Checking
 * n claims costs O(n) however many share a sentence.
 */
import { modesIn, type Claim, type ClaimKind, type ReplyClaims } from '../claims/claims';
import type { Scenario } from '../claims/scenario';
import type { Sentence } from '../claims/segments';
import type { SpreadMode } from '../simulation';

/** Where to look around a claim, nearest first. A claim outside every stage has no stage scope. */
export type Scope = 'sentence' | 'stage' | 'line' | 'block' | 'reply';
export const SCOPES: Scope[] = ['sentence', 'stage', 'line', 'block', 'reply'];

/** Populations smaller than this are view sizes or helper counts, not a gossip population. */
export const MIN_POPULATION = 16;

/**
 * Claims with their surroundings: lookups by scope and the reply's modes. Claims are bucketed by kind and scope
 * once, and every per-scope figure (largest fanout, smallest population, modes named) is computed once per
 * bucket and remembered, so checking n claims costs O(n) however many share a sentence.
 */
export class ReplyContext {
  readonly claims: Claim[];
  /**
   * kind → scope (SCOPES order) → id of the sentence, stage, line or block → claims. Dense arrays, not maps: a
   * hostile reply has tens of thousands of ids.
   */
  private readonly buckets = new Map<ClaimKind, Claim[][][]>();
  /** figure name → scope → id → value (NONE for a figure computed as undefined). */
  private readonly memo = new Map<string, unknown[][]>();
  /** The id of the stage scope of a claim outside every stage (one past the last stage). */
  private readonly noStage: number;
  private populationList: number[] | undefined;
  private readonly bySentence: Claim[][] = [];
  /** For each sentence, the index of the heading sentence it sits under (-1 before the first heading). */
  private readonly sections: number[] = [];

  constructor(
    readonly extracted: ReplyClaims,
    readonly scenario: Scenario,
  ) {
    this.claims = extracted.claims;
    this.noStage = extracted.stages.stages.length;
    let section = -1;
    for (const sentence of extracted.sentences) {
      if (/^\s*#{1,6}\s/.test(sentence.text)) section = sentence.index;
      this.sections.push(section);
    }
    for (const claim of this.claims) {
      const list = this.bySentence[claim.sentence];
      if (list) list.push(claim);
      else this.bySentence[claim.sentence] = [claim];
      let byScope = this.buckets.get(claim.kind);
      if (!byScope) this.buckets.set(claim.kind, (byScope = SCOPES.map(() => [])));
      for (let scope = 0; scope < SCOPES.length; scope++) {
        const id = this.idOf(scope, claim);
        const ids = byScope[scope]!;
        const bucket = ids[id];
        if (bucket) bucket.push(claim);
        else ids[id] = [claim];
      }
    }
  }

  of(kind: ClaimKind): Claim[] {
    return this.buckets.get(kind)?.[REPLY]?.[0] ?? [];
  }

  /** Claims of `kind` in the same sentence, line, block or reply as `at`. */
  inScope(kind: ClaimKind, scope: Scope, at: Claim): Claim[] {
    // Outside every stage there is no stage: claims outside stages are not one tier's figures.
    if (scope === 'stage' && at.stage === undefined) return [];
    const index = SCOPE_INDEX[scope];
    return this.buckets.get(kind)?.[index]?.[this.idOf(index, at)] ?? [];
  }

  /** Every claim of sentence `index`, in reading order. */
  claimsInSentence(index: number): Claim[] {
    return this.bySentence[index] ?? [];
  }

  /** The heading a sentence sits under, as that heading's sentence index; -1 before the first heading. */
  sectionOf(index: number): number {
    return this.sections[index] ?? -1;
  }

  /** The first claim of `kind` in sentence `index`. */
  firstInSentence(kind: ClaimKind, index: number): Claim | undefined {
    return this.buckets.get(kind)?.[SENTENCE]?.[index]?.[0];
  }

  /** `compute()` once per (name, scope of `at`), remembered. */
  private remember<T>(name: string, scope: Scope, at: Claim, compute: () => T): T {
    let byScope = this.memo.get(name);
    if (!byScope) this.memo.set(name, (byScope = SCOPES.map(() => [])));
    const index = SCOPE_INDEX[scope];
    const ids = byScope[index]!;
    const id = this.idOf(index, at);
    let value = ids[id];
    if (value === undefined) {
      const computed = compute();
      ids[id] = value = computed === undefined ? NONE : computed;
    }
    return (value === NONE ? undefined : value) as T;
  }

  /**
   * A figure over the claims of the given kinds at the nearest scope around `at` that has any (after `keep`),
   * searching up to `widest`; undefined when none. `name` identifies (kinds, keep, fold) for the memo.
   */
  nearest<T>(
    name: string,
    kinds: ClaimKind[],
    at: Claim,
    fold: (claims: Claim[]) => T,
    keep: (c: Claim) => boolean = () => true,
    widest: Scope = 'reply',
  ): T | undefined {
    for (const scope of SCOPES) {
      const value = this.remember(name, scope, at, () => {
        const found = kinds.flatMap((k) => this.inScope(k, scope, at)).filter(keep);
        return found.length > 0 ? fold(found) : undefined;
      });
      if (value !== undefined) return value;
      if (scope === widest) break;
    }
    return undefined;
  }

  /** A figure over the claims in `at`'s own `scope` (not widened), remembered per scope. */
  within<T>(name: string, scope: Scope, at: Claim, compute: () => T): T {
    return this.remember(name, scope, at, compute);
  }

  /** The fastest mode named nearest to `at`; push when the reply names none. */
  modeAt(at: Claim): SpreadMode {
    const texts: [Scope, () => string][] = [
      ['sentence', () => at.snippet],
      ['stage', () => (at.stage === undefined ? '' : (this.extracted.stages.stages[at.stage]?.text ?? ''))],
      ['line', () => this.textAround(at.sentence, (x) => x.line === at.line)],
      ['block', () => this.textAround(at.sentence, (x) => x.block === at.block)],
      ['reply', () => this.extracted.text],
    ];
    for (const [scope, text] of texts) {
      const modes = this.remember('modes', scope, at, () => modesIn(text()));
      if (modes.size > 0) return fastest(modes);
    }
    return 'push';
  }

  /**
   * The sentences next to sentence `index` that share its line or block, joined: sentences are in reading order, so
   * they are the run around it. Called once per line or block (modes are remembered per scope).
   */
  private textAround(index: number, same: (s: Sentence) => boolean): string {
    const sentences = this.extracted.sentences;
    let from = index;
    while (from > 0 && same(sentences[from - 1]!)) from--;
    let to = index;
    while (to + 1 < sentences.length && same(sentences[to + 1]!)) to++;
    let text = '';
    for (let i = from; i <= to; i++) text += ` ${sentences[i]!.text}`;
    return text;
  }

  /** The id of `at`'s sentence, stage, line or block (scope by its index in SCOPES); 0 for the reply. */
  private idOf(scope: number, at: Claim): number {
    if (scope === SENTENCE) return at.sentence;
    if (scope === STAGE) return at.stage ?? this.noStage;
    if (scope === LINE) return at.line;
    if (scope === BLOCK) return at.block;
    return 0;
  }

  /** The reply's fastest mode overall. */
  replyMode(): SpreadMode {
    const modes = this.extracted.modes;
    return modes.size > 0 ? fastest(modes) : 'push';
  }

  /** Gossip populations (nodes or groups) the reply or the row mentions, smallest first. */
  populations(): number[] {
    if (this.populationList === undefined) {
      const found = [...this.of('nodes'), ...this.of('groups')]
        .filter((c) => c.quantity.value >= MIN_POPULATION)
        .map((c) => c.quantity.value);
      const { nodes, groups } = this.scenario;
      if (nodes) found.push(nodes);
      if (groups && groups >= MIN_POPULATION) found.push(groups);
      if (nodes && groups) found.push(Math.round(nodes / groups));
      this.populationList = [...new Set(found)].sort((a, b) => a - b);
    }
    return this.populationList;
  }

  /** The whole network's size: the row's N, else the largest node count the reply states. */
  networkSize(): number | undefined {
    if (this.scenario.nodes) return this.scenario.nodes;
    const nodes = this.of('nodes').map((c) => c.quantity.value);
    return nodes.length > 0 ? nodes.reduce((a, b) => Math.max(a, b)) : undefined;
  }
}

const [SENTENCE, STAGE, LINE, BLOCK, REPLY] = [0, 1, 2, 3, 4] as const;
const SCOPE_INDEX: Record<Scope, number> = {
  sentence: SENTENCE,
  stage: STAGE,
  line: LINE,
  block: BLOCK,
  reply: REPLY,
};
/** A figure computed as undefined, told apart from one not computed yet. */
const NONE = Symbol('none');

/** Smallest of many numbers without spreading them onto the stack (Math.min(...xs) overflows on huge lists). */
export function minOf(values: number[]): number {
  return values.reduce((a, b) => Math.min(a, b), Infinity);
}

export function maxOf(values: number[]): number {
  return values.reduce((a, b) => Math.max(a, b), -Infinity);
}

export function fastest(modes: Set<SpreadMode>): SpreadMode {
  if (modes.has('push-pull')) return 'push-pull';
  if (modes.has('pull')) return 'pull';
  return 'push';
}

/** The reply's sentences grouped by paragraph (block), in order; `keep` filters sentences by index. */
export function paragraphs(c: ReplyContext, keep: (index: number) => boolean = () => true): string[][] {
  const blocks = new Map<number, string[]>();
  for (const s of c.extracted.sentences) {
    if (!keep(s.index)) continue;
    const list = blocks.get(s.block);
    if (list) list.push(s.text);
    else blocks.set(s.block, [s.text]);
  }
  return [...blocks.values()];
}
