// The scope tree: the /api/v1/facets rows (pre-order, root first) as an expandable tree with event counts.
// Clicking a name selects that scope (onSelect(path)); the twisty opens and closes a level.
import { el, num } from './format.js';

const SHORT = { cluster: 'cl', namespace: 'ns', workload: 'wl', pod: 'pod', container: 'ctr', node: 'node' };
// a workload is shown by name, its kind in the level column
const KIND_SHORT = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds', CronJob: 'cronjob', Job: 'job',
  ReplicaSet: 'rs', Pod: 'pod' };

function label(level, v) {
  if (level === 'workload' && v !== null && v.includes('/')) {
    const kind = v.slice(0, v.indexOf('/'));
    return { tag: KIND_SHORT[kind] || kind.toLowerCase(), name: v.slice(v.indexOf('/') + 1) };
  }
  return { tag: SHORT[level] || '', name: v };
}

export function tree(onSelect, onBy) {
  const list = el('div', { role: 'tree', id: 'scope-tree' });
  const byButtons = {
    workload: el('button', { 'data-by': 'workload', onclick: () => onBy('workload'), title: 'cluster › namespace › workload › pod › container' }, 'Workloads'),
    node: el('button', { 'data-by': 'node', onclick: () => onBy('node'), title: 'cluster › node › pod' }, 'Nodes'),
  };
  const box = el('aside', { class: 'tree', 'aria-label': 'Scope' },
    el('div', { class: 'tree-head' }, el('h2', {}, 'Scope'), el('div', { class: 'seg' }, byButtons.workload, byButtons.node)),
    list);
  const open = new Set();
  let facets = null;
  let scope = [];
  let by = 'workload';

  const key = path => JSON.stringify(path);

  function render() {
    for (const [b, btn] of Object.entries(byButtons)) btn.classList.toggle('on', b === by);
    if (!facets) { list.replaceChildren(); return; }
    const rows = facets.rows;
    if (!rows.length || Number(rows[0].count) === 0) {
      list.replaceChildren(el('div', { class: 'tree-empty' }, 'No events in this range.'));
      return;
    }
    const rootCount = Number(rows[0].count) || 1;
    const levels = facets.levels;
    const childCount = new Map();
    for (const r of rows) {
      if (r.path.length) {
        const p = key(r.path.slice(0, -1));
        childCount.set(p, (childCount.get(p) || 0) + 1);
      }
    }
    const out = [];
    for (const r of rows) {
      const depth = r.path.length;
      // visible when every ancestor is open
      let visible = true;
      for (let d = 0; d < depth; d++) {
        if (!open.has(key(r.path.slice(0, d)))) { visible = false; break; }
      }
      if (!visible) continue;
      const k = key(r.path);
      const sel = key(scope) === k;
      const hasKids = !r.others && childCount.has(k);
      let node;
      if (r.others) {
        node = el('div', { class: 'tnode others' },
          el('span', { class: 'tw' }), el('span', { class: 'lv' }, SHORT[levels[depth - 1]] || ''),
          el('span', { class: 'nm' }, `${num(r.hidden)} more pods`), el('span', { class: 'ct' }, num(r.count)));
      } else {
        const v = depth === 0 ? 'All events' : r.path[depth - 1];
        const level = depth === 0 ? '' : levels[depth - 1];
        node = el('div', {
          class: 'tnode' + (sel ? ' sel' : ''), role: 'treeitem', 'data-path': k, 'data-level': level,
          'aria-selected': sel ? 'true' : 'false', title: v === null ? `no ${level}` : `${level} ${v}`,
        },
        el('span', { class: 'tw', 'data-toggle': k }, hasKids ? (open.has(k) ? '▾' : '▸') : ''),
        el('span', { class: 'lv' }, label(level, v).tag),
        el('span', { class: 'nm' + (v === null ? ' none' : '') }, v === null ? `(no ${level})` : label(level, v).name),
        el('span', { class: 'bar' }, barFill(Number(r.count) / rootCount)),
        el('span', { class: 'ct' }, num(r.count)));
      }
      node.style.paddingLeft = 4 + depth * 12 + 'px';
      out.push(node);
    }
    list.replaceChildren(...out);
  }

  function barFill(f) {
    const i = document.createElement('i');
    i.style.width = Math.max(2, Math.round(f * 100)) + '%';
    return i;
  }

  list.addEventListener('click', e => {
    const t = e.target.closest('[data-toggle]');
    if (t && t.textContent) {
      const k = t.dataset.toggle;
      if (open.has(k)) open.delete(k); else open.add(k);
      render();
      return;
    }
    const n = e.target.closest('.tnode[data-path]');
    if (n) onSelect(JSON.parse(n.dataset.path));
  });

  return {
    element: box,
    set(f, currentScope, currentBy) {
      if (currentBy !== by) open.clear();
      facets = f;
      scope = currentScope;
      by = currentBy;
      // the root and the clusters start open, and so does the way down to the selected scope
      open.add(key([]));
      for (const r of f.rows) if (r.path.length === 1) open.add(key(r.path));
      for (let d = 0; d < scope.length; d++) open.add(key(scope.slice(0, d + 1)));
      render();
    },
    clear() { facets = null; render(); },
  };
}
