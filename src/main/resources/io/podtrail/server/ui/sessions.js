// The Sessions screen: every kubectl exec / attach / debug / port-forward (and shell started outside the API) in
// the time range, newest first, one dense row each; a row opens the session page. Its state is the URL's query:
//   q  the filter (on each session's opening event, as `podtrail sessions`)   range | from, to  the time range
import { get, fields, ApiError } from './api.js';
import { el, isoNs, nsToMs, num, duration } from './format.js';
import { filterBar } from './filterbar.js';
import { parseRange, putRange, timeRange, timeBar } from './timebar.js';

const LIMIT = 1000;

export function parseState(p) {
  return { q: p.get('q') || '', ...parseRange(p, '24h') };
}

export function stateParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  putRange(p, s);
  return p;
}

/** cluster:ns/pod (container), or the node for a session without a pod. */
export function where(s) {
  const pod = s['k8s.pod.name'] ? (s['k8s.ns.name'] ? s['k8s.ns.name'] + '/' : '') + s['k8s.pod.name'] : null;
  const container = s['session.container'];
  return [
    s['k8s.cluster.name'] ? el('span', { class: 'muted' }, s['k8s.cluster.name'] + ':') : null,
    pod || el('span', { class: 'muted' }, s['k8s.node.name'] ? 'node ' + s['k8s.node.name'] : '—'),
    container ? el('span', { class: 'muted' }, ` (${container})`) : null,
  ];
}

/** The command of a session as one line (its argv joined), or what kind of session has none. */
export function commandLine(s) {
  const argv = s['session.command'];
  // an argument with a space or a shell character is quoted, so `sh -c "cat /etc/hostname"` reads as typed
  const arg = a => /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : "'" + String(a).replace(/'/g, "'\\''") + "'";
  if (Array.isArray(argv) && argv.length) return argv.map(arg).join(' ');
  return s['session.kind'] === 'portforward' ? '(port-forward)' : s['session.kind'] === 'attach' ? '(attach)' : '';
}

export function confidenceBadge(c) {
  if (!c) return el('span', { class: 'muted' }, '—');
  return el('span', { class: 'conf ' + c, title: {
    exact: 'one request, one root process',
    ambiguous: 'more than one request or root process fits: Podtrail does not guess',
    unmatched: 'no root process was found for this request (denied, or no sensor on that node)',
    pending: 'still waiting for the processes or the request',
  }[c] || '' }, c);
}

export function allowedCell(s) {
  const code = s['session.response.code'];
  if (s['session.allowed'] === false) return el('span', { class: 'denied' }, 'DENIED' + (code ? ' ' + code : ''));
  if (s['session.allowed'] === true) return ['yes', code ? el('span', { class: 'muted' }, ' ' + code) : null];
  return el('span', { class: 'muted' }, s['session.kind'] === 'outside_api' ? 'no request' : '—');
}

/** The user, as whom, and their groups (`brief`: without the system:authenticated every user has). */
export function whoCell(s, brief = false) {
  const user = s['session.user.name'];
  if (!user) return el('span', { class: 'outside' }, s['session.kind'] === 'outside_api' ? 'outside the Kubernetes API' : 'unknown');
  const groups = (s['session.user.groups'] || []).filter(g => !brief || g !== 'system:authenticated');
  return [el('b', {}, user), s['session.impuser.name'] ? el('span', { class: 'muted' }, ' as ' + s['session.impuser.name']) : null,
    groups.length ? el('span', { class: 'muted' }, ' [' + groups.join(', ') + ']') : null];
}

export function sessionDuration(s) {
  if (s['session.start'] === null || s['session.start'] === undefined || s['session.end'] === null || s['session.end'] === undefined) return null;
  return nsToMs(s['session.end']) - nsToMs(s['session.start']);
}

export function mount(container, ctx) {
  let state = null;
  let request = null;
  let values = new Map();
  const go = (changes, replace = false) => ctx.navigate(stateParams({ ...state, ...changes }), replace);

  const filter = filterBar(q => go({ q }), f => values.get(f) || []);
  const alertBox = el('div', { class: 'alert banner hidden', id: 'banner', role: 'alert' });
  const banner = text => { alertBox.textContent = text || ''; alertBox.classList.toggle('hidden', !text); };
  const times = timeBar(changes => go(changes), banner);
  const rangeLabel = el('span', { class: 'range', id: 'range-label' });
  const total = el('span', { class: 'total', id: 'total' });
  const tbody = el('tbody', { id: 'sessions-rows' });
  const message = el('div', { class: 'empty hidden', id: 'sessions-empty' });
  const columns = [['Start (UTC)', 'c-t'], ['Who', 'c-who'], ['Source IP', 'c-ip'], ['Where', 'c-where'], ['What', 'c-what'],
    ['Allowed', 'c-allowed'], ['Duration', 'c-d'], ['Procs', 'c-n'], ['Conns', 'c-n'], ['Files', 'c-n'], ['Confidence', 'c-conf']];
  const table = el('table', { class: 'grid sessions' },
    el('colgroup', {}, ...columns.map(([, c]) => el('col', { class: c }))),
    el('thead', {}, el('tr', {}, ...columns.map(([h, c]) => el('th', { class: c === 'c-n' || c === 'c-d' ? 'num' : null }, h)))),
    tbody);
  const root = el('div', { class: 'page-screen' },
    el('div', { class: 'toolbar' }, filter.element, times.element),
    el('div', { class: 'strip' }, alertBox, el('div', { class: 'strip-head' }, el('h1', { class: 'screen-title' }, 'Sessions'), rangeLabel, total)),
    el('div', { class: 'scroll' }, table, message));
  container.append(root);

  tbody.addEventListener('click', e => {
    const r = e.target.closest('tr[data-id]');
    if (r && !e.target.closest('a')) location.hash = ctx.link('session', { id: r.dataset.id });
  });

  function remember(list) {
    const m = new Map();
    const add = (k, v) => { if (v) { if (!m.has(k)) m.set(k, new Set()); m.get(k).add(String(v)); } };
    for (const s of list) {
      for (const k of ['session.user.name', 'session.source.ip', 'k8s.cluster.name', 'k8s.ns.name', 'k8s.pod.name', 'k8s.node.name', 'session.container']) add(k, s[k]);
      (s['session.user.groups'] || []).forEach(g => add('session.user.groups', g));
    }
    values = new Map([...m].map(([k, v]) => [k, [...v].sort()]));
  }

  function row(s) {
    const d = sessionDuration(s);
    const what = commandLine(s);
    return el('tr', { 'data-id': s['session.id'], 'data-kind': s['session.kind'] || '', 'data-user': s['session.user.name'] || '',
      'data-ns': s['k8s.ns.name'] || '', class: s['session.allowed'] === false ? 'is-denied' : null },
    el('td', { class: 't' }, el('a', { href: ctx.link('session', { id: s['session.id'] }) }, isoNs(s['session.start']))),
    el('td', { class: 'user', title: [s['session.user.name'], ...(s['session.user.groups'] || [])].filter(Boolean).join(' ') }, whoCell(s, true)),
    el('td', { class: 'mono' }, s['session.source.ip'] || ''),
    el('td', { class: 'where', title: [s['k8s.cluster.name'], s['k8s.ns.name'], s['k8s.pod.name'], s['session.container']].filter(Boolean).join(' / ') }, where(s)),
    el('td', { class: 'what', title: what }, el('span', { class: 'skind ' + (s['session.kind'] || '') }, (s['session.kind'] || '').replace('_', ' ')), ' ',
      el('span', { class: 'mono' }, what), s['session.tty'] ? el('span', { class: 'tag' }, 'tty') : null),
    el('td', { class: 'allowed' }, allowedCell(s)),
    el('td', { class: 'num' }, d === null ? el('span', { class: 'muted' }, 'open') : duration(d)),
    el('td', { class: 'num' }, num(s.processes ?? 0)),
    el('td', { class: 'num' }, num(s.connections ?? 0)),
    el('td', { class: 'num' }, num(s.files ?? 0)),
    el('td', {}, confidenceBadge(s['session.confidence'])));
  }

  async function load() {
    if (request) request.abort();
    request = new AbortController();
    banner(null);
    filter.clearError();
    const range = timeRange(state);
    times.set(state, range);
    rangeLabel.textContent = `${new Date(range.fromMs).toISOString()} → ${new Date(range.toMs).toISOString()}  (${duration(range.toMs - range.fromMs)})`;
    total.replaceChildren();
    try {
      const r = await get('/api/v1/sessions', { filter: state.q, from: new Date(range.fromMs).toISOString(),
        to: new Date(range.toMs).toISOString(), limit: LIMIT }, request.signal);
      const list = r.sessions;
      remember(list);
      tbody.replaceChildren(...list.map(row));
      const denied = list.filter(s => s['session.allowed'] === false).length;
      const unsure = list.filter(s => s['session.confidence'] === 'ambiguous' || s['session.confidence'] === 'unmatched').length;
      total.replaceChildren(el('b', { class: 'num' }, num(list.length)), list.length >= LIMIT ? ' sessions (the newest ' + num(LIMIT) + ')' : ' sessions',
        denied ? el('span', { class: 'denied' }, `  ${num(denied)} denied`) : null,
        unsure ? el('span', { class: 'muted' }, `  ${num(unsure)} ambiguous or unmatched`) : null);
      message.textContent = 'No sessions match this filter and time range.';
      message.classList.toggle('hidden', list.length > 0);
    } catch (err) {
      if (err.name === 'AbortError') return;
      tbody.replaceChildren();
      if (err instanceof ApiError && err.status === 401) { ctx.unauthorized(err); return; }
      if (err instanceof ApiError && err.status === 400 && err.body.diagnostics) {
        filter.error(err, 0);
        message.textContent = 'The filter has an error (shown under the filter bar). Fix it and press Enter.';
        message.classList.remove('hidden');
        return;
      }
      banner(err instanceof ApiError ? `The server answered ${err.status}: ${err.message}` : `Cannot reach the server: ${err.message}`);
    }
  }

  const ready = fields().then(f => filter.setCatalogue(f.fields)).catch(() => {});

  return {
    async update(params) {
      await ready;
      state = parseState(params);
      filter.set(state.q);
      await load();
    },
    destroy() {
      if (request) request.abort();
      root.remove();
    },
  };
}
