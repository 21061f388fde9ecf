// The session page (#/session?id=ID): who opened the session and where, the process tree it caused, a
// time-ordered timeline of its commands, connections (the peer as it was then, unknown destinations marked) and
// file actions, and the policy events it raised. Data: GET /api/v1/sessions/{id} and the policy-events feed
// filtered on `session.id`.
import { get, ApiError } from './api.js';
import { el, isoNs, isoMs, nsToMs, num, duration, quote } from './format.js';
import { sourceOf } from './kinds.js';
import { where, commandLine, confidenceBadge, allowedCell, whoCell, sessionDuration } from './sessions.js';
import { priorityBadge } from './policy.js';

function endpoint(ip, port) {
  if (ip === undefined || ip === null) return '';
  const host = String(ip).includes(':') ? `[${ip}]` : ip;
  return port === undefined || port === null ? host : `${host}:${port}`;
}

/** The peer of a connection as it was resolved at that time: "service billing/billing-api", "external", ... */
export function peerText(e) {
  const kind = e['peer.kind'];
  if (!kind) return 'unresolved';
  const ns = e['peer.ns'] ? e['peer.ns'] + '/' : '';
  if (kind === 'service' && e['peer.service']) return `service ${ns}${e['peer.service']}`;
  if (kind === 'pod' && e['peer.pod']) return `pod ${ns}${e['peer.pod']}`;
  if (kind === 'node' && e['peer.node']) return `node ${e['peer.node']}`;
  return kind;
}

/** Relative time from the session's start: +1:05.250 */
function offset(ns, startMs) {
  const ms = nsToMs(ns) - startMs;
  const sign = ms < 0 ? '−' : '+';
  const a = Math.abs(ms);
  const m = Math.floor(a / 60000);
  const s = ((a % 60000) / 1000).toFixed(3).padStart(6, '0');
  return `${sign}${m}:${s}`;
}

/** One timeline line of an event: [kind label, DOM nodes of what happened, unknown?]. */
function describe(e) {
  const k = e['podtrail.kind'];
  const proc = e['proc.name'] || e['proc.exepath'] || '';
  const arrow = s => el('span', { class: 'arrow' }, s);
  switch (k) {
    case 'exec':
      return ['command', [el('span', { class: 'cmd' }, e['proc.cmdline'] || e['proc.exepath'] || proc)], false];
    case 'exit': {
      const code = e['proc.exit_code'];
      const how = e['proc.exit_signal'] ? 'signal ' + e['proc.exit_signal'] : code !== undefined && code !== null ? 'code ' + code : '';
      return ['exit', [proc, ' ', arrow('exited'), how ? ' ' + how : ''], false];
    }
    case 'connect': case 'accept': case 'close': {
      // the connection is marked once, where it is opened
      const unknown = e['peer.known'] === false && k !== 'close';
      const addr = k === 'accept' ? endpoint(e['fd.cip'], e['fd.cport']) : endpoint(e['fd.sip'], e['fd.sport']);
      return [k === 'accept' ? 'accept' : k === 'close' ? 'close' : 'connect', [proc, ' ', arrow(k === 'accept' ? '←' : k === 'close' ? '⨯' : '→'), ' ',
        el('span', { class: 'addr' }, addr), '  ', el('span', { class: 'peer' }, peerText(e)),
        unknown ? el('span', { class: 'unknown' }, 'UNKNOWN destination') : null], unknown];
    }
    case 'file':
      return ['file', [proc, ' ', arrow(e['evt.type'] || 'file'), ' ', el('span', { class: 'path' }, e['fd.name'] || '')], false];
    case 'k8s_api': {
      const res = [e['ka.target.resource'], e['ka.target.subresource']].filter(Boolean).join('/');
      const code = e['ka.response.code'];
      return ['k8s api', [e['ka.user.name'] || '?', ' ', e['ka.verb'] || '', ' ', res, ' ',
        [e['ka.target.namespace'], e['ka.target.name']].filter(Boolean).join('/'), ' ', arrow('→'), ' ',
        code >= 400 ? el('span', { class: 'unknown' }, String(code)) : String(code ?? ''),
        e['ka.stage'] ? el('span', { class: 'muted' }, '  ' + e['ka.stage']) : null], false];
    }
    default:
      return [k || 'event', [e['evt.type'] || '', ' ', proc], false];
  }
}

export function mount(container, ctx) {
  let request = null;
  const root = el('div', { class: 'page-screen' });
  const page = el('div', { class: 'session-page', id: 'session-page' });
  root.append(el('div', { class: 'scroll' }, page));
  container.append(root);

  function fail(err) {
    if (err.name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 401) { ctx.unauthorized(err); return; }
    const text = err instanceof ApiError && err.status === 404
      ? 'There is no such session, or it is outside your scope.'
      : err instanceof ApiError ? `The server answered ${err.status}: ${err.message}` : `Cannot reach the server: ${err.message}`;
    page.replaceChildren(el('p', {}, el('a', { href: ctx.link('sessions', {}) }, '← Sessions')),
      el('div', { class: 'alert', id: 'banner', role: 'alert' }, text));
  }

  function field(label, ...value) {
    return [el('dt', {}, label), el('dd', {}, ...value)];
  }

  function header(s, id) {
    const startMs = s['session.start'] !== null && s['session.start'] !== undefined ? nsToMs(s['session.start']) : null;
    const d = sessionDuration(s);
    const tty = [s['session.tty'] ? 'tty' : null, s['session.stdin'] ? 'stdin' : null].filter(Boolean);
    const candidates = s['session.candidates'] || [];
    const cid = s['container.id'];
    return el('section', { class: 'card session-head', id: 'session-head' },
      el('div', { class: 'card-title' },
        el('h1', {}, el('span', { class: 'skind ' + (s['session.kind'] || '') }, (s['session.kind'] || 'session').replace('_', ' ')), ' ',
          el('span', { class: 'mono' }, commandLine(s) || '(no command)')),
        confidenceBadge(s['session.confidence'])),
      el('dl', { class: 'facts' },
        ...field('User', whoCell(s)),
        ...field('Source IP', el('span', { class: 'mono' }, s['session.source.ip'] || '—')),
        ...field('User agent', el('span', { class: 'mono small' }, s['session.useragent'] || '—')),
        ...field('Where', where(s)),
        ...field('Container', s['session.container'] || el('span', { class: 'muted' }, '(default)'),
          cid ? el('span', { class: 'mono muted' }, '  ' + String(cid).slice(0, 12)) : null),
        ...field('Node', s['k8s.node.name'] || el('span', { class: 'muted' }, '—')),
        ...field('Command', el('span', { class: 'mono' }, commandLine(s) || '—'), tty.map(t => el('span', { class: 'tag' }, t))),
        ...field('Start', el('span', { class: 'mono' }, startMs === null ? '—' : isoNs(s['session.start']))),
        ...field('End', el('span', { class: 'mono' }, s['session.end'] === null || s['session.end'] === undefined ? 'still open' : isoNs(s['session.end'])),
          d === null ? null : el('span', { class: 'muted' }, `  (${duration(d)})`)),
        ...field('Allowed', allowedCell(s)),
        ...field('Confidence', confidenceBadge(s['session.confidence']),
          candidates.length ? el('span', { class: 'muted' }, `  ${candidates.length} candidate root processes: `) : null,
          candidates.length ? el('span', { class: 'mono small' }, candidates.join(', ')) : null),
        ...field('Session', el('span', { class: 'mono small' }, id))));
  }

  function processTree(tree, startMs) {
    if (!tree.length) {
      return el('section', { class: 'card', id: 'process-tree' }, el('h2', {}, 'Process tree'),
        el('p', { class: 'muted' }, 'No process is attributed to this session.'));
    }
    const rows = tree.map(n => {
      const acts = n.activity || [];
      const conns = acts.filter(e => ['connect', 'accept'].includes(e['podtrail.kind']));
      const unknown = conns.filter(e => e['peer.known'] === false).length;
      const files = acts.filter(e => e['podtrail.kind'] === 'file').length;
      const exit = n.exit === null || n.exit === undefined ? el('span', { class: 'muted' }, 'running')
        : n.exit_code === null || n.exit_code === undefined ? el('span', { class: 'muted' }, 'exited')
          : n.exit_code === 0 ? el('span', { class: 'muted' }, 'exit 0') : el('span', { class: 'warn' }, 'exit ' + n.exit_code);
      return el('tr', { 'data-exec': n.exec_id, 'data-depth': n.depth },
        el('td', { class: 't' }, n.start === null || n.start === undefined ? '' : isoNs(n.start),
          startMs !== null && n.start !== null && n.start !== undefined ? el('span', { class: 'rel' }, ' ' + offset(n.start, startMs)) : null),
        el('td', { class: 'cmd' }, el('span', { class: 'indent' }, '    '.repeat(n.depth) + (n.depth ? '└ ' : '')),
          el('span', { class: 'mono' }, n.cmdline || n.exepath || '?')),
        el('td', { class: 'num' }, conns.length ? [num(conns.length) + ' conn', unknown ? el('span', { class: 'unknown' }, ` ${unknown} unknown`) : null] : ''),
        el('td', { class: 'num' }, files ? num(files) + ' file' : ''),
        el('td', {}, exit));
    });
    return el('section', { class: 'card', id: 'process-tree' }, el('h2', {}, 'Process tree', el('span', { class: 'count' }, num(tree.length))),
      el('table', { class: 'grid tree-table' }, el('tbody', {}, ...rows)));
  }

  function timeline(events, startMs, raised, activityHref) {
    const rows = events.map(e => {
      const [label, what, unknown] = describe(e);
      const flags = raised.get(String(e['podtrail.id'])) || [];
      const kind = e['podtrail.kind'] || 'other';
      return el('tr', { class: unknown ? 'is-unknown' : null, 'data-kind': kind, 'data-id': String(e['podtrail.id']) },
        el('td', { class: 't' }, isoNs(e['evt.time']), startMs === null ? null : el('span', { class: 'rel' }, ' ' + offset(e['evt.time'], startMs))),
        el('td', {}, el('span', { class: 'kind ' + sourceOf(kind).id }, label)),
        el('td', { class: 'what' }, ...what,
          ...flags.map(p => el('span', { class: 'raised', title: p.output || '' }, '⚑ ' + p.rule))),
        el('td', { class: 'go' }, el('a', { href: activityHref(e['podtrail.id']), title: 'This event in the Activity view' }, '↗')));
    });
    return el('section', { class: 'card', id: 'timeline' },
      el('h2', {}, 'Timeline', el('span', { class: 'count' }, num(events.length)),
        el('span', { class: 'muted sub' }, 'commands, connections and file actions, oldest first; times in UTC, + from the start')),
      events.length ? el('table', { class: 'grid timeline' }, el('tbody', {}, ...rows)) : el('p', { class: 'muted' }, 'No events.'));
  }

  function policySection(state, id, from, to) {
    if (state.error) {
      return el('section', { class: 'card', id: 'session-policy' }, el('h2', {}, 'Policy events'),
        el('p', { class: 'muted' }, state.error));
    }
    const list = state.list;
    return el('section', { class: 'card', id: 'session-policy' },
      el('h2', {}, 'Policy events it raised', el('span', { class: 'count' }, num(list.length))),
      list.length ? el('table', { class: 'grid policy-mini' }, el('tbody', {}, ...list.map(p => el('tr', { 'data-rule': p.rule },
        el('td', { class: 't' }, isoNs(p['evt.time'])),
        el('td', {}, priorityBadge(p.priority)),
        el('td', { class: 'rule' }, el('a', { href: ctx.link('policy', { q: `session.id = ${quote(id)}`, from, to, sel: String(p['podtrail.id']) }) }, p.rule)),
        el('td', { class: 'output', title: p.output || '' }, el('div', { class: 'clamp' }, p.output || ''))))))
        : el('p', { class: 'muted' }, 'None.'));
  }

  async function load(id) {
    if (request) request.abort();
    request = new AbortController();
    page.replaceChildren(el('p', { class: 'muted' }, 'Loading session ' + id + '…'));
    const filter = `session.id = ${quote(id)}`;
    const pSession = get('/api/v1/sessions/' + encodeURIComponent(id), {}, request.signal);
    const pPolicy = get('/api/v1/policy-events', { filter, limit: 500 }, request.signal)
      .then(r => ({ list: r.policy_events }))
      .catch(err => {
        if (err.name === 'AbortError') throw err;
        if (err instanceof ApiError && err.status === 401) throw err;
        return { list: [], error: err instanceof ApiError && err.status === 404
          ? 'This server has no policy events feed (GET /api/v1/policy-events answered 404).'
          : `The policy events could not be read: ${err.message}` };
      });
    pPolicy.catch(() => {});
    let d;
    let policy;
    try {
      d = await pSession;
      policy = await pPolicy;
    } catch (err) {
      fail(err);
      return;
    }
    const s = d.session;
    const startMs = s['session.start'] !== null && s['session.start'] !== undefined ? nsToMs(s['session.start']) : null;
    const times = d.events.map(e => nsToMs(e['evt.time']));
    const lo = Math.min(...times, startMs ?? Infinity);
    const endMs = s['session.end'] !== null && s['session.end'] !== undefined ? nsToMs(s['session.end']) : null;
    const hi = Math.max(...times, endMs ?? -Infinity);
    const from = isoMs((isFinite(lo) ? lo : Date.now()) - 60e3);
    const to = isoMs((isFinite(hi) ? hi : Date.now()) + 60e3);
    const activityHref = sel => ctx.link('activity', { q: filter, from, to, ...(sel === undefined ? {} : { sel: String(sel) }) });
    const raised = new Map();
    for (const p of policy.list) {
      const k = String(p['podtrail.id']);
      if (!raised.has(k)) raised.set(k, []);
      raised.get(k).push(p);
    }
    page.replaceChildren(...[
      el('div', { class: 'crumbs' }, el('a', { href: ctx.link('sessions', {}) }, '← Sessions'),
        el('span', { class: 'spacer' }),
        el('a', { class: 'btn', id: 'open-activity', href: activityHref(undefined) }, 'Open in Activity'),
        el('a', { class: 'btn', href: ctx.link('policy', { q: filter, from, to }) }, 'Its policy events')),
      header(s, id),
      d.truncated ? el('div', { class: 'alert' }, `Only the first ${num(d.events.length)} events of this session are shown.`) : null,
      policySection(policy, id, from, to),
      processTree(d.tree, startMs),
      timeline(d.events, startMs, raised, activityHref)].filter(Boolean));
  }

  return {
    async update(params) {
      const id = params.get('id');
      if (!id) { location.hash = ctx.link('sessions', {}); return; }
      await load(id);
    },
    destroy() {
      if (request) request.abort();
      root.remove();
    },
  };
}
