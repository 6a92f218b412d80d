/**
 * The bench's result table: the rows each figure adds, printed at the end as a
 * Markdown table (with the notes below it) and written to bench.json.
 */
import type { Row } from './common';

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

export class Table {
  private readonly list: Row[] = [];

  add(...rows: Row[]): void {
    this.list.push(...rows);
  }

  get rows(): readonly Row[] {
    return this.list;
  }

  print(out: (line: string) => void = console.log): void {
    const header = [
      'figure',
      'value (median)',
      'comparison (median)',
      'ratio / figure',
      'target',
      'result',
      'min … max',
      'runs',
    ];
    const lines = this.list.map((r) => [
      r.figure,
      r.value,
      r.comparison,
      r.ratio ? `${fmt(r.ratio.median)}${r.ratioUnit}` : '—',
      r.target,
      r.pass === undefined ? 'info' : r.pass ? 'pass' : 'MISS',
      r.ratio ? `${fmt(r.ratio.min)} … ${fmt(r.ratio.max)}` : '—',
      r.ratio ? String(r.ratio.runs) : '—',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const print = (cells: string[]) => out('| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |');
    print(header);
    out('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
    lines.forEach(print);
    for (const r of this.list.filter((r) => r.note)) {
      out(`\n* ${r.figure}: ${r.note}`);
    }
  }
}
