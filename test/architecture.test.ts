/**
 * Dependencies point one way (issue 11): no import cycle among src/ files, and nothing in
 * src/platform, src/db or src/slack imports a feature. The rules are in
 * .dependency-cruiser.cjs; the fixture proves they catch what they are meant to catch.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: Array<{ name: string }>;
}

function violationsIn(dir: string): Violation[] {
  // depcruise exits non-zero when it finds violations; the JSON on stdout is what counts.
  const run = spawnSync(depcruise, ['--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json', dir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`depcruise printed nothing (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(result.summary.totalCruised).toBeGreaterThan(0);
  return result.summary.violations;
}

function describeViolation(v: Violation): string {
  const cycle = v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
}

describe('architecture', () => {
  it('has no import cycle in src/ and no lower layer importing a feature', () => {
    expect(violationsIn('src').map(describeViolation)).toEqual([]);
  });

  it('reports a cycle and a lower layer importing a feature (the rules work)', () => {
    const found = violationsIn('test/fixtures/layering/src').map((v) => v.rule.name);
    expect(found).toContain('no-cycles');
    expect(found).toContain('lower-layers-import-no-feature');
  });
});
