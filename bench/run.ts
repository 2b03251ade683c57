/**
 * `npm run bench`: runs every benchmark, prints the headline figures and rewrites BENCHMARKS.md.
 * `npm run bench -- --only regex,gossip` runs some sections and prints them without touching BENCHMARKS.md;
 * `--only gate --update` replaces just those sections (and their summary rows) in BENCHMARKS.md, marked with
 * when and at which commit they were measured apart from the rest.
 *
 * Every model call goes to a loopback server started here (bench/server.ts); nothing leaves 127.0.0.1.
 * The prose around the sections (introduction, method, profiling notes) is in bench/text/page.md, each section's
 * in bench/text/<section>.md.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatePowerSection } from './gatePower';
import { gossipSection, GOSSIP_DEFAULTS } from './gossip';
import { gossipChecksSection } from './gossipChecks';
import { describeMachine, loadNow, type Machine } from './machine';
import { overhead } from './overhead';
import { REPO } from './promptfoo';
import { regexSection } from './regex';
import { mark, table, templatePart, type SectionReport } from './report';
import { scaleSection } from './scale';
import { throughput } from './throughput';

interface Ran extends SectionReport {
  loadBefore: number;
  loadAfter: number;
}

const SECTIONS: Record<string, (machine: Machine) => Promise<SectionReport>> = {
  overhead: () => overhead(),
  throughput: () => throughput(),
  regex: () => regexSection(),
  scale: () => scaleSection(),
  gate: () => gatePowerSection(),
  gossip: (machine) =>
    gossipSection({ ...GOSSIP_DEFAULTS, ...(machine.l3 !== undefined && { l3: machine.l3 }) }),
  'gossip-checks': () => gossipChecksSection(),
};

/** The page's own prose, and the line under each section's title. */
const PAGE = path.join(__dirname, 'text/page.md');

function renderMachine(m: Machine, loadAfter: number, totalSeconds: number): string {
  return table(
    ['', ''],
    [
      ['CPU', `${m.cpu}, ${m.cores} cores${m.mhz ? ` @ ${m.mhz} MHz` : ''}${m.l3 ? `, ${m.l3}` : ''}`],
      ['memory', `${m.memoryGiB.toFixed(1)} GiB`],
      ['OS', m.os],
      ['Node', m.node],
      ['promptfoo', m.promptfoo],
      ['plugin commit', m.commit],
      [
        'load average (1 min), start → end',
        `${m.loadAtStart.toFixed(2)} → ${loadAfter.toFixed(2)} on ${m.cores} cores`,
      ],
      ['bench duration', `${(totalSeconds / 60).toFixed(1)} min (${totalSeconds.toFixed(0)} s)`],
    ],
  );
}

/** One section as BENCHMARKS.md shows it; `apart` when it was measured apart from the rest (`--update`). */
function renderSection(s: Ran, apart?: { date: string; commit: string }): string[] {
  const out = [`## ${s.title}`, ''];
  out.push(
    ...templatePart(PAGE, 'Section line', {
      seconds: s.seconds.toFixed(0),
      loadBefore: s.loadBefore.toFixed(1),
      loadAfter: s.loadAfter.toFixed(1),
      apart: apart !== undefined,
      ...apart,
    }),
    '',
  );
  for (const p of s.method) out.push(p, '');
  for (const t of s.tables) out.push(t, '');
  for (const f of s.findings) out.push(f, '');
  return out;
}

/**
 * BENCHMARKS.md with `ran`'s sections replaced (matched by title, the section number ignored) or added before the
 * profiling notes, and their summary rows replaced or appended.
 */
function updateMarkdown(text: string, ran: readonly Ran[], commit: string): string {
  const lines = text.split('\n');
  const bare = (title: string) => title.replace(/^\d+\.\s*/, '');
  for (const s of ran) {
    const section = renderSection(s, { date: new Date().toISOString().slice(0, 10), commit });
    const start = lines.findIndex((l) => l.startsWith('## ') && bare(l.slice(3)) === bare(s.title));
    if (start >= 0) {
      let end = start + 1;
      while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
      lines.splice(start, end - start, ...section);
    } else {
      const notes = lines.findIndex((l) => l === '## Profiling notes');
      lines.splice(notes >= 0 ? notes : lines.length, 0, ...section);
    }
    // A row is the same figure when its name differs only inside parentheses (a count of results that the fixture
    // made this time): replaced, not left beside the new one.
    const written = new Set<number>();
    for (const t of s.targets) {
      const row = `| ${[t.name, t.measured, t.target ?? '—', mark(t)].map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
      const name = t.name.replace(/\|/g, '\\|');
      let at = lines.findIndex((l) => l.startsWith(`| ${name} |`));
      if (at < 0)
        at = lines.findIndex(
          (l, i) =>
            !written.has(i) && l.startsWith('| ') && stem(l.slice(2).split(' | ')[0] ?? '') === stem(name),
        );
      if (at >= 0) {
        written.add(at);
        lines[at] = row;
      } else {
        const summary = lines.indexOf('## Summary');
        let last = summary + 2;
        while (lines[last + 1]?.startsWith('|')) last++;
        lines.splice(last + 1, 0, row);
      }
    }
  }
  return lines.join('\n');
}

/** A figure's name with what its parentheses hold left out. */
function stem(name: string): string {
  return name.replace(/\([^)]*\)/g, '()');
}

function renderSummary(ran: readonly Ran[]): string {
  return table(
    ['figure', 'measured', 'target', 'verdict'],
    ran.flatMap((s) => s.targets.map((t) => [t.name, t.measured, t.target ?? '—', mark(t)])),
  );
}

function renderMarkdown(
  machine: Machine,
  ran: readonly Ran[],
  totalSeconds: number,
  loadAfter: number,
): string {
  const busy =
    Math.max(machine.loadAtStart, loadAfter, ...ran.flatMap((s) => [s.loadBefore, s.loadAfter])) >
    machine.cores;
  const out: string[] = [
    '# Benchmarks',
    '',
    ...templatePart(PAGE, 'Introduction', {
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      minutes: (totalSeconds / 60).toFixed(1),
      seconds: totalSeconds.toFixed(0),
    }),
    '',
    '## Machine',
    '',
    renderMachine(machine, loadAfter, totalSeconds),
    '',
    ...templatePart(PAGE, 'Machine', { busy }),
    '',
    '## Summary',
    '',
    renderSummary(ran),
    '',
    '## Method',
    '',
    ...templatePart(PAGE, 'Method', {}),
    '',
  ];
  for (const s of ran) out.push(...renderSection(s));
  out.push('## Profiling notes', '', ...templatePart(PAGE, 'Profiling notes', {}), '');
  return out.join('\n');
}

async function main(): Promise<void> {
  // The configs measure the compiled plugin users run (dist/); build it as `npm test` does.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  const onlyFlag = process.argv.indexOf('--only');
  const only = onlyFlag >= 0 ? (process.argv[onlyFlag + 1] ?? '').split(',').filter(Boolean) : undefined;
  const unknown = (only ?? []).filter((n) => !(n in SECTIONS));
  if (unknown.length > 0)
    throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  const machine = describeMachine();
  process.stdout.write(
    `bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, promptfoo ${machine.promptfoo}; load ${machine.loadAtStart.toFixed(2)}\n`,
  );
  const started = performance.now();
  const ran: Ran[] = [];
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (only && !only.includes(name)) continue;
    process.stdout.write(`\n== ${name}\n`);
    const loadBefore = loadNow();
    const report = await section(machine);
    ran.push({ ...report, loadBefore, loadAfter: loadNow() });
    process.stdout.write(`${report.tables.join('\n\n')}\n(${report.seconds.toFixed(0)} s)\n`);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const loadAfter = loadNow();
  process.stdout.write(`\n== summary (${(totalSeconds / 60).toFixed(1)} min)\n${renderSummary(ran)}\n`);
  if (only && process.argv.includes('--update')) {
    const file = path.join(REPO, 'BENCHMARKS.md');
    fs.writeFileSync(file, updateMarkdown(fs.readFileSync(file, 'utf8'), ran, machine.commit));
    process.stdout.write(`updated ${only.join(', ')} in BENCHMARKS.md\n`);
    return;
  }
  if (only) {
    process.stdout.write('(--only: BENCHMARKS.md left as it was; --update writes those sections)\n');
    return;
  }
  fs.writeFileSync(path.join(REPO, 'BENCHMARKS.md'), renderMarkdown(machine, ran, totalSeconds, loadAfter));
  process.stdout.write('wrote BENCHMARKS.md\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
