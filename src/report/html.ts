/**
 * The static comparison report: one self-contained HTML file (inline CSS and SVG, no script, no external resource;
 * a Content-Security-Policy forbids anything else), to open locally or upload as a CI artifact.
 * Stable `data-testid`s: `verdict`, `variant-column`, `metric-cell`, `rate-chart`, `rate-bar`.
 */
import { CompareResult, Rate, VariantSummary } from '../compare/compare';
import { escapeHtml as h } from './escape';
import {
  formatCost,
  formatCount,
  formatInteger,
  formatInterval,
  formatLatency,
  formatP,
  formatRate,
} from '../format/numbers';
import { parseVariantLabel } from './variantLabel';

/** The comparison as a complete HTML document. */
export function renderReport(result: CompareResult): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Prompt variant comparison</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Prompt variant comparison</h1>
<p class="note">${result.variants.length} variant${result.variants.length === 1 ? '' : 's'}, ${result.evaluators.length} evaluator${result.evaluators.length === 1 ? '' : 's'}. Pass rate = passes / graded trials; errors are counted apart. Intervals are Wilson 95%.</p>
<section>
<h2>Verdicts</h2>
${verdicts(result)}
</section>
<section>
<h2>Pass rate by temperature</h2>
<p class="note">All evaluators pooled per variant. Trials of one call are not independent, so read these intervals as indicative; the table below is per evaluator.</p>
<div class="charts">
${charts(result.variants)}
</div>
</section>
<section>
<h2>Pass rate by evaluator</h2>
${heatMap(result)}
</section>
<section>
<h2>Usage</h2>
${usage(result.variants)}
</section>
<section>
<h2>Paired comparisons</h2>
${comparisons(result)}
</section>
</body>
</html>
`;
}

function verdicts(result: CompareResult): string {
  if (result.verdicts.length === 0) return '<p class="note">Only one variant: nothing to compare.</p>';
  const items = result.verdicts.map((v) => {
    const significant = result.comparisons.some((c) => c.a === v.a && c.b === v.b && c.winner !== undefined);
    return `<li data-testid="verdict" class="${significant ? 'significant' : ''}">${h(v.text)}</li>`;
  });
  return `<ul class="verdicts">\n${items.join('\n')}\n</ul>`;
}

/** One chart per model (series), bars at each temperature; labels that do not parse share one chart, a bar each. */
function charts(variants: VariantSummary[]): string {
  const series = new Map<string, { x: string; variant: VariantSummary; order: number }[]>();
  for (const [i, variant] of variants.entries()) {
    const parsed = parseVariantLabel(variant.variant);
    const name = parsed?.series ?? 'Variants';
    const bars = series.get(name) ?? [];
    bars.push({
      x: parsed ? `T=${parsed.temperature}` : variant.variant,
      variant,
      order: parsed?.temperature ?? i,
    });
    series.set(name, bars);
  }
  return [...series]
    .map(([name, bars]) =>
      chart(
        name,
        bars.sort((a, b) => a.order - b.order),
      ),
    )
    .join('\n');
}

const PLOT = { top: 24, height: 160, left: 44, bar: 36, gap: 28 };

function chart(title: string, bars: { x: string; variant: VariantSummary }[]): string {
  const width = PLOT.left + bars.length * (PLOT.bar + PLOT.gap) + PLOT.gap;
  const bottom = PLOT.top + PLOT.height;
  const y = (rate: number) => bottom - rate * PLOT.height;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (r) =>
        `<line class="grid" x1="${PLOT.left}" x2="${width}" y1="${y(r)}" y2="${y(r)}"/>` +
        `<text class="axis" x="${PLOT.left - 6}" y="${y(r) + 4}" text-anchor="end">${r * 100}%</text>`,
    )
    .join('');
  const rects = bars
    .map(({ x, variant }, i) => {
      const left = PLOT.left + PLOT.gap + i * (PLOT.bar + PLOT.gap);
      const mid = left + PLOT.bar / 2;
      const o = variant.overall;
      const label = `<text class="axis" x="${mid}" y="${bottom + 16}" text-anchor="middle">${h(x)}</text>`;
      const tip = `<title>${h(`${variant.variant}: ${describe(o)}`)}</title>`;
      if (o.rate === null) {
        return `<g data-testid="rate-bar" data-variant="${h(variant.variant)}">${tip}${label}<text class="axis" x="${mid}" y="${bottom - 6}" text-anchor="middle">n/a</text></g>`;
      }
      const top = y(o.rate);
      const [lo, hi] = [y(o.interval.low), y(o.interval.high)];
      return (
        `<g data-testid="rate-bar" data-variant="${h(variant.variant)}">${tip}` +
        `<rect class="bar" x="${left}" y="${top}" width="${PLOT.bar}" height="${bottom - top}"/>` +
        `<line class="whisker" x1="${mid}" x2="${mid}" y1="${lo}" y2="${hi}"/>` +
        `<line class="whisker" x1="${mid - 6}" x2="${mid + 6}" y1="${lo}" y2="${lo}"/>` +
        `<line class="whisker" x1="${mid - 6}" x2="${mid + 6}" y1="${hi}" y2="${hi}"/>` +
        `<text class="value" x="${mid}" y="${Math.min(top, hi) - 5}" text-anchor="middle">${formatRate(o.rate)}</text>` +
        `${label}</g>`
      );
    })
    .join('\n');
  return `<figure data-testid="rate-chart">
<figcaption>${h(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bottom + 28}" viewBox="0 0 ${width} ${bottom + 28}" role="img" aria-label="${h(`Pass rate by temperature for ${title}`)}">
${grid}
${rects}
</svg>
</figure>`;
}

function heatMap(result: CompareResult): string {
  const head = result.variants
    .map((v) => `<th data-testid="variant-column" data-variant="${h(v.variant)}">${h(v.variant)}</th>`)
    .join('');
  const rows = result.evaluators.map((evaluator) => {
    const cells = result.variants
      .map((v) => metricCell(v.variant, evaluator, v.evaluators[evaluator]))
      .join('');
    return `<tr><th scope="row">${h(evaluator)}</th>${cells}</tr>`;
  });
  return `<table class="heat">
<thead><tr><th>Evaluator</th>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function metricCell(variant: string, evaluator: string, rate: Rate | undefined): string {
  const data = `data-testid="metric-cell" data-variant="${h(variant)}" data-evaluator="${h(evaluator)}"`;
  if (!rate) return `<td ${data} class="empty">not run</td>`;
  const errors =
    rate.errors > 0 ? `<span class="errors">${rate.errors} error${rate.errors === 1 ? '' : 's'}</span>` : '';
  if (rate.rate === null) return `<td ${data} class="empty">no graded trials${errors}</td>`;
  return (
    `<td ${data} style="background:${heat(rate.rate)}" title="${h(describe(rate))}">` +
    `<strong>${formatRate(rate.rate)}</strong><span>${formatCount(rate.passes, rate.trials)}</span>` +
    `<span class="interval">${formatInterval(rate.interval.low, rate.interval.high)}</span>${errors}</td>`
  );
}

/** Light red through light yellow to light green, so dark text stays readable on every cell. */
function heat(rate: number): string {
  return `hsl(${Math.round(rate * 120)}, 70%, 82%)`;
}

function usage(variants: VariantSummary[]): string {
  const rows = variants.map(
    (v) =>
      `<tr><th scope="row">${h(v.variant)}</th><td>${formatInteger(v.usage.attempts)}</td><td>${formatInteger(v.usage.erroredAttempts)}</td>` +
      `<td>${formatInteger(v.usage.totalTokens)}</td><td>${formatCost(v.usage.cost)}</td><td>${formatLatency(v.usage.meanLatencyMs)}</td></tr>`,
  );
  return `<table class="numbers">
<thead><tr><th>Variant</th><th>Calls</th><th>Errors</th><th>Tokens</th><th>Cost</th><th>Mean latency</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function comparisons(result: CompareResult): string {
  const tested = result.comparisons.filter((c) => c.rows > 0);
  if (tested.length === 0) return '<p class="note">No two variants share graded rows.</p>';
  const rows = tested.map(
    (c) =>
      `<tr class="${c.winner ? 'significant' : ''}"><td>${h(c.a)}</td><td>${h(c.b)}</td><td>${h(c.evaluator)}</td><td>${c.rows}</td>` +
      `<td>${c.countsA.passes}/${c.countsA.trials} / ${c.countsB.passes}/${c.countsB.trials}</td><td>${formatP(c.p)}</td><td>${formatP(c.pAdjusted)}</td><td>${h(c.winner ?? '–')}</td></tr>`,
  );
  return `<p class="note">Exact test stratified by the rows both variants graded (independent of repeat order); Holm-corrected across all ${tested.length} comparisons, alpha ${result.alpha}.</p>
<table class="numbers comparisons">
<thead><tr><th>A</th><th>B</th><th>Evaluator</th><th>Rows</th><th>A / B passed</th><th>p</th><th>Holm p</th><th>Better</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function describe(rate: Rate): string {
  const errors = rate.errors > 0 ? `, ${rate.errors} errors` : '';
  return `${formatRate(rate.rate)} (${formatCount(rate.passes, rate.trials)}), 95% interval ${formatInterval(rate.interval.low, rate.interval.high)}${errors}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.note{color:#57606a}
.verdicts li{margin:.3rem 0}.verdicts li.significant{font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
.grid{stroke:#d0d7de;stroke-width:1}.axis{font-size:11px;fill:#57606a}.value{font-size:11px;fill:#1f2328}
.bar{fill:#54aeff}.whisker{stroke:#0a3069;stroke-width:1.5}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
.heat td{min-width:8rem}.heat td strong{display:block;font-size:1.05rem}.heat td span{display:block;font-size:12px}
.heat td .interval{color:#424a53}.heat td .errors{color:#cf222e;font-weight:600}.heat td.empty{color:#57606a;background:#f6f8fa}
.numbers td{text-align:right;white-space:nowrap}.comparisons td:nth-child(-n+3){text-align:left;white-space:normal}
tr.significant td{font-weight:600}
`;
