// Formatting shared by every screen: UTC ISO times with milliseconds, numbers with thousand separators,
// filter-language literals.

const NUM = new Intl.NumberFormat('en-US');

export function num(n) {
  return NUM.format(typeof n === 'bigint' ? n : Number(n));
}

/** ns since the epoch (number or BigInt) to milliseconds (number). */
export function nsToMs(ns) {
  return typeof ns === 'bigint' ? Number(ns / 1000000n) : Math.floor(Number(ns) / 1e6);
}

/** 2026-11-27T05:12:03.123Z */
export function isoMs(ms) {
  return new Date(ms).toISOString();
}

export function isoNs(ns) {
  return isoMs(nsToMs(ns));
}

/** A compact duration: 15 min, 1 h, 2 d 3 h, 850 ms. */
export function duration(ms) {
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = ms / 1000;
  if (s < 60) return (Number.isInteger(s) ? s : s.toFixed(1)) + ' s';
  const m = s / 60;
  if (m < 60) return (Number.isInteger(m) ? m : m.toFixed(1)) + ' min';
  const h = m / 60;
  if (h < 48) return (Number.isInteger(h) ? h : h.toFixed(1)) + ' h';
  return (h / 24).toFixed(Number.isInteger(h / 24) ? 0 : 1) + ' d';
}

/** A string value as a filter literal: always double-quoted, with \\ and \" escaped. */
export function quote(s) {
  return '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') + '"';
}

/** A scalar value as a filter literal: numbers and booleans bare, the rest quoted. */
export function literal(v) {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return quote(v);
}

/** Creates an element: el('div', {class: 'x', onclick: f}, child, 'text', ...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
