// The Policy events screen: rule matches newest first, filtered by priority, rule, tag and namespace on top of
// the filter bar and the time range. A row opens its triggering event in the Activity view (scoped to its
// container, five minutes either side, the event selected); its session link opens the session page.
// State in the URL's query:
//   q  the filter   range | from, to  the time range   pri  priorities shown (comma list; none: all)
//   rule, tag, ns   one rule, one tag, one namespace   sel  podtrail.id of the triggering event to highlight
import { get, fields, ApiError } from './api.js';
import { el, isoNs, isoMs, nsToMs, num, duration, quote } from './format.js';
import { filterBar, compose } from './filterbar.js';
import { parseRange, putRange, timeRange, timeBar } from './timebar.js';

/** Falco's priorities, most severe first, as the API spells them. */
export const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'];
const PAGE = 200;
const OPTIONS = 2000;
const AROUND = 5 * 60e3;

export function priorityBadge(p) {
  const name = PRIORITIES.find(x => x.toLowerCase() === String(p || '').toLowerCase()) || p || '?';
  return el('span', { class: 'prio p-' + String(name).toLowerCase() }, name);
}

export function parseState(p) {
  const pri = (p.get('pri') || '').split(',').filter(x => PRIORITIES.includes(x));
  return { q: p.get('q') || '', ...parseRange(p, '24h'), pri, rule: p.get('rule') || '', tag: p.get('tag') || '',
    ns: p.get('ns') || '', sel: p.get('sel') || null };
}

export function stateParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  putRange(p, s);
  if (s.pri.length) p.set('pri', s.pri.join(','));
  if (s.rule) p.set('rule', s.rule);
  if (s.tag) p.set('tag', s.tag);
  if (s.ns) p.set('ns', s.ns);
  if (s.sel) p.set('sel', s.sel);
  return p;
}

/** Where a policy event happened: ns/pod (container), or the node, or the API request's target. */
export function scopeText(p) {
  const e = p.event || {};
  if (p['k8s.pod.name']) return `${p['k8s.ns.name'] ? p['k8s.ns.name'] + '/' : ''}${p['k8s.pod.name']}${p['container.name'] ? ' (' + p['container.name'] + ')' : ''}`;
  if (e['podtrail.kind'] === 'k8s_api') {
    return [e['ka.target.resource'], [e['ka.target.namespace'], e['ka.target.name']].filter(Boolean).join('/')].filter(Boolean).join(' ');
  }
  if (p['k8s.ns.name']) return p['k8s.ns.name'];
  if (p['evt.hostname']) return 'host ' + p['evt.hostname'];
  return '';
}

/**
 * The Activity view of a policy event's triggering event: five minutes either side, scoped to its container
 * (through the scope tree's path, so the scope shows as chips), the event selected.
 */
export function activityLink(ctx, p) {
  const t = nsToMs(p['evt.time']);
  const params = { from: isoMs(t - AROUND), to: isoMs(t + AROUND), sel: String(p['podtrail.id']) };
  const e = p.event || {};
  const wl = p['k8s.workload.name'] ? `${p['k8s.workload.kind'] || ''}/${p['k8s.workload.name']}` : null;
  if (e['podtrail.kind'] === 'k8s_api') {
    // an API request is in the namespace it targets; its pod (if any) has no container of the request
    if (p['k8s.ns.name']) params.scope = JSON.stringify([p['k8s.cluster.name'] ?? null, p['k8s.ns.name']]);
  } else if (p['k8s.pod.name']) {
    params.scope = JSON.stringify([p['k8s.cluster.name'] ?? null, p['k8s.ns.name'] ?? null, wl, p['k8s.pod.name'], p['container.name'] ?? null]);
  } else if (p['container.id']) {
    params.q = `container.id = ${quote(p['container.id'])}`;
  } else if (p['evt.hostname']) {
    params.q = `evt.hostname = ${quote(p['evt.hostname'])}`;
  }
  return ctx.link('activity', params);
}

export function mount(container, ctx) {
  let state = null;
  let request = null;
  let cursor = null;
  let listFilter = '';
  let range = null;
  let optionsKey = null;
  let values = new Map();
  const go = (changes, replace = false) => ctx.navigate(stateParams({ ...state, ...changes }), replace);

  const filter = filterBar(q => go({ q, sel: null }), f => values.get(f) || []);
  const alertBox = el('div', { class: 'alert banner hidden', id: 'banner', role: 'alert' });
  const banner = text => { alertBox.textContent = text || ''; alertBox.classList.toggle('hidden', !text); };
  const times = timeBar(changes => go(changes), banner);
  const rangeLabel = el('span', { class: 'range', id: 'range-label' });
  const total = el('span', { class: 'total', id: 'total' });

  const prioBoxes = PRIORITIES.map(p => el('label', { class: 'source prio-toggle', 'data-priority': p },
    el('input', { type: 'checkbox', onchange: e => {
      const on = new Set(state.pri);
      if (e.target.checked) on.add(p); else on.delete(p);
      go({ pri: PRIORITIES.filter(x => on.has(x)), sel: null });
    } }), priorityBadge(p), el('span', { class: 'n' })));
  const select = (id, label, key) => {
    const s = el('select', { id, 'aria-label': label, onchange: () => go({ [key]: s.value, sel: null }) });
    return s;
  };
  const ruleSelect = select('policy-rule', 'Rule', 'rule');
  const tagSelect = select('policy-tag', 'Tag', 'tag');
  const nsSelect = select('policy-ns', 'Namespace', 'ns');
  const facets = el('div', { class: 'facets' },
    el('div', { class: 'sources', id: 'priorities' }, ...prioBoxes),
    el('label', { class: 'pick' }, 'Rule ', ruleSelect), el('label', { class: 'pick' }, 'Tag ', tagSelect),
    el('label', { class: 'pick' }, 'Namespace ', nsSelect));

  const tbody = el('tbody', { id: 'policy-rows' });
  const message = el('div', { class: 'empty hidden', id: 'policy-empty' });
  const more = el('button', { class: 'btn hidden', id: 'policy-more', onclick: () => loadMore() }, 'Load more');
  const columns = [['Time (UTC)', 'c-t'], ['Priority', 'c-prio'], ['Rule', 'c-rule'], ['Output', 'c-out'], ['Where', 'c-where'],
    ['Session', 'c-sess'], ['', 'c-go']];
  const table = el('table', { class: 'grid policy' },
    el('colgroup', {}, ...columns.map(([, c]) => el('col', { class: c }))),
    el('thead', {}, el('tr', {}, ...columns.map(([h]) => el('th', {}, h)))),
    tbody);
  const root = el('div', { class: 'page-screen' },
    el('div', { class: 'toolbar' }, filter.element, times.element),
    el('div', { class: 'strip' }, alertBox,
      el('div', { class: 'strip-head' }, el('h1', { class: 'screen-title' }, 'Policy events'), rangeLabel, total), facets),
    el('div', { class: 'scroll' }, table, message, el('div', { class: 'more' }, more)));
  container.append(root);

  tbody.addEventListener('click', e => {
    const r = e.target.closest('tr[data-activity]');
    if (r && !e.target.closest('a')) location.hash = r.dataset.activity;
  });

  function conditions(s, withFacets) {
    const c = [];
    if (s.pri.length) c.push(`policy.priority in (${s.pri.join(', ')})`);
    if (withFacets) {
      if (s.rule) c.push(`policy.rule = ${quote(s.rule)}`);
      if (s.tag) c.push(`policy.tags intersects (${quote(s.tag)})`);
      if (s.ns) c.push(`k8s.ns.name = ${quote(s.ns)}`);
    }
    return c;
  }

  function fillSelect(sel, counts, current, all) {
    const entries = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (current && !counts.has(current)) entries.unshift([current, 0]);
    sel.replaceChildren(el('option', { value: '' }, all), ...entries.map(([v, n]) => el('option', { value: v }, `${v}  (${num(n)})`)));
    sel.value = current;
  }

  function row(p) {
    const sid = p['session.id'];
    const user = p.event && (p.event['session.user.name'] || (p.event['session.kind'] === 'outside_api' ? 'outside the API' : null));
    const href = activityLink(ctx, p);
    return el('tr', { 'data-activity': href, 'data-rule': p.rule, 'data-id': String(p['podtrail.id']),
      class: state.sel === String(p['podtrail.id']) ? 'sel' : null },
    el('td', { class: 't' }, isoNs(p['evt.time'])),
    el('td', {}, priorityBadge(p.priority)),
    el('td', { class: 'rule' }, p.rule, (p.tags || []).length ? el('div', { class: 'tags' }, ...(p.tags || []).map(t => el('span', { class: 'tag' }, t))) : null),
    el('td', { class: 'output', title: p.output || '' }, el('div', { class: 'clamp' }, p.output || '')),
    el('td', { class: 'where', title: scopeText(p) }, scopeText(p)),
    el('td', { class: 'sess' }, sid ? el('a', { class: 'session-link', href: ctx.link('session', { id: sid }), title: 'Session ' + sid },
      user ? user : 'session', ' ›') : el('span', { class: 'muted' }, '—')),
    el('td', { class: 'go' }, el('a', { class: 'activity-link', href, title: 'The triggering event in the Activity view, 5 min either side' }, 'Activity ↗')));
  }

  function failed(err) {
    if (err.name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 401) { ctx.unauthorized(err); return; }
    tbody.replaceChildren();
    total.replaceChildren();
    more.classList.add('hidden');
    if (err instanceof ApiError && err.status === 400 && err.body.diagnostics) {
      filter.error(err, state.q ? 1 : 0);
      message.textContent = 'The filter has an error (shown under the filter bar). Fix it and press Enter.';
    } else if (err instanceof ApiError && err.status === 404) {
      message.textContent = 'This server has no policy events feed (GET /api/v1/policy-events answered 404): it predates detection rules.';
    } else {
      message.textContent = '';
      banner(err instanceof ApiError ? `The server answered ${err.status}: ${err.message}` : `Cannot reach the server: ${err.message}`);
    }
    message.classList.toggle('hidden', !message.textContent);
  }

  async function loadOptions(signal, when) {
    const key = JSON.stringify([state.q, when]);
    if (key === optionsKey) return;
    const r = await get('/api/v1/policy-events', { filter: compose(state.q, []), ...when, limit: OPTIONS }, signal);
    optionsKey = key;
    const count = (f) => { const m = new Map(); for (const p of r.policy_events) for (const v of [].concat(f(p) ?? [])) if (v) m.set(v, (m.get(v) || 0) + 1); return m; };
    const prios = count(p => p.priority);
    prioBoxes.forEach((b, i) => { b.querySelector('.n').textContent = num(prios.get(PRIORITIES[i]) || 0); b.classList.toggle('none', !prios.get(PRIORITIES[i])); });
    const more = r.policy_events.length >= OPTIONS ? ` of the newest ${num(OPTIONS)}` : '';
    const rules = count(p => p.rule), tags = count(p => p.tags), nss = count(p => p['k8s.ns.name']);
    values = new Map([['policy.rule', [...rules.keys()].sort()], ['rule', [...rules.keys()].sort()], ['policy.tags', [...tags.keys()].sort()],
      ['tags', [...tags.keys()].sort()], ['k8s.ns.name', [...nss.keys()].sort()], ['policy.priority', PRIORITIES], ['priority', PRIORITIES]]);
    ruleSelect.dataset.note = more;
    fillSelect(ruleSelect, rules, state.rule, 'every rule');
    fillSelect(tagSelect, tags, state.tag, 'every tag');
    fillSelect(nsSelect, nss, state.ns, 'every namespace');
  }

  async function load() {
    if (request) request.abort();
    request = new AbortController();
    const signal = request.signal;
    banner(null);
    filter.clearError();
    range = timeRange(state);
    times.set(state, range);
    rangeLabel.textContent = `${isoMs(range.fromMs)} → ${isoMs(range.toMs)}  (${duration(range.toMs - range.fromMs)})`;
    const when = { from: isoMs(range.fromMs), to: isoMs(range.toMs) };
    listFilter = compose(state.q, conditions(state, true));
    const pList = get('/api/v1/policy-events', { filter: listFilter, ...when, limit: PAGE }, signal);
    pList.catch(() => {});
    try {
      await loadOptions(signal, when);
      const r = await pList;
      cursor = r.next_cursor;
      tbody.replaceChildren(...r.policy_events.map(row));
      total.replaceChildren(el('b', { class: 'num' }, num(r.policy_events.length)), cursor ? '+ policy events' : ' policy events');
      more.classList.toggle('hidden', !cursor);
      message.textContent = 'No policy events match these filters and this time range.';
      message.classList.toggle('hidden', r.policy_events.length > 0);
      const sel = tbody.querySelector('tr.sel');
      if (sel) sel.scrollIntoView({ block: 'center' });
    } catch (err) {
      failed(err);
    }
  }

  async function loadMore() {
    if (!cursor) return;
    more.disabled = true;
    try {
      const r = await get('/api/v1/policy-events', { filter: listFilter, from: isoMs(range.fromMs), to: isoMs(range.toMs), limit: PAGE, cursor }, request.signal);
      cursor = r.next_cursor;
      tbody.append(...r.policy_events.map(row));
      const n = tbody.children.length;
      total.replaceChildren(el('b', { class: 'num' }, num(n)), cursor ? '+ policy events' : ' policy events');
      more.classList.toggle('hidden', !cursor);
    } catch (err) {
      failed(err);
    } finally {
      more.disabled = false;
    }
  }

  const ready = fields().then(f => filter.setCatalogue(f.fields)).catch(() => {});

  return {
    async update(params) {
      await ready;
      state = parseState(params);
      filter.set(state.q);
      prioBoxes.forEach((b, i) => {
        const on = state.pri.includes(PRIORITIES[i]);
        b.querySelector('input').checked = on;
        b.classList.toggle('off', state.pri.length > 0 && !on);
      });
      ruleSelect.value = state.rule;
      tagSelect.value = state.tag;
      nsSelect.value = state.ns;
      await load();
    },
    destroy() {
      if (request) request.abort();
      root.remove();
    },
  };
}
