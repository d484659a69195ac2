// The last step of .ci/run: sums vitest's JSON reports (one per project run) into one line
// `N passed, N failed` and exits non-zero when any test failed, was skipped, or a report is missing.
// Usage: node scripts/ci-summary.mjs DIR NAME... (reads DIR/NAME.json for each vitest project run)
import { existsSync, readFileSync } from 'node:fs';

const [dir, ...names] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let missing = 0;
let skipped = 0;
for (const name of names) {
  const file = `${dir}/${name}.json`;
  if (!existsSync(file)) {
    console.log(`${name}: no report (the run stopped before vitest: see typecheck/lint output above)`);
    missing++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skippedHere = report.numPendingTests + report.numTodoTests;
  console.log(
    `${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skippedHere} skipped`,
  );
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += skippedHere;
}
// A skipped test proves nothing: a host without a runtime the suite needs must fail CI, not pass it
// with fewer tests (the README's compatibility table claims what these tests show).
if (skipped > 0)
  console.log(`${skipped} skipped: CI counts a skipped test as a failure (see the lists above)`);
const noReport = missing > 0 ? `, ${missing} project(s) without a report` : '';
console.log(`${passed} passed, ${failed + skipped} failed${noReport}`);
process.exit(failed > 0 || skipped > 0 || missing > 0 ? 1 : 0);
