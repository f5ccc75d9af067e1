import { h, s, uniqueId } from '../dom.js';
import { formatNumber, formatTime, t } from '../i18n/index.js';

const WIDTH = 1100;
const HEIGHT = 230;
const MARGIN = { top: 16, right: 12, bottom: 32, left: 52 };
const TICKS = 4;

/** The smallest 1, 2 or 5 times a power of ten step whose TICKS steps reach max. */
function niceStep(max) {
  if (max <= TICKS) return 1;
  const raw = max / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= raw);
}

/**
 * Published and rejected records per bucket as stacked bars (rejected on top), with a y axis of record counts and
 * a few time labels. The SVG is one image to assistive technology; the caller offers the numbers as a table.
 */
export function throughputChart(series) {
  const { points } = series;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(0, ...points.map((point) => point.published + point.rejected));
  const step = niceStep(max);
  const top = step * TICKS;
  const y = (value) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const slot = plotWidth / Math.max(points.length, 1);
  const barWidth = Math.max(1, slot * 0.8);
  const spansDays = points.length > 0 && new Date(points[points.length - 1].at).getTime() - new Date(points[0].at).getTime() > 20 * 3600_000;
  const titleId = uniqueId('chart-title');
  const descriptionId = uniqueId('chart-desc');
  const totals = points.reduce((sum, point) => ({ published: sum.published + point.published, rejected: sum.rejected + point.rejected }), { published: 0, rejected: 0 });

  const grid = Array.from({ length: TICKS + 1 }, (_, index) => {
    const value = index * step;
    return s(
      'g',
      { class: 'chart-grid' },
      s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value) }),
      s('text', { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, formatNumber(value)),
    );
  });
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const timeLabels = points.map((point, index) =>
    index % labelEvery === 0 ? s('text', { class: 'chart-axis', x: MARGIN.left + index * slot + slot / 2, y: HEIGHT - 10, 'text-anchor': 'middle' }, formatTime(point.at, spansDays)) : null,
  );
  const bars = points.map((point, index) => {
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    const tip = t('chart.tooltip', { at: formatTime(point.at, true), published: formatNumber(point.published), rejected: formatNumber(point.rejected) });
    return s(
      'g',
      null,
      s('title', null, tip),
      point.published > 0 ? s('rect', { class: 'bar-published', x, width: barWidth, y: y(point.published), height: y(0) - y(point.published) }) : null,
      point.rejected > 0 ? s('rect', { class: 'bar-rejected', x, width: barWidth, y: y(point.published + point.rejected), height: y(0) - y(point.rejected) }) : null,
    );
  });

  return h(
    'figure',
    { class: 'chart' },
    s(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${titleId} ${descriptionId}`, class: 'throughput-chart' },
      s('title', { id: titleId }, t('chart.title')),
      s('desc', { id: descriptionId }, t('chart.description', { count: points.length, published: formatNumber(totals.published), rejected: formatNumber(totals.rejected) })),
      grid,
      s('line', { class: 'chart-baseline', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(0), y2: y(0) }),
      bars,
      timeLabels,
    ),
    h(
      'figcaption',
      { class: 'legend' },
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch swatch-published', 'aria-hidden': 'true' }), t('chart.published')),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch swatch-rejected', 'aria-hidden': 'true' }), t('chart.rejected')),
      h('span', { class: 'muted' }, t('chart.totals', { published: formatNumber(totals.published), rejected: formatNumber(totals.rejected) })),
    ),
  );
}
