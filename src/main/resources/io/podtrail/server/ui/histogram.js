// The events-over-time histogram: stacked SVG bars per source, a UTC time axis, a hover tooltip, and a
// brush: dragging across the bars selects a range and calls onZoom(fromMs, toMs).
import { el, isoMs, nsToMs, num, duration } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const PAD = { left: 44, right: 8, top: 6, bottom: 18 };
const STEPS = [1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3,
  12 * 3600e3, 86400e3, 2 * 86400e3, 7 * 86400e3];

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function tickLabel(ms, step, span) {
  const iso = isoMs(ms);
  if (step < 60e3) return iso.slice(11, 19);
  if (span <= 86400e3 && step < 86400e3) return iso.slice(11, 16);
  if (step < 86400e3) return iso.slice(5, 10) + ' ' + iso.slice(11, 16);
  return iso.slice(0, 10);
}

/**
 * @param groups [{id, color, kinds: [...]}] stacking order, bottom first
 * @param onZoom (fromMs, toMs) => void
 */
export function histogram(groups, onZoom) {
  const box = el('div', { class: 'histogram', id: 'histogram' });
  const tip = el('div', { class: 'tip hidden' });
  let data = null;
  let enabled = new Set(groups.map(g => g.id));
  let root = null;
  let drag = null;

  const width = () => box.clientWidth || 800;
  const height = () => box.clientHeight || 96;

  function xOf(ms) {
    const w = width() - PAD.left - PAD.right;
    return PAD.left + (ms - data.fromMs) / (data.toMs - data.fromMs) * w;
  }
  function msOf(x) {
    const w = width() - PAD.left - PAD.right;
    const f = Math.min(1, Math.max(0, (x - PAD.left) / w));
    return data.fromMs + f * (data.toMs - data.fromMs);
  }

  function stack(b) {
    const parts = [];
    for (const g of groups) {
      if (!enabled.has(g.id)) continue;
      let n = 0;
      for (const k of g.kinds) n += Number((b.by_kind && b.by_kind[k]) || 0);
      parts.push({ g, n });
    }
    return parts;
  }

  function draw() {
    if (!data) return;
    const W = width(), H = height();
    root = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img',
      'aria-label': 'Events over time' });
    const plotH = H - PAD.top - PAD.bottom;
    let max = 0;
    for (const b of data.buckets) max = Math.max(max, b.stack.reduce((s, p) => s + p.n, 0));
    const yMax = max <= 4 ? 4 : niceCeil(max);
    // grid and y labels
    const axis = svg('g', { class: 'axis' });
    for (const f of [0.5, 1]) {
      const y = PAD.top + plotH * (1 - f);
      axis.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
      const t = svg('text', { x: PAD.left - 5, y: y + 3.5, 'text-anchor': 'end' });
      t.textContent = compact(yMax * f);
      axis.append(t);
    }
    axis.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH + 0.5, y2: PAD.top + plotH + 0.5 }));
    // x ticks
    const span = data.toMs - data.fromMs;
    const step = STEPS.find(s => span / s <= Math.max(2, (W - PAD.left) / 110)) || STEPS[STEPS.length - 1];
    for (let t = Math.ceil(data.fromMs / step) * step; t <= data.toMs; t += step) {
      const x = xOf(t);
      if (x < PAD.left - 1 || x > W - 22) continue; // a label cut by the edge says nothing
      axis.append(svg('line', { x1: x, x2: x, y1: PAD.top + plotH, y2: PAD.top + plotH + 4 }));
      const label = svg('text', { x, y: H - 4, 'text-anchor': 'middle' });
      label.textContent = tickLabel(t, step, span);
      axis.append(label);
    }
    root.append(axis);
    // bars
    const bw = Math.max(1, xOf(data.fromMs + data.bucketMs) - xOf(data.fromMs) - (data.buckets.length > 200 ? 0 : 1));
    const bars = svg('g');
    for (const b of data.buckets) {
      let y = PAD.top + plotH;
      const x = xOf(b.ms);
      for (const p of b.stack) {
        if (!p.n) continue;
        const h = Math.max(1, p.n / yMax * plotH);
        y -= h;
        bars.append(svg('rect', { x, y, width: bw, height: h, fill: p.g.color }));
      }
    }
    root.append(bars);
    box.replaceChildren(root, tip);
  }

  function compact(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(n % 1e6 ? 1 : 0) + 'M';
    if (n >= 1e3) return (n / 1e3).toFixed(n % 1e3 ? 1 : 0) + 'k';
    return String(Math.round(n));
  }
  function niceCeil(n) {
    const p = Math.pow(10, Math.floor(Math.log10(n)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= n) return m * p;
    return 10 * p;
  }

  function localX(e) {
    const r = box.getBoundingClientRect();
    return e.clientX - r.left;
  }

  box.addEventListener('pointerdown', e => {
    if (!data || e.button !== 0) return;
    drag = { x0: localX(e), x1: localX(e), rect: svg('rect', { class: 'brush', y: PAD.top, height: height() - PAD.top - PAD.bottom }) };
    root.append(drag.rect);
    box.setPointerCapture(e.pointerId);
    tip.classList.add('hidden');
  });
  box.addEventListener('pointermove', e => {
    if (!data) return;
    const x = localX(e);
    if (drag) {
      drag.x1 = x;
      const a = Math.max(PAD.left, Math.min(drag.x0, x)), b = Math.min(width() - PAD.right, Math.max(drag.x0, x));
      drag.rect.setAttribute('x', a);
      drag.rect.setAttribute('width', Math.max(0, b - a));
      return;
    }
    const ms = msOf(x);
    const b = data.buckets.find(k => ms >= k.ms && ms < k.ms + data.bucketMs);
    if (!b || x < PAD.left) { tip.classList.add('hidden'); return; }
    const total = b.stack.reduce((s, p) => s + p.n, 0);
    tip.replaceChildren(el('div', { class: 'mono' }, isoMs(b.ms), ' + ', duration(data.bucketMs)),
      el('div', {}, el('b', {}, num(total)), ' events', ...b.stack.filter(p => p.n).map(p => ` · ${p.g.label} ${num(p.n)}`)));
    tip.classList.remove('hidden');
    tip.style.left = Math.min(x + 12, width() - tip.offsetWidth - 4) + 'px';
    tip.style.top = '4px';
  });
  box.addEventListener('pointerleave', () => tip.classList.add('hidden'));
  const end = () => {
    if (!drag) return;
    const d = drag;
    drag = null;
    d.rect.remove();
    if (Math.abs(d.x1 - d.x0) < 4) return;
    const a = msOf(Math.min(d.x0, d.x1)), b = msOf(Math.max(d.x0, d.x1));
    if (b - a >= 1) onZoom(Math.floor(a), Math.ceil(b));
  };
  box.addEventListener('pointerup', end);
  box.addEventListener('pointercancel', () => { if (drag) { drag.rect.remove(); drag = null; } });
  new ResizeObserver(() => draw()).observe(box);

  return {
    element: box,
    /** @param h the /api/v1/histogram answer (split=kind) */
    set(h, on) {
      enabled = on;
      data = {
        fromMs: nsToMs(h.from), toMs: nsToMs(h.to), bucketMs: Number(h.bucket_ns) / 1e6,
        buckets: h.buckets.map(b => ({ ms: nsToMs(b.start), by_kind: b.by_kind })),
      };
      for (const b of data.buckets) b.stack = stack(b);
      if (data.buckets.length) {
        // buckets start at multiples of their width: the axis covers them whole
        data.fromMs = Math.min(data.fromMs, data.buckets[0].ms);
        data.toMs = Math.max(data.toMs, data.buckets[data.buckets.length - 1].ms + data.bucketMs);
      }
      if (data.toMs <= data.fromMs) data.toMs = data.fromMs + 1;
      draw();
    },
    clear() { data = null; box.replaceChildren(); },
  };
}
