import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (the one with package.json), found by walking up from this file,
 * so the same code works from `src/` under tsx and from `dist/src/` once compiled.
 */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'scripts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
}
