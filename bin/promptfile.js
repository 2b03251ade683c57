#!/usr/bin/env node
// The `promptfile` command. Runs the TypeScript sources through tsx, so there is no build step.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
