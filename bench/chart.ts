/**
 * Small line charts as standalone SVG — enough for the scaling results, with no dependency.
 * Panels sit side by side; each has its own axes (linear or log x, linear y from 0) and legend.
 *
 * @example
 * const svg = chartSvg('Scaling', [{ title: 'Appends', xLabel: 'events', yLabel: 'events/s', xScale: 'log',
 *   series: [{ name: 'append', points: [{ x: 1e4, y: 52000 }, { x: 1e6, y: 48000 }] }] }]);
 */

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
  /** Draw dashed (e.g. a second quantity on the same axes). */
  readonly dashed?: boolean;
}

export interface ChartPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xScale: 'linear' | 'log';
  readonly series: readonly ChartSeries[];
}

const PANEL_WIDTH = 460;
const PANEL_HEIGHT = 320;
const MARGIN = { top: 40, right: 20, bottom: 70, left: 70 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export function chartSvg(title: string, panels: readonly ChartPanel[], footer = ''): string {
  const width = PANEL_WIDTH * Math.max(1, panels.length);
  const height = PANEL_HEIGHT + 60;
  const body = panels.map((p, i) => `<g transform="translate(${i * PANEL_WIDTH},40)">${panelSvg(p)}</g>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    footer ? `<text x="10" y="${height - 8}" font-size="10" fill="#555">${escapeXml(footer)}</text>` : '',
    '</svg>',
    '',
  ].join('\n');
}

function panelSvg(panel: ChartPanel): string {
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const points = panel.series
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const tx = (v: number) => (panel.xScale === 'log' ? Math.log10(Math.max(v, 1e-12)) : v);
  const [x0, x1] = xs.length ? [tx(xs[0]), tx(xs[xs.length - 1])] : [0, 1];
  const xSpan = x1 - x0 || 1;
  const yMax = niceCeiling(Math.max(0, ...points.map((p) => p.y)));
  const sx = (v: number) => MARGIN.left + (xs.length > 1 ? ((tx(v) - x0) / xSpan) * plotW : plotW / 2);
  const sy = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const out: string[] = [
    `<text x="${PANEL_WIDTH / 2}" y="${MARGIN.top - 14}" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    const y = sy(v);
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end">${shortNumber(v)}</text>`,
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${sx(x)}" x2="${sx(x)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#999"/>`,
      `<text x="${sx(x)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${shortNumber(x)}</text>`,
    );
  }
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 36}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`,
    `<text transform="translate(16,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const valid = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const d = valid
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join(' ');
    if (d) {
      out.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const p of valid)
      out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${color}"/>`);
    const ly = MARGIN.top + plotH + 52;
    const lx = MARGIN.left + i * 130;
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 22}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
  });
  return out.join('\n');
}

/** The next 1, 2 or 5 × 10^k at or above `v` (axis maximum). */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

function shortNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
