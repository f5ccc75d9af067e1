import { h, s, uniqueId } from '../dom.js';
import { formatNumber, t } from '../i18n/index.js';

const WIDTH = 960;
const NODE_WIDTH = 200;
const NODE_HEIGHT = 58;
const ROW_GAP = 16;
const HEADER = 30;
const PADDING = 4;
const COLUMN_GAP = (WIDTH - 2 * PADDING - 4 * NODE_WIDTH) / 3;

/** Characters that fit in width px of text at size px: CJK and full-width forms count one em, others about half. */
function fit(text, width, size) {
  let used = 0;
  let end = 0;
  for (const char of text) {
    used += /[\u2e80-\uffef]/.test(char) ? size : size * 0.56;
    if (used > width) return `${text.slice(0, end)}…`;
    end += char.length;
  }
  return text;
}

function sourceNode(source) {
  const place = source.location ?? (source.kind === 'push' ? t('lineage.pushSource') : t('lineage.hiddenLocation'));
  return { id: source.id, kind: 'source', title: t('lineage.sourceTitle', { type: source.type }), detail: source.object ? `${place} · ${source.object}` : place };
}

function connectorNode(connector) {
  return {
    id: connector.id,
    kind: 'connector',
    state: connector.state,
    title: connector.name,
    detail: t('lineage.connectorDetail', { department: connector.departmentCode, published: formatNumber(connector.published), rejected: formatNumber(connector.rejected) }),
    connectorId: connector.connectorId,
    departmentCode: connector.departmentCode,
  };
}

/**
 * The lineage of a resource as four columns, source systems → connectors → topic → subscriptions, joined by the
 * edges the gateway reports. `linkFor(node)` may return an address to make a connector node a link.
 */
export function lineageDiagram(lineage, { linkFor } = {}) {
  const columns = [
    { heading: t('lineage.sources'), nodes: lineage.sources.map(sourceNode) },
    { heading: t('lineage.connectors'), nodes: lineage.connectors.map(connectorNode) },
    { heading: t('lineage.topic'), nodes: lineage.topic ? [{ id: lineage.topic.id, kind: 'topic', title: lineage.topic.name, detail: lineage.topic.schemaSubject ?? t('lineage.noSchema') }] : [] },
    {
      heading: t('lineage.subscriptions'),
      nodes: lineage.subscriptions.map((subscription) => ({ id: subscription.id, kind: 'subscription', title: subscription.consumer, detail: subscription.state })),
    },
  ];
  const rows = Math.max(1, ...columns.map((column) => column.nodes.length));
  const height = HEADER + rows * (NODE_HEIGHT + ROW_GAP);
  const positions = new Map();
  const titleId = uniqueId('lineage-title');
  const markerId = uniqueId('lineage-arrow');

  const drawn = columns.map((column, index) => {
    const x = PADDING + index * (NODE_WIDTH + COLUMN_GAP);
    const offset = ((rows - Math.max(column.nodes.length, 1)) * (NODE_HEIGHT + ROW_GAP)) / 2;
    const header = s('text', { class: 'lineage-heading', x: x + NODE_WIDTH / 2, y: 18, 'text-anchor': 'middle' }, column.heading);
    if (column.nodes.length === 0) {
      const y = HEADER + offset;
      return [header, s('g', { class: 'lineage-node lineage-empty' }, s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }), s('text', { x: x + NODE_WIDTH / 2, y: y + NODE_HEIGHT / 2 + 5, 'text-anchor': 'middle' }, t('lineage.none')))];
    }
    return [
      header,
      column.nodes.map((node, row) => {
        const y = HEADER + offset + row * (NODE_HEIGHT + ROW_GAP);
        positions.set(node.id, { x, y });
        const shape = s(
          'g',
          { class: `lineage-node lineage-${node.kind}${node.state === 'paused' ? ' lineage-paused' : ''}`, dataset: { node: node.id } },
          s('title', null, `${node.title}\n${node.detail}`),
          s('rect', { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }),
          s('text', { class: 'lineage-title', x: x + 10, y: y + 23 }, fit(node.title, NODE_WIDTH - 20, 14)),
          s('text', { class: 'lineage-detail', x: x + 10, y: y + 44 }, fit(node.detail, NODE_WIDTH - 20, 12)),
        );
        const href = linkFor?.(node);
        return href ? s('a', { href, class: 'lineage-link' }, shape) : shape;
      }),
    ];
  });

  const edges = lineage.edges
    .map((edge) => [positions.get(edge.from), positions.get(edge.to)])
    .filter(([from, to]) => from && to)
    .map(([from, to]) => {
      const x1 = from.x + NODE_WIDTH;
      const y1 = from.y + NODE_HEIGHT / 2;
      const x2 = to.x - 2;
      const y2 = to.y + NODE_HEIGHT / 2;
      const bend = (x2 - x1) / 2;
      return s('path', { class: 'lineage-edge', d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, 'marker-end': `url(#${markerId})` });
    });

  return s(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${height}`, class: 'lineage-diagram', role: 'group', 'aria-labelledby': titleId },
    s('title', { id: titleId }, t('lineage.diagramTitle')),
    s('defs', null, s('marker', { id: markerId, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'lineage-arrow' }))),
    edges,
    drawn,
  );
}

/** The same lineage as nested lists, for screen readers and for copying. */
export function lineageList(lineage) {
  const item = (title, detail) => h('li', null, h('strong', null, title), ' — ', detail);
  const group = (heading, nodes) => h('li', null, heading, nodes.length === 0 ? `: ${t('lineage.none')}` : h('ul', null, nodes.map((node) => item(node.title, node.detail))));
  return h(
    'ul',
    { class: 'lineage-list' },
    group(t('lineage.sources'), lineage.sources.map(sourceNode)),
    group(t('lineage.connectors'), lineage.connectors.map(connectorNode)),
    group(t('lineage.topic'), lineage.topic ? [{ title: lineage.topic.name, detail: lineage.topic.schemaSubject ?? t('lineage.noSchema') }] : []),
    group(t('lineage.subscriptions'), lineage.subscriptions.map((subscription) => ({ title: subscription.consumer, detail: subscription.state }))),
  );
}
