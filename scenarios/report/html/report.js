// report.html's script: draws the chore timeline (zoom with the wheel, pan by dragging, a
// tooltip per run), the unsent-orders curve on the same time axis, and fills the tables.
// Reads the run from the JSON in <script id="run-data">; needs no network.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('run-data').textContent);
  const NS = {s: 1e9, m: 60e9, h: 3600e9, d: 86400e9};

  function fmt(ns) {
    if (ns === 0) return '0s';
    let out = '', rest = ns;
    if (rest >= NS.d) { out += Math.floor(rest / NS.d) + 'd'; rest %= NS.d; }
    if (rest >= NS.h) { out += Math.floor(rest / NS.h) + 'h'; rest %= NS.h; }
    if (rest >= NS.m) { out += Math.floor(rest / NS.m) + 'm'; rest %= NS.m; }
    if (rest > 0) {
      const s = rest / 1e9;
      out += (s >= 1 ? +s.toFixed(3) : +s.toPrecision(3)) + 's';
    }
    return out;
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function table(id, head, rows, empty) {
    const t = document.getElementById(id);
    if (!rows.length) {
      t.appendChild(el('tr')).appendChild(el('td', {class: 'hint'}, empty));
      return;
    }
    const tr = el('tr');
    head.forEach(h => tr.appendChild(el('th', {}, h)));
    t.appendChild(tr);
    rows.forEach(r => {
      const row = el('tr', r.cls ? {class: r.cls} : {});
      r.cells.forEach(c => row.appendChild(el('td', {}, String(c))));
      t.appendChild(row);
    });
  }

  // ---- tables -------------------------------------------------------------------------------
  table('checks', ['', 'check', 'where', 'at', 'expected', 'found'],
        data.checks.map(c => ({cls: c.passed ? 'ok' : 'bad',
                               cells: [c.passed ? 'ok' : 'FAIL', c.name, c.where, c.at,
                                       c.expected, c.found]})),
        'No check ran (the run stopped before its first check, or the scenario has none).');
  const byKind = {};
  data.faults.forEach(f => {
    const k = data.names[f[2]];
    byKind[k] = byKind[k] || {count: 0, first: f[0], last: f[0], peers: new Set(),
                              source: f[3] ? 'network, per message' : 'scenario step'};
    byKind[k].count++; byKind[k].last = f[0]; byKind[k].peers.add(data.peers[f[1]]);
  });
  table('faults', ['fault', 'from', 'fired', 'first', 'last', 'peers'],
        Object.keys(byKind).sort().map(k => ({cells: [k, byKind[k].source, byKind[k].count,
                                                      '+' + fmt(byKind[k].first),
                                                      '+' + fmt(byKind[k].last),
                                                      Array.from(byKind[k].peers).sort().join(' ')]})),
        'No fault fired.');
  table('chores', ['peer', 'chore', 'interval', 'runs', 'ticks dropped', 'last run', 'next tick'],
        data.chores.map(c => ({cls: c.total ? 'total' : '',
                               cells: [c.peer, c.chore, c.interval, c.runs, c.ticks_dropped,
                                       c.last_run, c.next_tick]})),
        'No chore ran.');
  if (data.chore_rows_left_out) {
    const note = el('p', {class: 'hint'}, data.chore_rows_left_out + ' rows of peers not drawn ' +
                    'one by one left out: the rows marked * total every peer of a kind; ' +
                    'summary.json has every row.');
    document.getElementById('chores').after(note);
  }

  // ---- the shared time axis -----------------------------------------------------------------
  const span = data.axis_ns;  // the run, or a second for a run that took less
  const view = {from: 0, to: span};
  const LEFT = 190;
  const canvases = [];
  function x(ns, width) { return LEFT + (ns - view.from) / (view.to - view.from) * (width - LEFT - 10); }
  function ns(px, width) { return view.from + (px - LEFT) / (width - LEFT - 10) * (view.to - view.from); }
  function gridStep() {
    const steps = [1e6, 1e7, 1e8, 1e9, 2e9, 5e9, 10e9, 15e9, 30e9, 60e9, 120e9, 300e9, 600e9,
                   900e9, 1800e9, 3600e9, 7200e9, 10800e9, 21600e9, 43200e9, 86400e9, 172800e9,
                   604800e9];
    for (const s of steps) if ((view.to - view.from) / s <= 10) return s;
    return (view.to - view.from) / 10;
  }
  function grid(ctx, width, height) {
    const step = gridStep();
    ctx.strokeStyle = '#e4e4e4'; ctx.fillStyle = '#555'; ctx.font = '11px monospace';
    ctx.textAlign = 'center';
    for (let t = Math.ceil(view.from / step) * step; t <= view.to; t += step) {
      const px = x(t, width);
      ctx.beginPath(); ctx.moveTo(px, 14); ctx.lineTo(px, height); ctx.stroke();
      ctx.fillText('+' + fmt(t), px, 11);
    }
    ctx.textAlign = 'left';
  }
  function redraw() { canvases.forEach(c => c.draw()); }
  function attachZoom(canvas) {
    canvas.addEventListener('wheel', e => {
      e.preventDefault();
      const at = ns(e.offsetX, canvas.width);
      const factor = e.deltaY < 0 ? 0.8 : 1.25;
      let from = at - (at - view.from) * factor, to = at + (view.to - at) * factor;
      if (to - from < 1e3) return;
      if (from < 0) { to -= from; from = 0; }
      if (to > span) { from = Math.max(0, from - (to - span)); to = span; }
      view.from = from; view.to = to; redraw();
    }, {passive: false});
    let drag = null;
    canvas.addEventListener('mousedown', e => { drag = {x: e.offsetX, from: view.from, to: view.to}; });
    window.addEventListener('mouseup', () => { drag = null; });
    canvas.addEventListener('mousemove', e => {
      if (!drag) return;
      const shift = (drag.x - e.offsetX) / (canvas.width - LEFT - 10) * (drag.to - drag.from);
      let from = drag.from + shift, to = drag.to + shift;
      if (from < 0) { to -= from; from = 0; }
      if (to > span) { from -= to - span; to = span; }
      view.from = from; view.to = to; redraw();
    });
    canvas.addEventListener('dblclick', () => { view.from = 0; view.to = span; redraw(); });
  }

  // ---- the chore timeline -------------------------------------------------------------------
  const colours = ['#2456b8', '#2a9d5c', '#b8742a', '#8a3fb8', '#3fa7b8', '#b83f6e'];
  const colourOf = {};
  const densities = data.densities || [];
  densities.forEach(d => {
    if (colourOf[d.chore] === undefined) colourOf[d.chore] = colours[Object.keys(colourOf).length % colours.length];
  });
  data.spans.forEach(s => {
    if (s[7] === 0 && colourOf[s[2]] === undefined) {
      colourOf[s[2]] = colours[Object.keys(colourOf).length % colours.length];
    }
  });
  const legend = document.getElementById('legend');
  Object.keys(colourOf).forEach(n => {
    legend.appendChild(el('span', {class: 'swatch', style: 'background:' + colourOf[n]}));
    legend.appendChild(document.createTextNode(data.names[n] + '  '));
  });
  [['#999', 'RPCs the peer served'], ['#d22', 'faults']].forEach(([c, t]) => {
    legend.appendChild(el('span', {class: 'swatch', style: 'background:' + c}));
    legend.appendChild(document.createTextNode(t + '  '));
  });
  // First, when the page cannot draw every peer, a row per kind of peer and chore: every run of
  // the whole planet, shaded by how many began in each slice of time. Then a row per lane of
  // each peer drawn, up to max_lanes a peer (later lanes draw in the last one); the page's data
  // holds only the peers that fit in max_rows, so that the canvas stays within what browsers draw.
  const MAX_LANES = data.max_lanes;
  const rows = densities.map(d => [-1, 0, d]);  // [peer, lane] or [-1, 0, density]
  const rowOf = {};
  data.row_order.forEach(p => {
    const lanes = Math.min(data.lanes[p] || 1, MAX_LANES);
    for (let l = 0; l < (data.lanes[p] || 1); l++) rowOf[p + ':' + l] = rows.length + Math.min(l, lanes - 1);
    for (let l = 0; l < lanes; l++) rows.push([p, l]);
  });
  const notes = [];
  if (data.peers_left_out) {
    notes.push(data.peers_left_out + ' peers not drawn one by one (the page holds ' + data.max_rows +
               ' rows and ' + data.max_spans + ' runs at most; the rows marked * count every peer\'s runs)');
  }
  if (data.runs_left_out) notes.push(data.runs_left_out + ' chore runs of peers not drawn left out of this page');
  if (data.rpcs_left_out) notes.push(data.rpcs_left_out + ' RPCs left out of this page');
  if (data.runs_left_out || data.rpcs_left_out) notes.push('trace.json has them all');
  document.getElementById('timeline-notes').textContent = notes.join('; ');
  const slice = d => span / d.started.length;
  const densest = d => d.started.reduce((a, b) => Math.max(a, b), 1);
  const ROW = 14;
  const timeline = document.getElementById('timeline');
  timeline.height = 20 + rows.length * ROW + 4;
  const tip = document.getElementById('tip');
  timeline.draw = function () {
    const ctx = timeline.getContext('2d');
    const w = timeline.width, h = timeline.height;
    ctx.clearRect(0, 0, w, h);
    grid(ctx, w, h);
    ctx.font = '11px monospace';
    rows.forEach((r, i) => {
      const y = 20 + i * ROW;
      if (i % 2 === 0) { ctx.fillStyle = '#f4f6fa'; ctx.fillRect(LEFT, y, w - LEFT, ROW); }
      ctx.fillStyle = '#222';
      if (r[0] < 0) {
        ctx.fillText(r[2].kind + '* ' + data.names[r[2].chore], 4, y + 11);
        drawDensity(ctx, r[2], y, w);
        return;
      }
      const more = r[1] === MAX_LANES - 1 && data.lanes[r[0]] > MAX_LANES ? '+' : '';
      ctx.fillText(data.peers[r[0]] + (r[1] ? ' (' + (r[1] + 1) + more + ')' : ''), 4, y + 11);
    });
    data.spans.forEach(s => {
      const row = rowOf[s[0] + ':' + s[1]];
      if (row === undefined) return;
      const x0 = x(s[3], w), x1 = x(s[3] + s[4], w);
      if (x1 < LEFT || x0 > w) return;
      ctx.fillStyle = s[7] === 0 ? colourOf[s[2]] : '#999';
      ctx.fillRect(Math.max(LEFT, x0), 20 + row * ROW + 2, Math.max(1.5, x1 - Math.max(LEFT, x0)), ROW - 4);
    });
    ctx.strokeStyle = 'rgba(210,40,40,0.6)';
    data.faults.forEach(f => {
      const px = x(f[0], w);
      if (px < LEFT || px > w) return;
      const row = rowOf[f[1] + ':0'];
      ctx.beginPath();
      if (f[3]) {  // the network's: a tick atop the sender's row
        if (row === undefined) return;
        ctx.moveTo(px, 20 + row * ROW); ctx.lineTo(px, 20 + row * ROW + 5);
      } else {     // the scenario's: a line across
        ctx.moveTo(px, 16); ctx.lineTo(px, h);
      }
      ctx.stroke();
    });
  };
  // A density row: each slice in the chore's colour, darker the more runs began in it; slices
  // with failed runs in red beneath.
  function drawDensity(ctx, d, y, w) {
    const top = densest(d), each = slice(d);
    d.started.forEach((n, i) => {
      if (!n) return;
      const x0 = Math.max(LEFT, x(i * each, w)), x1 = x((i + 1) * each, w);
      if (x1 < LEFT || x0 > w) return;
      ctx.globalAlpha = 0.2 + 0.8 * n / top;
      ctx.fillStyle = colourOf[d.chore];
      ctx.fillRect(x0, y + 2, Math.max(1, x1 - x0), ROW - 4);
      if (d.failures[i]) { ctx.fillStyle = '#d22'; ctx.fillRect(x0, y + ROW - 4, Math.max(1, x1 - x0), 3); }
    });
    ctx.globalAlpha = 1;
  }
  function densityAt(d, px) {
    const at = ns(px, timeline.width), i = Math.floor(at / slice(d));
    if (i < 0 || i >= d.started.length) return null;
    return {density: d, from: i * slice(d), to: (i + 1) * slice(d), runs: d.started[i], failed: d.failures[i]};
  }
  function spanAt(px, py) {
    const row = Math.floor((py - 20) / ROW);
    if (row < 0 || row >= rows.length || px < LEFT) return null;
    if (rows[row][0] < 0) return densityAt(rows[row][2], px);
    const w = timeline.width;
    let best = null;
    data.spans.forEach(s => {
      if (rowOf[s[0] + ':' + s[1]] !== row) return;
      const x0 = x(s[3], w), x1 = Math.max(x0 + 1.5, x(s[3] + s[4], w));
      if (px >= x0 - 1 && px <= x1 + 1) best = s;
    });
    if (best) return best;
    return data.faults.find(f => Math.abs(x(f[0], w) - px) < 2 && f[1] === rows[row][0]) || null;
  }
  timeline.addEventListener('mousemove', e => {
    const s = spanAt(e.offsetX, e.offsetY);
    if (!s) { tip.style.display = 'none'; return; }
    tip.style.display = 'block';
    tip.style.left = (e.pageX + 12) + 'px';
    tip.style.top = (e.pageY + 12) + 'px';
    if (s.density) {
      const d = s.density;
      tip.textContent = data.names[d.chore] + ' on ' + d.peers + ' ' + d.kind + ' peers\n' +
          s.runs + ' runs began from +' + fmt(Math.round(s.from)) + ' to +' + fmt(Math.round(s.to)) +
          (s.failed ? ' (' + s.failed + ' failed)' : '') + '\n' + d.runs + ' runs in all, ' +
          d.failed + ' failed';
    } else if (s.length === 4) {
      tip.textContent = (s[3] ? 'network fault ' : 'fault ') + data.names[s[2]] + ' on ' +
          data.peers[s[1]] + ' at +' + fmt(s[0]);
    } else {
      tip.textContent = (s[7] === 0 ? 'chore ' : 'RPC ') + data.names[s[2]] + '\npeer ' +
          data.peers[s[0]] + '\n' + (s[7] === 0 ? 'reason ' : 'caller ') + data.names[s[5]] +
          '\nstart +' + fmt(s[3]) + '\nduration ' + fmt(s[4]) + '\noutcome ' + data.names[s[6]];
    }
  });
  timeline.addEventListener('mouseleave', () => { tip.style.display = 'none'; });

  // ---- the unsent-orders curve --------------------------------------------------------------
  const backlog = document.getElementById('backlog');
  const pick = document.getElementById('backlog-node');
  Object.keys(data.backlog).forEach(p => pick.appendChild(el('option', {value: p}, data.peers[p])));
  pick.addEventListener('change', redraw);
  function stepLine(ctx, series, w, h, top) {
    if (!series.length) return;
    ctx.beginPath();
    let lastY = null;
    series.forEach((p, i) => {
      const px = Math.min(Math.max(x(p[0], w), LEFT), w), py = h - 4 - p[1] * (h - 24) / top;
      if (i === 0) ctx.moveTo(px, py); else { ctx.lineTo(px, lastY); ctx.lineTo(px, py); }
      lastY = py;
    });
    ctx.lineTo(Math.min(x(data.end_ns, w), w), lastY);
    ctx.stroke();
  }
  backlog.draw = function () {
    const ctx = backlog.getContext('2d');
    const w = backlog.width, h = backlog.height;
    ctx.clearRect(0, 0, w, h);
    grid(ctx, w, h);
    const chosen = pick.value === 'total' ? null : data.backlog[pick.value];
    let top = 1;
    (chosen ? [chosen] : [data.total_backlog]).forEach(s => s.forEach(p => { top = Math.max(top, p[1]); }));
    ctx.fillStyle = '#222'; ctx.font = '11px monospace';
    ctx.fillText('unsent: ' + top, 4, 26); ctx.fillText('0', 4, h - 4);
    if (!chosen) {
      ctx.strokeStyle = '#aab8c8'; ctx.lineWidth = 0.7;
      Object.values(data.backlog).forEach(s => stepLine(ctx, s, w, h, top));
    }
    ctx.strokeStyle = '#2456b8'; ctx.lineWidth = 1.6;
    stepLine(ctx, chosen || data.total_backlog, w, h, top);
    ctx.lineWidth = 1;
    if (!data.orders_recorded) {
      ctx.fillStyle = '#555';
      ctx.fillText('orders were not recorded (the run kept chore runs and faults only: --trace chores)', LEFT + 8, h / 2);
    }
  };
  function resize() {
    const main = document.getElementById('main');
    const style = getComputedStyle(main);
    const inner = main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const w = Math.max(600, Math.floor(inner) - 2);  // the canvas border
    timeline.width = w; backlog.width = w; redraw();
  }
  [timeline, backlog].forEach(c => { canvases.push(c); attachZoom(c); });
  window.addEventListener('resize', resize);
  resize();
  document.body.setAttribute('data-rendered', 'yes');

  // report.html#selftest drives the page as a person would (a wheel turn over the timeline, the
  // pointer over the first run) and records what happened, for tests in a headless browser.
  if (location.hash === '#selftest') {
    const before = view.to - view.from;
    timeline.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: timeline.width / 2,
                                                    clientY: 30, bubbles: true, cancelable: true}));
    document.body.setAttribute('data-zoomed', view.to - view.from < before ? 'yes' : 'no');
    view.from = 0; view.to = span; redraw();
    const first = data.spans.find(s => rowOf[s[0] + ':' + s[1]] !== undefined);
    if (first) {
      const rect = timeline.getBoundingClientRect();
      const px = x(first[3], timeline.width) + 0.5, py = 20 + rowOf[first[0] + ':' + first[1]] * ROW + ROW / 2;
      timeline.dispatchEvent(new MouseEvent('mousemove', {clientX: rect.left + px,
                                                          clientY: rect.top + py, bubbles: true}));
      document.body.setAttribute('data-tooltip', tip.style.display === 'block' ? tip.textContent : '');
    }
    if (densities.length) {  // the middle of the first row of the whole planet's runs
      const rect = timeline.getBoundingClientRect();
      timeline.dispatchEvent(new MouseEvent('mousemove', {clientX: rect.left + x(span / 2, timeline.width),
                                                          clientY: rect.top + 20 + ROW / 2, bubbles: true}));
      document.body.setAttribute('data-density-tooltip', tip.style.display === 'block' ? tip.textContent : '');
    }
  }
})();
