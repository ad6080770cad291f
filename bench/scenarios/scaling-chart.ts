import { chartSvg } from '../chart';
import { BenchSize } from '../types';

/** The x values the scaling scenario measured. */
export interface ScalingPlan {
  readonly sizes: readonly number[];
  readonly processes: readonly number[];
}

/** Medians by x: events in the log (sizes) or OS processes. */
export interface ScalingMedians {
  append(events: number): number;
  appendTail(events: number): number;
  projection(events: number): number;
  peakRss(events: number): number;
  rssGrowth(events: number): number;
  writers(processes: number): number;
  consumers(processes: number): number;
}

/** Three panels: throughput vs log size, peak RSS vs log size, processes on one file. */
export function scalingChart(size: BenchSize, plan: ScalingPlan, m: ScalingMedians): string {
  const bySize = (y: (x: number) => number) => plan.sizes.map((x) => ({ x, y: y(x) }));
  const byProcesses = (y: (x: number) => number) => plan.processes.map((x) => ({ x, y: y(x) }));
  return chartSvg(
    'Eventline scaling (embedded SQLite engine)',
    [
      {
        title: 'Throughput vs log size',
        xLabel: 'events in the log (log scale)',
        yLabel: 'events/s (median)',
        xScale: 'log',
        series: [
          { name: 'append', points: bySize(m.append) },
          { name: 'append, last 10%', dashed: true, points: bySize(m.appendTail) },
          { name: 'projection', points: bySize(m.projection) },
        ],
      },
      {
        title: 'Peak RSS vs log size',
        xLabel: 'events in the log (log scale)',
        yLabel: 'MiB',
        xScale: 'log',
        series: [
          { name: 'peak RSS', dashed: true, points: bySize(m.peakRss) },
          { name: 'growth over idle', points: bySize(m.rssGrowth) },
        ],
      },
      {
        title: 'Processes on one SQLite file',
        xLabel: 'OS processes',
        yLabel: 'events/s together (median)',
        xScale: 'linear',
        series: [
          { name: 'writers', points: byProcesses(m.writers) },
          { name: 'consumer group', points: byProcesses(m.consumers) },
        ],
      },
    ],
    `${size} run · ${new Date().toISOString()} · see the JSON beside this file for machine facts and every sample`,
  );
}
