// Cold `require` of one module in a fresh process: `node require-time.js <module path or name>`.
// Measured around the require call only (node's own bootstrap is excluded).
const target = process.argv[2];
const t0 = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(target);
const t1 = process.hrtime.bigint();
process.stdout.write(`BENCH-RESULT ${JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
