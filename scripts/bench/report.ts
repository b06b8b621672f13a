/**
 * Benchmark figures: printed as they come, and written to BENCHMARKS.md with the command,
 * the machine and the store that produced them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Figure {
  name: string;
  value: string;
  target?: string;
  note?: string;
}

export interface BenchmarkSection {
  title: string;
  store: string;
  figures: Figure[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function printFigure(figure: Figure): void {
  process.stdout.write(`  ${figure.name}: ${figure.value}${figure.target ? ` (target ${figure.target})` : ''}\n`);
}

export function writeBenchmarksFile(root: string, command: string, sections: BenchmarkSection[]): string {
  const file = path.join(root, 'BENCHMARKS.md');
  const lines = [
    '# Benchmarks',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    'Re-run the command to refresh this file; it is rewritten whole.',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.title}`, '', `Store: ${section.store}.`, '', '| figure | value | target | note |', '| --- | --- | --- | --- |');
    for (const f of section.figures) lines.push(`| ${f.name} | ${f.value} | ${f.target ?? ''} | ${f.note ?? ''} |`);
    lines.push('');
  }
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}
