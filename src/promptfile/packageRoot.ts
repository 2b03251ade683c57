/**
 * The directory of this package (where package.json, schema/, templates/ and bin/ are), found from a module's own
 * directory: the same from the TypeScript sources (src/x) and from the compiled build (dist/src/x).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const NAME = 'promptfoo-promptfile';
let found: string | undefined;

export function packageRoot(): string {
  if (found) return found;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name === NAME) {
          return (found = dir);
        }
      } catch {
        // Not ours; keep looking upwards.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${NAME} package above ${__dirname}`);
  }
}

/** `.js` in the compiled build, `.ts` when the sources run directly (tests): the extension of sibling modules. */
export const MODULE_EXT = path.extname(__filename);
