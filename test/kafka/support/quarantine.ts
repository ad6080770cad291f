/**
 * Tests that find an open bug about one run in ten are quarantined: skipped with a loud message
 * (CI stays deterministic) until the bug is fixed; EVENTLINE_RUN_QUARANTINED=1 runs them.
 *
 * @example
 * (isQuarantined('broker restart', 'duplicate keyVersion after a restart (issue #6)') ? it.skip : it)('...', ...)
 */
export function isQuarantined(test: string, bug: string): boolean {
  if (process.env.EVENTLINE_RUN_QUARANTINED === '1') return false;
  console.warn(
    `\n${'!'.repeat(100)}\n"${test}" QUARANTINED: ${bug}. Run it with EVENTLINE_RUN_QUARANTINED=1.\n${'!'.repeat(100)}\n`,
  );
  return true;
}
