// The Activity screen: filter bar, time range, histogram, source toggles, scope tree, events table and
// detail pane. Its state is the URL's query part:
//   q      the user's filter          range  15m | 1h | 24h | 7d (relative to now)   from, to  a custom range (ISO)
//   by     workload | node            scope  the selected tree path, as a JSON array
//   off    sources turned off         sel    podtrail.id of the event in the detail pane
// The filter sent to the API is `(q) and SCOPE and podtrail.kind in (enabled kinds)`.
import { get, fields, ApiError } from './api.js';
import { el, isoMs, num, duration, quote } from './format.js';
import { SOURCES } from './kinds.js';
import { histogram } from './histogram.js';
import { table } from './table.js';
import { tree } from './tree.js';
import { filterBar, compose } from './filterbar.js';
import { detail } from './detail.js';
import { parseRange, putRange, timeRange, timeBar } from './timebar.js';

const DEFAULT_RANGE = '1h';
const PAGE = 500;
const MAX_REACH = 10;
const LEVELS = { workload: ['cluster', 'namespace', 'workload', 'pod', 'container'], node: ['cluster', 'node', 'pod'] };

export function parseState(p) {
  let scope = [];
  try {
    scope = JSON.parse(p.get('scope') || '[]');
    if (!Array.isArray(scope)) scope = [];
  } catch (e) {
    scope = [];
  }
  const by = p.get('by') === 'node' ? 'node' : 'workload';
  return {
    q: p.get('q') || '',
    by,
    scope: scope.slice(0, LEVELS[by].length),
    ...parseRange(p, DEFAULT_RANGE),
    off: SOURCES.map(s => s.id).filter(id => (p.get('off') || '').split(',').includes(id)),
    sel: p.get('sel') || null,
  };
}

export function stateParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  putRange(p, s);
  if (s.by !== 'workload') p.set('by', s.by);
  if (s.scope.length) p.set('scope', JSON.stringify(s.scope));
  if (s.off.length) p.set('off', s.off.join(','));
  if (s.sel) p.set('sel', s.sel);
  return p;
}

/** The filter condition of one level of a scope path (null: a missing value). */
export function scopeCondition(by, level, v) {
  const eq = (f, x) => `${f} = ${quote(x)}`;
  const none = f => `not ${f} exists`;
  switch (level) {
    case 'cluster': return v === null ? none('k8s.cluster.name') : eq('k8s.cluster.name', v);
    case 'namespace': return v === null ? none('k8s.ns.name') : eq('k8s.ns.name', v);
    case 'workload': {
      if (v === null) return none('k8s.workload.name');
      const i = v.indexOf('/');
      return `${eq('k8s.workload.kind', v.slice(0, i))} and ${eq('k8s.workload.name', v.slice(i + 1))}`;
    }
    case 'pod': {
      if (v === null) return none('k8s.pod.name');
      if (by === 'workload') return eq('k8s.pod.name', v);
      const i = v.indexOf('/');
      return `${eq('k8s.ns.name', v.slice(0, i))} and ${eq('k8s.pod.name', v.slice(i + 1))}`;
    }
    case 'container': return v === null ? none('container.name') : eq('container.name', v);
    case 'node': return v === null ? 'not k8s.node.name exists and not evt.hostname exists'
      : `(${eq('k8s.node.name', v)} or (not k8s.node.name exists and ${eq('evt.hostname', v)}))`;
    default: throw new Error('unknown level ' + level);
  }
}

function kindsCondition(off) {
  if (!off.length) return null;
  const kinds = SOURCES.filter(s => !off.includes(s.id)).flatMap(s => s.kinds);
  return `podtrail.kind in (${kinds.join(', ')})`;
}

export function mount(container, ctx) {
  let state = null;
  let dataKey = null;
  let request = null;
  let cursor = null;
  let eventsFilter = '';
  let range = null;
  let facetValues = new Map();

  const go = (changes, replace = false) => ctx.navigate(stateParams({ ...state, ...changes }), replace);

  const filter = filterBar(q => go({ q, sel: null }), f => facetValues.get(f) || []);
  const hist = histogram(SOURCES, (fromMs, toMs) => go({ range: null, from: isoMs(fromMs), to: isoMs(toMs) }));
  const scopeTree = tree(path => go({ scope: path, sel: null }), by => go({ by, scope: [], sel: null }));
  const events = table(e => go({ sel: String(e['podtrail.id']) }, true), () => loadMore());
  const pane = detail((cond, exclude) => {
    const c = exclude ? 'not ' + cond : cond;
    const q = state.q ? (/\bor\b/.test(state.q) ? `(${state.q}) and ${c}` : `${state.q} and ${c}`) : c;
    go({ q });
  }, () => go({ sel: null }, true));

  const times = timeBar(changes => go(changes), text => banner(text));

  const toggles = SOURCES.map(s => el('label', { class: 'source', 'data-source': s.id, title: s.kinds.join(', ') },
    el('input', { type: 'checkbox', class: 'hidden', onchange: () => {
      const off = state.off.includes(s.id) ? state.off.filter(x => x !== s.id) : [...state.off, s.id];
      go({ off, sel: null });
    } }),
    el('span', { class: 'sw' }), s.label, el('span', { class: 'n' })));
  toggles.forEach((t, i) => { t.querySelector('.sw').style.background = SOURCES[i].color; });
  const rangeLabel = el('span', { class: 'range', id: 'range-label' });
  const total = el('span', { class: 'total', id: 'total' });
  const alertBox = el('div', { class: 'alert banner hidden', id: 'banner', role: 'alert' });
  const body = el('div', { class: 'body' }, scopeTree.element, events.element);

  const root = el('div', { class: 'activity' },
    el('div', { class: 'toolbar' }, filter.element, times.element),
    el('div', { class: 'strip' }, alertBox,
      el('div', { class: 'strip-head' }, el('div', { class: 'sources', id: 'sources' }, ...toggles), rangeLabel, total),
      hist.element),
    body);
  container.append(root);

  function banner(text) {
    alertBox.textContent = text || '';
    alertBox.classList.toggle('hidden', !text);
  }

  function failed(err) {
    if (err.name === 'AbortError') return true;
    if (err instanceof ApiError && err.status === 401) { ctx.unauthorized(err); return true; }
    if (err instanceof ApiError && err.status === 400 && err.body.diagnostics) {
      filter.error(err, state.q ? 1 : 0);
      events.message('The filter has an error (shown under the filter bar). Fix it and press Enter.');
      clearCounts();
      return true;
    }
    clearCounts();
    banner(err instanceof ApiError ? `The server answered ${err.status}: ${err.message}` : `Cannot reach the server: ${err.message}`);
    return true;
  }

  /** No numbers from an earlier query stay on screen next to an error. */
  function clearCounts() {
    hist.clear();
    toggles.forEach(t => { t.querySelector('.n').textContent = ''; });
    total.replaceChildren();
    scopeTree.clear();
  }

  function renderControls() {
    filter.set(state.q);
    times.set(state, range);
    toggles.forEach((t, i) => {
      const off = state.off.includes(SOURCES[i].id);
      t.classList.toggle('off', off);
      t.querySelector('input').checked = !off;
      t.setAttribute('aria-pressed', off ? 'false' : 'true');
    });
    const levels = LEVELS[state.by];
    filter.setChips(state.scope.map((v, i) => el('span', { class: 'chip', 'data-level': levels[i], title: scopeCondition(state.by, levels[i], v) },
      el('span', { class: 'f' }, levels[i]), el('code', {}, v === null ? `(no ${levels[i]})` : v),
      el('button', { title: 'Remove', 'aria-label': 'Remove ' + levels[i], onclick: () => go({ scope: state.scope.slice(0, i), sel: null }) }, '×'))));
    rangeLabel.textContent = `${isoMs(range.fromMs)} → ${isoMs(range.toMs)}  (${duration(range.toMs - range.fromMs)})`;
  }

  function rememberValues(f) {
    const m = new Map();
    const add = (k, v) => { if (v) { if (!m.has(k)) m.set(k, new Set()); m.get(k).add(v); } };
    for (const r of f.rows) {
      r.path.forEach((v, i) => {
        if (v === null) return;
        const level = f.levels[i];
        if (level === 'cluster') add('k8s.cluster.name', v);
        else if (level === 'namespace') add('k8s.ns.name', v);
        else if (level === 'workload') { add('k8s.workload.kind', v.split('/')[0]); add('k8s.workload.name', v.slice(v.indexOf('/') + 1)); }
        else if (level === 'pod' && f.by === 'node') { add('k8s.ns.name', v.split('/')[0]); add('k8s.pod.name', v.slice(v.indexOf('/') + 1)); }
        else if (level === 'pod') add('k8s.pod.name', v);
        else if (level === 'container') add('container.name', v);
        else if (level === 'node') { add('k8s.node.name', v); add('evt.hostname', v); }
      });
    }
    facetValues = new Map([...m].map(([k, s]) => [k, [...s].sort()]));
  }

  async function load() {
    if (request) request.abort();
    request = new AbortController();
    const signal = request.signal;
    banner(null);
    filter.clearError();
    const levels = LEVELS[state.by];
    const scopeConds = state.scope.map((v, i) => scopeCondition(state.by, levels[i], v));
    const kinds = kindsCondition(state.off);
    eventsFilter = compose(state.q, [...scopeConds, kinds]);
    const when = { from: isoMs(range.fromMs), to: isoMs(range.toMs) };
    const buckets = Math.max(30, Math.min(240, Math.floor((hist.element.clientWidth || 1200) / 8)));
    events.setLoading(true);
    // with every source off nothing can match: no need to ask (the histogram still shows what is there)
    const allOff = state.off.length === SOURCES.length;
    const pEvents = allOff ? Promise.resolve({ events: [], next_cursor: null })
      : get('/api/v1/events', { filter: eventsFilter, ...when, limit: PAGE }, signal);
    const pHist = get('/api/v1/histogram', { filter: compose(state.q, scopeConds), ...when, buckets, split: 'kind' }, signal);
    const pFacets = allOff ? Promise.resolve({ by: state.by, levels: LEVELS[state.by], rows: [] })
      : get('/api/v1/facets', { filter: compose(state.q, [kinds]), ...when, by: state.by, max_pods: 50 }, signal);
    // the first failure is reported below; the others must not surface as unhandled rejections
    for (const p of [pEvents, pHist, pFacets]) p.catch(() => {});
    try {
      const h = await pHist;
      const bySource = SOURCES.map(s => h.buckets.reduce((n, b) => n + s.kinds.reduce((m, k) => m + Number(b.by_kind[k] || 0), 0), 0));
      const enabled = new Set(SOURCES.filter(s => !state.off.includes(s.id)).map(s => s.id));
      const shown = state.off.length ? bySource.reduce((n, c, i) => n + (enabled.has(SOURCES[i].id) ? c : 0), 0) : Number(h.total);
      toggles.forEach((t, i) => { t.querySelector('.n').textContent = num(bySource[i]); });
      total.replaceChildren(el('b', { class: 'num' }, num(shown)), ' events');
      hist.set(h, enabled);
      events.setTotal(shown);
      const page = await pEvents;
      cursor = page.next_cursor;
      events.reset(page.events, !!cursor, shown);
      if (allOff) events.message('Every source is turned off: turn one on to see its events.');
      else if (!page.events.length) events.message('No events match this filter, scope and time range.');
      const f = await pFacets;
      rememberValues(f);
      scopeTree.set(f, state.scope, state.by);
    } catch (err) {
      failed(err);
    }
  }

  async function loadMore() {
    if (!cursor) return;
    const c = cursor;
    cursor = null;
    events.setLoading(true);
    try {
      const page = await get('/api/v1/events', { filter: eventsFilter, from: isoMs(range.fromMs), to: isoMs(range.toMs), limit: PAGE, cursor: c }, request.signal);
      cursor = page.next_cursor;
      events.append(page.events, !!cursor);
    } catch (err) {
      if (err.name === 'AbortError') return; // a new query replaced this one, with its own cursor
      cursor = c;
      events.setLoading(false);
      failed(err);
    }
  }

  /**
   * A link with an event selected (a policy event's context) shows it among its neighbours: the pages up to it are
   * loaded, at most MAX_REACH of them.
   */
  async function reach(sel) {
    const loaded = () => events.events().some(x => String(x['podtrail.id']) === sel);
    for (let pages = 0; sel && cursor && pages < MAX_REACH && !loaded(); pages++) await loadMore();
  }

  async function showSelection(reveal) {
    if (!state.sel) {
      body.classList.remove('with-detail');
      pane.element.remove();
      events.select(null);
      return;
    }
    let e = events.events().find(x => String(x['podtrail.id']) === state.sel);
    if (!e) {
      try {
        const page = await get('/api/v1/events', { filter: `podtrail.id = ${state.sel}`, limit: 1 });
        e = page.events[0];
      } catch (err) {
        failed(err);
        return;
      }
    }
    if (!e) { banner(`Event ${state.sel} is not in the trail (or not in your scope).`); return; }
    pane.show(e);
    if (!pane.element.isConnected) body.append(pane.element);
    body.classList.add('with-detail');
    if (reveal) events.reveal(e); else events.select(e);
  }

  const ready = fields().then(f => {
    filter.setCatalogue(f.fields);
    pane.setCatalogue(f.fields);
  }).catch(err => failed(err));

  return {
    async update(params) {
      await ready.catch(() => {});
      state = parseState(params);
      const key = stateParams({ ...state, sel: null }).toString();
      if (key !== dataKey) {
        dataKey = key;
        range = timeRange(state);
        renderControls();
        await load();
        await reach(state.sel);
        await showSelection(true);
      } else {
        renderControls();
        await showSelection(false);
      }
    },
    destroy() {
      if (request) request.abort();
      root.remove();
    },
  };
}
