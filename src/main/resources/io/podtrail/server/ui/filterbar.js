// The filter bar: Falco's condition language with completion of field names (from /api/v1/fields), operators,
// and values where they are cheap (fixed enumerations, and the names in the scope tree already loaded);
// an invalid filter is shown with a caret under the position the server's diagnostic names.
import { el, quote } from './format.js';

/** `(q) and part and ...`; the user's text comes first, after one "(", so a diagnostic's position - 1 is in it. */
export function compose(q, parts) {
  return [q ? '(' + q + ')' : null, ...parts].filter(Boolean).join(' and ');
}

const OPERATORS = ['=', '!=', 'in', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'exists',
  '<', '<=', '>', '>=', 'intersects', 'pmatch'];
const KEYWORDS = ['and', 'or', 'not'];
const ENUMS = {
  'podtrail.kind': ['exec', 'exit', 'connect', 'accept', 'close', 'file', 'k8s_api', 'other'],
  'podtrail.format': ['k8s-audit', 'tetragon', 'falco', 'podtrail'],
  'peer.kind': ['pod', 'service', 'node', 'loopback', 'trusted', 'external'],
  'peer.known': ['true', 'false'],
  'ka.verb': ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'],
  'fd.l4proto': ['tcp', 'udp'],
  'session.kind': ['exec', 'attach', 'debug', 'portforward', 'outside_api'],
  'session.confidence': ['exact', 'ambiguous', 'unmatched', 'pending'],
  'session.allowed': ['true', 'false'],
  'session.tty': ['true', 'false'],
};

/**
 * @param onApply (text) => void, when the user presses Enter
 * @param values  (field) => string[] of known values for a field (may be empty)
 */
export function filterBar(onApply, values) {
  const input = el('input', { id: 'filter', type: 'text', spellcheck: 'false', autocomplete: 'off',
    'aria-label': 'Filter', placeholder: 'Filter, e.g.  proc.name = tcpdump and k8s.ns.name = billing' });
  const frame = el('div', { class: 'filter-input' }, el('span', { class: 'label' }, 'Filter'), input);
  const menu = el('div', { class: 'complete hidden', id: 'completions', role: 'listbox' });
  const error = el('div', { class: 'filter-error hidden', id: 'filter-error', role: 'alert' });
  const chips = el('div', { class: 'chips', id: 'chips' });
  const box = el('div', { class: 'filter' }, el('div', { class: 'filter-box' }, frame, menu), error, chips);
  let catalogue = [];
  let items = [];
  let active = 0;
  let replaceFrom = 0;

  function context() {
    const text = input.value;
    const caret = input.selectionStart ?? text.length;
    const before = text.slice(0, caret);
    const word = /[A-Za-z0-9_.\[\]\-:/"'*]*$/.exec(before)[0];
    const start = caret - word.length;
    const head = before.slice(0, start);
    // FIELD OP [(a, b,] VALUE  -> values of FIELD
    const valueCtx = /([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?:\[[^\]]*\])?)\s*(?:=|==|!=|contains|icontains|startswith|endswith|glob|in\s*\((?:[^()]*,)?|intersects\s*\((?:[^()]*,)?)\s*$/.exec(head);
    if (valueCtx) return { kind: 'value', field: valueCtx[1], word, start, caret };
    // FIELD  -> operators
    const opCtx = /([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?:\[[^\]]*\])?)\s+$/.exec(head);
    if (opCtx && !word.includes('.')) return { kind: 'operator', word, start, caret };
    // a value just ended -> and/or
    if (/("[^"]*"|'[^']*'|\)|[^\s(=!<>]+\s*(=|!=)\s*[^\s()]+)\s+$/.test(head) && !/(and|or|not)\s+$/.test(head)) {
      return { kind: 'keyword', word, start, caret };
    }
    return { kind: 'field', word, start, caret };
  }

  function suggest() {
    const c = context();
    const w = c.word.replace(/^["']/, '').toLowerCase();
    let list = [];
    if (c.kind === 'field') {
      if (!c.word && input.value.trim() && !/(\(|and|or|not)\s*$/.test(input.value.slice(0, c.caret))) list = [];
      else list = catalogue.filter(f => f.name.toLowerCase().includes(w))
        .sort((a, b) => (b.name.startsWith(w) - a.name.startsWith(w)))
        .slice(0, 60).map(f => ({ text: f.name.endsWith('[ARG]') ? f.name.replace('[ARG]', '[') : f.name + ' ', label: f.name, hint: f.description }));
      if (c.word) list.unshift(...KEYWORDS.filter(k => k.startsWith(w) && k !== w).map(k => ({ text: k + ' ', label: k, hint: '' })));
    } else if (c.kind === 'operator') {
      list = OPERATORS.filter(o => o.startsWith(w)).map(o => ({ text: o + ' ', label: o, hint: '' }));
    } else if (c.kind === 'keyword') {
      list = KEYWORDS.filter(k => k.startsWith(w)).map(k => ({ text: k + ' ', label: k, hint: '' }));
    } else {
      const field = c.field.replace(/\[.*$/, '');
      const known = [...new Set([...(ENUMS[field] || []), ...values(field)])];
      list = known.filter(v => v.toLowerCase().includes(w)).slice(0, 60)
        .map(v => ({ text: (ENUMS[field] && /^[A-Za-z0-9_\-]+$/.test(v) ? v : quote(v)) + ' ', label: v, hint: '' }));
    }
    if (list.length === 1 && list[0].label === c.word) list = [];
    items = list;
    replaceFrom = c.start;
    active = 0;
    show();
  }

  function show() {
    if (!items.length || document.activeElement !== input) { menu.classList.add('hidden'); return; }
    menu.replaceChildren(...items.map((it, i) => el('div', { class: i === active ? 'sel' : null, 'data-i': i, role: 'option' },
      el('span', { class: 'v' }, it.label), it.hint ? el('span', { class: 'd' }, it.hint) : null)));
    menu.classList.remove('hidden');
    const sel = menu.children[active];
    if (sel) sel.scrollIntoView({ block: 'nearest' });
  }

  function accept(i) {
    const it = items[i];
    if (!it) return;
    const caret = input.selectionStart ?? input.value.length;
    const after = input.value.slice(caret).replace(/^[A-Za-z0-9_.\[\]\-:/"']*/, '');
    input.value = input.value.slice(0, replaceFrom) + it.text + after;
    const pos = replaceFrom + it.text.length;
    input.setSelectionRange(pos, pos);
    input.focus();
    suggest();
  }

  input.addEventListener('input', suggest);
  input.addEventListener('focus', suggest);
  input.addEventListener('click', suggest);
  input.addEventListener('blur', () => setTimeout(() => menu.classList.add('hidden'), 150));
  input.addEventListener('keydown', e => {
    const open = !menu.classList.contains('hidden');
    if (open && e.key === 'ArrowDown') { active = (active + 1) % items.length; show(); e.preventDefault(); }
    else if (open && e.key === 'ArrowUp') { active = (active - 1 + items.length) % items.length; show(); e.preventDefault(); }
    else if (open && e.key === 'Tab') { accept(active); e.preventDefault(); }
    else if (e.key === 'Escape') { menu.classList.add('hidden'); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      menu.classList.add('hidden');
      onApply(input.value.trim());
    }
  });
  menu.addEventListener('mousedown', e => {
    const d = e.target.closest('[data-i]');
    if (d) { e.preventDefault(); accept(Number(d.dataset.i)); }
  });

  return {
    element: box,
    setCatalogue(fields) { catalogue = fields; },
    set(text) { input.value = text; },
    /** Shows the server's diagnostic under the filter; `offset` maps its position into the user's text. */
    error(err, offset) {
      const d = (err.body.diagnostics || [])[0];
      frame.classList.add('error');
      const text = input.value;
      const parts = [el('div', {}, d ? d.message : err.message)];
      if (d) {
        const pos = Math.max(0, Math.min(text.length, d.position - offset));
        const len = Math.max(1, Math.min(d.length || 1, text.length - pos || 1));
        parts.push(el('pre', {}, text + '\n', el('span', { class: 'caret' }, ' '.repeat(pos) + '^' + '~'.repeat(len - 1)),
          el('span', {}, `  column ${pos + 1}`)));
      }
      error.replaceChildren(...parts);
      error.classList.remove('hidden');
    },
    clearError() { frame.classList.remove('error'); error.classList.add('hidden'); },
    setChips(list) { chips.replaceChildren(...list); },
    focus() { input.focus(); },
  };
}
