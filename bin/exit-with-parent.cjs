// Preloaded into the promptfoo child of `promptfile eval` and `promptfile view`. The child runs in its own process
// group (so a terminal's Ctrl+C reaches it once, through promptfile, and pauses the eval instead of forcing it to
// exit), which means nothing else stops it when promptfile itself is killed: this does. When the parent is gone, the
// child is interrupted like a Ctrl+C (promptfoo saves progress and finishes the calls in flight), then killed if it
// is still running 10 s later.
'use strict';
const { isMainThread } = require('node:worker_threads');
// Only the process promptfile started, once: preloads also run in worker threads and in node children that inherit
// execArgv, and a second SIGINT would make promptfoo force-exit instead of saving.
const parent = process.ppid;
if (isMainThread && String(parent) === process.env.PROMPTFILE_PARENT_PID) {
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGINT');
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 10000).unref();
  }, 250);
  watch.unref();
}
