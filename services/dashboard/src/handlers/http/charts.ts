import { escapeHtml } from './html.ts';

/**
 * Charts drawn on the server as inline SVG: no script, no build step, nothing fetched by the browser, and they
 * print and screenshot as they look. Each has a <title> per mark, so hovering shows the exact figure.
 */
const PALETTE = ['#0b6e4f', '#2f80ed', '#f2994a', '#9b51e0', '#eb5757', '#56ccf2', '#6fcf97'];

export interface Bar {
  label: string;
  value: number;
  /** The figure as people read it (R$ 1.234,56; 12,5%). */
  shown: string;
}

/** Vertical bars with their labels and figures. */
export function columnChart(bars: readonly Bar[], options: { height?: number; caption: string; color?: string }): string {
  const height = options.height ?? 180;
  const slot = Math.max(18, Math.min(72, Math.floor(720 / Math.max(1, bars.length))));
  const width = slot * bars.length + 20;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = height - 40;
  const marks = bars
    .map((b, i) => {
      const h = Math.max(b.value > 0 ? 1 : 0, Math.round((b.value / max) * plot));
      const x = 10 + i * slot;
      const showLabel = bars.length <= 16 || i % Math.ceil(bars.length / 12) === 0;
      return `<g><title>${escapeHtml(`${b.label}: ${b.shown}`)}</title><rect x="${x + 3}" y="${height - 24 - h}" width="${slot - 6}" height="${h}" fill="${options.color ?? PALETTE[0]}" rx="2"></rect>${
        bars.length <= 12 ? `<text x="${x + slot / 2}" y="${height - 28 - h}" text-anchor="middle" font-size="10" fill="#334e68">${escapeHtml(b.shown)}</text>` : ''
      }${showLabel ? `<text x="${x + slot / 2}" y="${height - 8}" text-anchor="middle" font-size="10" fill="#52606d">${escapeHtml(b.label)}</text>` : ''}</g>`;
    })
    .join('');
  return `<figure class="chart"><svg role="img" aria-label="${escapeHtml(options.caption)}" viewBox="0 0 ${width} ${height}" width="100%" height="${height}" preserveAspectRatio="xMinYMid meet">${marks}<line x1="8" y1="${height - 24}" x2="${width - 8}" y2="${height - 24}" stroke="#9aa5b1"></line></svg><figcaption>${escapeHtml(options.caption)}</figcaption></figure>`;
}

/** Horizontal bars, one group per row, one bar per series (the channel funnel: sent → delivered → read → paid). */
export function groupedBars(rows: ReadonlyArray<{ label: string; values: number[] }>, series: readonly string[], caption: string): string {
  const barH = 12;
  const groupH = series.length * (barH + 2) + 14;
  const height = rows.length * groupH + 28;
  const width = 720;
  const left = 110;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const body = rows
    .map((row, r) => {
      const y0 = r * groupH + 6;
      const bars = row.values
        .map((v, s) => {
          const w = Math.round((v / max) * (width - left - 60));
          const y = y0 + s * (barH + 2);
          return `<g><title>${escapeHtml(`${row.label} · ${series[s]}: ${v}`)}</title><rect x="${left}" y="${y}" width="${Math.max(v > 0 ? 1 : 0, w)}" height="${barH}" fill="${PALETTE[s % PALETTE.length]}" rx="2"></rect><text x="${left + w + 4}" y="${y + barH - 2}" font-size="10" fill="#334e68">${v}</text></g>`;
        })
        .join('');
      return `<text x="0" y="${y0 + 12}" font-size="12" fill="#1f2933">${escapeHtml(row.label)}</text>${bars}`;
    })
    .join('');
  const legend = series.map((s, i) => `<rect x="${left + i * 110}" y="${height - 14}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"></rect><text x="${left + i * 110 + 14}" y="${height - 5}" font-size="11" fill="#52606d">${escapeHtml(s)}</text>`).join('');
  return `<figure class="chart"><svg role="img" aria-label="${escapeHtml(caption)}" viewBox="0 0 ${width} ${height}" width="100%" height="${height}">${body}${legend}</svg><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** A rate per row with its 95% interval as a whisker: where intervals do not overlap, the difference is real. */
export function intervalChart(rows: ReadonlyArray<{ label: string; rate: number | null; low: number | null; high: number | null }>, caption: string): string {
  const rowH = 22;
  const width = 720;
  const left = 230;
  const plotW = width - left - 50;
  const height = rows.length * rowH + 30;
  const x = (v: number) => left + Math.round(v * plotW);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((t) => `<line x1="${x(t)}" y1="0" x2="${x(t)}" y2="${height - 20}" stroke="#e4e7eb"></line><text x="${x(t)}" y="${height - 6}" text-anchor="middle" font-size="10" fill="#52606d">${t * 100}%</text>`).join('');
  const marks = rows
    .map((r, i) => {
      const y = i * rowH + 12;
      const label = `<text x="0" y="${y + 4}" font-size="11" fill="#1f2933">${escapeHtml(r.label)}</text>`;
      if (r.rate === null || r.low === null || r.high === null) return `${label}<text x="${left}" y="${y + 4}" font-size="10" fill="#52606d">sem casos</text>`;
      const shown = `${(r.rate * 100).toFixed(1)}% (${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)}%)`;
      return `${label}<g><title>${escapeHtml(`${r.label}: ${shown}`)}</title><line x1="${x(r.low)}" y1="${y}" x2="${x(r.high)}" y2="${y}" stroke="${PALETTE[1]}" stroke-width="3"></line><circle cx="${x(r.rate)}" cy="${y}" r="5" fill="${PALETTE[0]}"></circle></g><text x="${x(r.high) + 6}" y="${y + 4}" font-size="10" fill="#334e68">${escapeHtml(shown)}</text>`;
    })
    .join('');
  return `<figure class="chart"><svg role="img" aria-label="${escapeHtml(caption)}" viewBox="0 0 ${width} ${height}" width="100%" height="${height}">${grid}${marks}</svg><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
