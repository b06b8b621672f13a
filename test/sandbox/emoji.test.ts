/**
 * Every emoji shortcode the connector writes is drawn by the sandbox page as Slack draws it:
 * the list is read from the sources, so a new `:name:` in a message fails here until the
 * page knows it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { withEmoji } from '../../scripts/sandbox/page/emoji';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('emoji on the sandbox page', () => {
  const shortcodes = new Set(
    sourceFiles(path.join(__dirname, '../../src')).flatMap((file) => fs.readFileSync(file, 'utf8').match(/:[a-z][a-z0-9_+-]*[a-z0-9]:/g) ?? []),
  );
  // Not emoji: URL schemes and times that happen to look like shortcodes.
  const notEmoji = [...shortcodes].filter((code) => /^:(https?|mailto|slack|tel|[0-9]+):$/.test(code));

  it('finds the shortcodes the connector writes', () => {
    expect(shortcodes.has(':warning:')).toBe(true);
    expect(shortcodes.size).toBeGreaterThan(10);
  });

  it('draws each of them as a character, not as its name', () => {
    const undrawn = [...shortcodes].filter((code) => !notEmoji.includes(code) && withEmoji(code) === code);
    expect(undrawn).toEqual([]);
  });
});
