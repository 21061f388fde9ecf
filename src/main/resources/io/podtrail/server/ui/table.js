// The events table: a virtual list (only the rows in view exist in the DOM, so tens of thousands of loaded
// rows scroll without freezing), one summary line per event, and a footer that loads the next page through
// the API cursor (also when scrolling near the end).
import { el, isoNs, num } from './format.js';
import { sourceOf } from './kinds.js';

const ROW = 24;
const OVERSCAN = 12;

function endpoint(ip, port) {
  if (ip === undefined || ip === null) return '';
  const host = String(ip).includes(':') ? `[${ip}]` : ip;
  return port === undefined || port === null ? host : `${host}:${port}`;
}

function peer(e) {
  const parts = [];
  const name = e['peer.pod'] || e['peer.service'] || e['peer.node'];
  if (e['peer.kind']) parts.push(e['peer.kind'] + (name ? ' ' + (e['peer.ns'] ? e['peer.ns'] + '/' : '') + name : ''));
  return parts.join(' ');
}

/** The "what happened" cell of an event, as DOM nodes. */
export function summary(e) {
  const k = e['podtrail.kind'];
  const proc = e['proc.name'] || e['proc.exepath'] || '';
  const arrow = s => el('span', { class: 'arrow' }, s);
  switch (k) {
    case 'exec':
      return [e['proc.cmdline'] || e['proc.exepath'] || proc];
    case 'exit': {
      // Tetragon leaves out a zero status, so a missing code says nothing: show only what is known
      const code = e['proc.exit_code'];
      const how = e['proc.exit_signal'] ? 'signal ' + e['proc.exit_signal'] : code !== undefined && code !== null ? 'code ' + code : '';
      return [proc, ' ', arrow('exited'), how ? ' ' + how : ''];
    }
    case 'connect': case 'close': {
      const p = peer(e);
      return [proc, ' ', arrow(k === 'close' ? '⨯' : '→'), ' ', endpoint(e['fd.sip'], e['fd.sport']),
        p ? el('span', { class: 'peer' }, '  ' + p) : null,
        e['peer.known'] === false ? el('span', { class: 'bad' }, '  unknown') : null];
    }
    case 'accept':
      return [proc, ' ', arrow('←'), ' ', endpoint(e['fd.cip'], e['fd.cport']), el('span', { class: 'peer' }, '  ' + peer(e))];
    case 'file':
      return [proc, ' ', arrow(e['evt.type'] || 'file'), ' ', e['fd.name'] || ''];
    case 'k8s_api': {
      const res = [e['ka.target.resource'], e['ka.target.subresource']].filter(Boolean).join('/');
      const target = [e['ka.target.namespace'], e['ka.target.name']].filter(Boolean).join('/');
      const code = e['ka.response.code'];
      return [e['ka.user.name'] || '?', ' ', e['ka.verb'] || '', ' ', res, target ? ' ' + target : '', ' ', arrow('→'), ' ',
        code >= 400 ? el('span', { class: 'bad' }, String(code)) : String(code ?? '')];
    }
    default:
      return [e['evt.type'] || k || '', ' ', proc];
  }
}

export function table(onSelect, onMore) {
  const rows = el('div', { class: 'spacer-rows' });
  const viewport = el('div', { class: 'viewport', id: 'events-viewport' }, rows);
  const status = el('span', { id: 'events-status', class: 'num' });
  const more = el('button', { class: 'btn', id: 'load-more', onclick: () => onMore() }, 'Load more');
  const foot = el('div', { class: 'tfoot' }, status, more);
  const message = el('div', { class: 'empty hidden' });
  const box = el('section', { class: 'events', 'aria-label': 'Events' },
    el('div', { class: 'thead' }, el('div', {}, 'Time (UTC)'), el('div', {}, 'Kind'), el('div', {}, 'Namespace'),
      el('div', {}, 'Pod / host'), el('div', {}, 'Event')),
    message, viewport, foot);
  let events = [];
  let selected = null;
  let hasMore = false;
  let loading = false;
  let total = null;
  let frame = 0;

  function render() {
    frame = 0;
    const top = viewport.scrollTop;
    const h = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(events.length, Math.ceil((top + h) / ROW) + OVERSCAN);
    const out = [];
    for (let i = first; i < last; i++) {
      const e = events[i];
      const kind = e['podtrail.kind'] || 'other';
      const row = el('div', {
        class: 'trow' + (selected === e ? ' sel' : ''), 'data-i': i, 'data-kind': kind,
        'data-ns': e['k8s.ns.name'] ?? '',
      },
      el('div', { class: 't' }, isoNs(e['evt.time'])),
      el('div', {}, el('span', { class: 'kind ' + sourceOf(kind).id }, kind === 'k8s_api' ? 'k8s api' : kind)),
      el('div', { title: e['k8s.ns.name'] ?? '' }, e['k8s.ns.name'] ?? el('span', { class: 'muted' }, '—')),
      el('div', { title: e['k8s.pod.name'] ?? e['evt.hostname'] ?? '' },
        e['k8s.pod.name'] ?? (e['evt.hostname'] ? el('span', { class: 'muted' }, 'host ' + e['evt.hostname']) : '')),
      el('div', { class: 'what' }, ...summary(e)));
      row.lastChild.title = row.lastChild.textContent;
      row.style.top = i * ROW + 'px';
      out.push(row);
    }
    rows.replaceChildren(...out);
    if (hasMore && !loading && last >= events.length - 5 && events.length > 0 && top > 0) onMore();
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function footer() {
    const shown = num(events.length);
    status.textContent = loading ? `${shown} events loaded, loading more…`
      : total !== null ? `${shown} of ${num(total)} events loaded` : '';
    more.classList.toggle('hidden', !hasMore);
    more.disabled = loading;
  }

  viewport.addEventListener('scroll', schedule);
  rows.addEventListener('click', e => {
    const r = e.target.closest('.trow');
    if (!r) return;
    selected = events[Number(r.dataset.i)];
    onSelect(selected);
    render();
  });
  new ResizeObserver(schedule).observe(viewport);

  return {
    element: box,
    /** Replaces the rows (a new query). */
    reset(list, more, count) {
      events = list.slice();
      hasMore = more;
      total = count;
      loading = false;
      if (!events.includes(selected)) selected = null;
      rows.style.height = events.length * ROW + 'px';
      viewport.scrollTop = 0;
      message.classList.add('hidden');
      viewport.classList.remove('hidden');
      footer();
      render();
    },
    append(list, more) {
      events.push(...list);
      hasMore = more;
      loading = false;
      rows.style.height = events.length * ROW + 'px';
      footer();
      render();
    },
    setLoading(on) { loading = on; footer(); },
    setTotal(count) { total = count; footer(); },
    /** Shows a message instead of rows (no events, an invalid filter). */
    message(text) {
      events = [];
      loading = false;
      total = null;
      rows.replaceChildren();
      rows.style.height = '0px';
      message.textContent = text;
      message.classList.remove('hidden');
      viewport.classList.add('hidden');
      hasMore = false;
      footer();
    },
    select(e) { selected = e; render(); },
    /** Selects a loaded event and scrolls it to the middle of the view. */
    reveal(e) {
      const i = events.indexOf(e);
      selected = e;
      if (i >= 0) viewport.scrollTop = Math.max(0, i * ROW - (viewport.clientHeight || 600) / 2);
      render();
    },
    events: () => events,
  };
}
