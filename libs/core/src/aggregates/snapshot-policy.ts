/** Snapshot every N events: true when a save moving from `fromVersion` to `toVersion` crosses a multiple of N. */
export function snapshotDue(every: number, fromVersion: number, toVersion: number): boolean {
  return every > 0 && Math.floor(toVersion / every) > Math.floor(fromVersion / every);
}
