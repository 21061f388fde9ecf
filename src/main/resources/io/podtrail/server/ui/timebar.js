// The time range shared by every screen: the preset ranges, a custom range of two UTC times, back and forward
// (the browser's history) and zoom out. Its state is part of each screen's URL: `range` (15m | 1h | 24h | 7d,
// relative to when the view is opened) or `from` and `to` (ISO 8601, UTC).
import { el, isoMs } from './format.js';

export const RANGES = [
  { id: '15m', ms: 15 * 60e3, label: '15 min' },
  { id: '1h', ms: 3600e3, label: '1 h' },
  { id: '24h', ms: 24 * 3600e3, label: '24 h' },
  { id: '7d', ms: 7 * 86400e3, label: '7 d' },
];

/** {range, from, to} of URL parameters: a valid custom range wins, else a known range, else `fallback`. */
export function parseRange(p, fallback) {
  const from = p.get('from');
  const to = p.get('to');
  const custom = from && to && !isNaN(Date.parse(from)) && !isNaN(Date.parse(to));
  return {
    range: custom ? null : (RANGES.some(r => r.id === p.get('range')) ? p.get('range') : fallback),
    from: custom ? from : null,
    to: custom ? to : null,
  };
}

/** Writes a state's range into URL parameters. */
export function putRange(p, s) {
  if (s.range) p.set('range', s.range);
  else { p.set('from', s.from); p.set('to', s.to); }
}

/** The range of a state in milliseconds, relative ranges ending now. */
export function timeRange(s) {
  if (s.range) {
    const to = Date.now();
    return { fromMs: to - RANGES.find(r => r.id === s.range).ms, toMs: to };
  }
  return { fromMs: Date.parse(s.from), toMs: Date.parse(s.to) };
}

/**
 * The bar of range buttons.
 * @param go      (changes) => void: navigates to the state with {range, from, to} changed
 * @param banner  (text) => void: shows a problem with the custom range
 */
export function timeBar(go, banner) {
  let range = null;
  const rangeButtons = RANGES.map(r => el('button', { 'data-range': r.id, onclick: () => go({ range: r.id, from: null, to: null }) }, r.label));
  const fromInput = el('input', { id: 'range-from', spellcheck: 'false', 'aria-label': 'From (UTC)' });
  const toInput = el('input', { id: 'range-to', spellcheck: 'false', 'aria-label': 'To (UTC)' });
  const customBox = el('div', { class: 'custom-range hidden' }, fromInput, el('span', { class: 'muted' }, '→'), toInput,
    el('button', { class: 'btn', id: 'range-apply', onclick: () => {
      const a = Date.parse(fromInput.value), b = Date.parse(toInput.value);
      if (isNaN(a) || isNaN(b) || b <= a) { banner('The custom range needs two UTC times, the first before the second (e.g. 2026-01-31T12:00:00Z).'); return; }
      go({ range: null, from: isoMs(a), to: isoMs(b) });
    } }, 'Apply'));
  const customButton = el('button', { 'data-range': 'custom', onclick: () => {
    customBox.classList.toggle('hidden');
    fromInput.value = isoMs(range.fromMs);
    toInput.value = isoMs(range.toMs);
  } }, 'Custom');
  const canGo = dir => !window.navigation || (dir < 0 ? navigation.canGoBack : navigation.canGoForward);
  const back = el('button', { class: 'btn icon', id: 'back', title: 'Previous view (browser back)', onclick: () => history.back() }, '◀');
  const forward = el('button', { class: 'btn icon', id: 'forward', title: 'Next view (browser forward)', onclick: () => history.forward() }, '▶');
  const zoomOut = el('button', { class: 'btn', id: 'zoom-out', title: 'Show three times the range, centred', onclick: () => {
    const w = range.toMs - range.fromMs;
    go({ range: null, from: isoMs(range.fromMs - w), to: isoMs(Math.min(Date.now(), range.toMs + w)) });
  } }, 'Zoom out');
  const element = el('div', { class: 'timebar' }, back, forward,
    el('div', { class: 'seg', id: 'ranges' }, ...rangeButtons, customButton), customBox, zoomOut);
  return {
    element,
    /** Shows the state's range (`r`: its milliseconds, as timeRange answered). */
    set(state, r) {
      range = r;
      rangeButtons.forEach((b, i) => b.classList.toggle('on', RANGES[i].id === state.range));
      customButton.classList.toggle('on', !state.range);
      back.disabled = !canGo(-1);
      forward.disabled = !canGo(1);
    },
  };
}
