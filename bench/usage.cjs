// Loaded with `node --require` into each promptfoo process the bench runs: at exit, writes the process's CPU time
// (user + system, every thread) and peak resident memory to $BENCH_USAGE_FILE.
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    require('node:fs').writeFileSync(
      file,
      JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }),
    );
  });
}
