/**
 * A plain-text table with aligned columns, for terminals and logs. No colour, no box drawing: it must read
 * the same in a CI log, a pipe and a file.
 */

/** Column alignment. */
export type Align = 'left' | 'right';

/** Renders rows under a header, columns padded to their widest cell and separated by two spaces. */
export function textTable(header: string[], rows: string[][], align: Align[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => width(r[c] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat((widths[c] ?? 0) - width(cell));
        return align[c] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Display width: code points, not UTF-16 units (so `·` and emoji-free labels align). */
function width(text: string): number {
  return [...text].length;
}
