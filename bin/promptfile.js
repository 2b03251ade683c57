#!/usr/bin/env node
// The `promptfile` command: the compiled plugin in dist/ (`npm run build`; `npm ci` and `npm pack` build it).
const path = require('node:path');
const main = path.join(__dirname, '../dist/src/cli/main.js');
let cli;
try {
  cli = require(main);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(main)) {
    process.stderr.write('promptfile: the plugin is not built (dist/ is missing); run `npm run build`\n');
    process.exit(2);
  }
  throw error;
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
