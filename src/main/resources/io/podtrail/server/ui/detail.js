// The detail pane: every non-null field of one event, in the catalogue's order and grouped by prefix. Each
// value has "+" (add `field = value` to the filter) and "−" (add `not field = value`).
import { el, isoNs, literal, quote } from './format.js';

const GROUPS = { podtrail: 'Podtrail', evt: 'Event', proc: 'Process', user: 'User', container: 'Container',
  k8s: 'Kubernetes', peer: 'Peer', fd: 'Connection / file', ka: 'Kubernetes API', falco: 'Falco' };

/** The filter condition that matches `value` of `field`, or null when there is none to offer. */
export function condition(field, value, type) {
  if (value === null || typeof value === 'object') return null;
  if (type === 'ip') return `${field} = ${value}`;
  if (type === 'string') return `${field} = ${quote(value)}`;
  return `${field} = ${literal(value)}`;
}

export function detail(onAdd, onClose) {
  const title = el('h2', {});
  const body = el('div', {});
  const box = el('aside', { class: 'detail', id: 'detail', 'aria-label': 'Event detail' },
    el('div', { class: 'detail-head' }, title, el('button', { class: 'btn icon', id: 'detail-close', title: 'Close', onclick: onClose }, '✕')),
    body);
  let types = new Map();
  let order = [];

  function actions(cond) {
    if (!cond) return el('td', { class: 'a' });
    return el('td', { class: 'a' },
      el('button', { class: 'in', title: 'Filter for ' + cond, 'data-cond': cond, onclick: () => onAdd(cond, false) }, '+'),
      ' ',
      el('button', { class: 'ex', title: 'Exclude ' + cond, 'data-cond': cond, onclick: () => onAdd(cond, true) }, '−'));
  }

  function valueCell(field, v) {
    if (types.get(field) === 'time') {
      return el('td', { class: 'v' }, isoNs(v), el('span', { class: 'h' }, String(v) + ' ns'));
    }
    return el('td', { class: 'v' }, String(v));
  }

  return {
    element: box,
    setCatalogue(fields) {
      types = new Map(fields.map(f => [f.name.replace('[ARG]', ''), f.type]));
      order = fields.map(f => f.name.replace('[ARG]', ''));
    },
    show(e) {
      title.textContent = `${e['podtrail.kind'] || 'event'} · ${isoNs(e['evt.time'])}`;
      const keys = Object.keys(e).filter(k => e[k] !== null && e[k] !== undefined && e[k] !== '');
      const rank = k => { const i = order.indexOf(k); return i < 0 ? 1e6 : i; };
      const groupOf = k => k.split('.')[0];
      const groupRank = g => { const i = Object.keys(GROUPS).indexOf(g); return i < 0 ? 99 : i; };
      keys.sort((a, b) => groupRank(groupOf(a)) - groupRank(groupOf(b)) || rank(a) - rank(b) || a.localeCompare(b));
      const rows = [];
      let group = null;
      for (const k of keys) {
        const g = groupOf(k);
        if (g !== group) {
          group = g;
          rows.push(el('tr', { class: 'group' }, el('td', { colspan: 3 }, GROUPS[g] || g)));
        }
        const v = e[k];
        const t = types.get(k);
        if (Array.isArray(v)) {
          // one row per element: a list field matches with `intersects`
          v.forEach((x, i) => rows.push(el('tr', { 'data-field': k },
            el('td', { class: 'k' }, i === 0 ? k : ''), el('td', { class: 'v' }, String(x)),
            actions(`${k} intersects (${quote(x)})`))));
        } else if (v !== null && typeof v === 'object') {
          // a map: k8s.pod.labels -> k8s.pod.label[KEY] when the catalogue has the argument field
          const arg = k.endsWith('s') && types.has(k.slice(0, -1)) ? k.slice(0, -1) : null;
          for (const [mk, mv] of Object.entries(v)) {
            rows.push(el('tr', { 'data-field': k }, el('td', { class: 'k' }, `${k}[${mk}]`), el('td', { class: 'v' }, String(mv)),
              actions(arg ? `${arg}[${mk}] = ${quote(mv)}` : null)));
          }
        } else {
          rows.push(el('tr', { 'data-field': k }, el('td', { class: 'k' }, k), valueCell(k, v),
            actions(condition(k, v, t))));
        }
      }
      body.replaceChildren(el('table', {}, el('colgroup', {}, el('col', { class: 'k' }), el('col', {}), el('col', { class: 'a' })),
        el('tbody', {}, ...rows)));
    },
  };
}
