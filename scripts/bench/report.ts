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

/**
 * Writes BENCHMARKS.md: the sections given replace the ones of the same name (the title before
 * its parenthesis); sections of benchmarks not run this time are kept as they were, each with
 * the command and date that produced it.
 */
export function writeBenchmarksFile(root: string, command: string, sections: BenchmarkSection[]): string {
  const file = path.join(root, 'BENCHMARKS.md');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const fresh = new Map<string, string>();
  for (const section of sections) {
    const lines = [
      `## ${section.title}`,
      '',
      `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}; ${machine}. Store: ${section.store}.`,
      '',
      '| figure | value | target | note |',
      '| --- | --- | --- | --- |',
    ];
    for (const f of section.figures) lines.push(`| ${f.name} | ${f.value} | ${f.target ?? ''} | ${f.note ?? ''} |`);
    fresh.set(sectionKey(section.title), `${lines.join('\n')}\n`);
  }
  const kept = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split(/^(?=## )/m)
        .slice(1)
    : [];
  const body: string[] = [];
  for (const old of kept) {
    const key = sectionKey(old.slice(3, old.indexOf('\n')));
    body.push(fresh.get(key) ?? `${old.trimEnd()}\n`);
    fresh.delete(key);
  }
  body.push(...fresh.values());
  const header = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (all) or `npm run bench -- NAME` (connector, mapping, delivery, provisioning, home, idle, tenants, tenant-processes, fairness; that section only). Each section says when, where and on which store its figures were measured.',
    '',
  ];
  fs.writeFileSync(file, `${header.join('\n')}\n${body.join('\n')}`);
  return file;
}

function sectionKey(title: string): string {
  return title.split(' (')[0]!.trim();
}
