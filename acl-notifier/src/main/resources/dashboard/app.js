'use strict';
// The Portcullis dashboard: plain JavaScript over the admin API, refreshed every second.
const $ = (id) => document.getElementById(id);
const tokenInput = $('token');
tokenInput.value = localStorage.getItem('portcullis.token') || '';
tokenInput.addEventListener('change', () => { localStorage.setItem('portcullis.token', tokenInput.value); loop.now(); });

async function call(method, path, body, extraHeaders) {
  const headers = Object.assign({ 'Accept': 'application/json' }, extraHeaders || {});
  if (tokenInput.value) headers['Authorization'] = 'Bearer ' + tokenInput.value;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error((data && data.error) || (method + ' ' + path + ': ' + res.status));
  return { data, etag: res.headers.get('ETag') };
}
async function api(method, path, body) { return (await call(method, path, body)).data; }

// A policy editor: shows the stored document unless the user is editing it, and saves it with
// If-Match so that a change made meanwhile by someone else is refused (409) instead of overwritten.
function policyEditor(area, button, versionLabel) {
  const ed = { etag: null, path: null, dirty: false };
  area.addEventListener('input', () => { ed.dirty = true; });
  ed.show = (path, doc, etag) => {
    if (ed.dirty && ed.path === path) return;
    ed.path = path; ed.etag = etag; ed.dirty = false;
    area.value = JSON.stringify(doc, null, 1);
    versionLabel.textContent = etag ? 'version ' + etag.replace(/"/g, '') : 'not stored yet';
  };
  button.addEventListener('click', () => act(async () => {
    let doc;
    try { doc = JSON.parse(area.value); } catch (e) { throw new Error('not JSON: ' + e.message); }
    await call('PUT', ed.path, doc, ed.etag ? { 'If-Match': ed.etag } : {});
    ed.dirty = false;
  }));
  return ed;
}
const appPolicy = policyEditor($('policy'), $('policySave'), $('policyVersion'));
const globalPolicy = policyEditor($('globalPolicy'), $('globalSave'), $('globalVersion'));

function cell(text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
function rows(tbody, items, render) {
  tbody.replaceChildren(...items.map((it) => { const tr = document.createElement('tr'); render(tr, it); return tr; }));
}
function status(msg, bad) { $('status').textContent = msg; $('status').style.color = bad ? '#ff8a80' : ''; }
function app() { return $('app').value; }
function left(s) { if (s === null) return 'permanent'; const m = Math.floor(s / 60); return m > 0 ? m + 'm ' + (s % 60) + 's' : s + 's'; }

async function loadApps() {
  const apps = await api('GET', '/api/apps');
  const sel = $('app'); const current = sel.value;
  sel.replaceChildren(...apps.map((a) => { const o = document.createElement('option'); o.value = o.textContent = a.app; return o; }));
  if (current && apps.some((a) => a.app === current)) sel.value = current;
}

function chart(svg, series, unit) {
  const max = Math.max(1, ...series.map((p) => p[1]));
  const pts = series.map((p, i) => (i * 600 / Math.max(1, series.length - 1)).toFixed(1) + ',' + (115 - p[1] * 105 / max).toFixed(1));
  svg.innerHTML = '<polyline fill="none" stroke="#3d5afe" stroke-width="2" points="' + pts.join(' ') + '"/>' +
    '<text x="4" y="12" font-size="10" fill="#778">' + max + unit + '</text>';
}
const addressShown = { ip: null };
function windowLabel(start, minute) { return new Date(start * (minute ? 60000 : 1000)).toLocaleTimeString(); }

function drawRate(series) {
  chart($('rate'), series, '/s');
  $('rateNow').textContent = series.length ? series[series.length - 1][1] + '/s' : '';
}

// Each panel loads and fails on its own: one failing call leaves the others up to date.
async function refresh() {
  if (!app()) { await loadApps(); if (!app()) return; }
  const a = encodeURIComponent(app());
  const calls = {
    rate: api('GET', '/api/apps/' + a + '/rate?seconds=120'),
    ts: api('GET', '/api/apps/' + a + '/top?window=second&limit=10'),
    tm: api('GET', '/api/apps/' + a + '/top?window=minute&limit=10'),
    tp: api('GET', '/api/apps/' + a + '/top?window=second&prefix=true&limit=5'),
    icpt: api('GET', '/api/intercepts?app=' + a),
    allow: api('GET', '/api/lists/allow?app=' + a),
    deny: api('GET', '/api/lists/deny?app=' + a),
    policy: call('GET', '/api/apps/' + a + '/policy'),
    global: call('GET', '/api/policy'),
    limits: api('GET', '/api/apps/' + a + '/limits'),
    globalLimits: api('GET', '/api/limits'),
    audit: api('GET', '/api/audit?limit=30'),
    nodes: api('GET', '/api/nodes?app=' + a),
    quotas: api('GET', '/api/quotas?app=' + a),
    history: api('GET', '/api/history/top?window=' + $('historyWindow').value + '&limit=3'
      + ($('historyScope').value === 'app' ? '&app=' + a : '')),
  };
  if (addressShown.ip) calls.address = api('GET', '/api/history/address?ip=' + encodeURIComponent(addressShown.ip)
    + ($('historyScope').value === 'app' ? '&app=' + a : ''));
  const names = Object.keys(calls);
  const settled = await Promise.allSettled(Object.values(calls));
  const got = {}; const failed = [];
  settled.forEach((r, i) => { if (r.status === 'fulfilled') got[names[i]] = r.value; else failed.push(names[i] + ': ' + r.reason.message); });
  const panel = (name, render) => { if (name in got) { try { render(got[name]); } catch (e) { failed.push(name + ': ' + e.message); } } };
  panel('rate', (rate) => drawRate(rate.perSecond));
  const blocked = new Set((got.icpt || []).map((i) => i.target));
  panel('ts', (ts) => rows($('topSecond').tBodies[0], ts.top, (tr, r) => { if (blocked.has(r.ip)) tr.className = 'hot'; tr.append(cell(r.ip), cell(r.count, 'num')); }));
  panel('tm', (tm) => rows($('topMinute').tBodies[0], tm.top, (tr, r) => { if (blocked.has(r.ip)) tr.className = 'hot'; tr.append(cell(r.ip), cell(r.count, 'num')); }));
  panel('tp', (tp) => rows($('topPrefix').tBodies[0], tp.top, (tr, r) => { if (blocked.has(r.prefix)) tr.className = 'hot'; tr.append(cell(r.prefix), cell(r.count, 'num')); }));
  panel('icpt', (icpt) => rows($('intercepts').tBodies[0], icpt, (tr, i) => {
    const b = document.createElement('button'); b.textContent = 'Release'; b.dataset.target = i.target;
    const what = i.quota ? '&caller=' + encodeURIComponent(i.quota.caller) + '&iface=' + encodeURIComponent(i.quota.iface)
      : '&target=' + encodeURIComponent(i.target);
    b.onclick = () => act(() => api('DELETE', '/api/intercepts?app=' + encodeURIComponent(i.app) + what));
    const td = document.createElement('td'); td.append(b);
    tr.dataset.target = i.target;
    tr.append(cell(i.app), cell(i.target), cell(i.level, 'num'), cell(i.reason), cell(left(i.secondsLeft)), td);
  }));
  const listRow = (kind) => (tr, e) => {
    const b = document.createElement('button'); b.textContent = 'Remove';
    b.onclick = () => act(() => api('DELETE', '/api/lists/' + kind + '?app=' + a + '&cidr=' + encodeURIComponent(e.cidr)));
    const td = document.createElement('td'); td.append(b);
    tr.append(cell(e.cidr), cell(e.expiresAt ? (e.active ? 'until ' + new Date(e.expiresAt).toLocaleTimeString() : 'expired') : 'no expiry'), cell(e.note), td);
  };
  panel('allow', (allow) => rows($('allow').tBodies[0], allow, listRow('allow')));
  panel('deny', (deny) => rows($('deny').tBodies[0], deny, listRow('deny')));
  $('allowScope').textContent = $('denyScope').textContent = app();
  $('policyApp').textContent = app();
  panel('policy', (policy) => appPolicy.show('/api/apps/' + a + '/policy', policy.data, policy.etag));
  panel('global', (global) => globalPolicy.show('/api/policy', global.data, global.etag));
  const limitRow = (path) => (tr, l) => {
    const b = document.createElement('button'); b.textContent = 'Remove';
    b.onclick = () => act(() => api('DELETE', path + (path.includes('?') ? '&' : '?') + 'cidr=' + encodeURIComponent(l.cidr)));
    const td = document.createElement('td'); td.append(b);
    tr.dataset.cidr = l.cidr;
    tr.append(cell(l.cidr), cell(l.limitPerSecond == null ? '-' : l.limitPerSecond, 'num'),
      cell(l.limitPerMinute == null ? '-' : l.limitPerMinute, 'num'), td);
  };
  panel('limits', (limits) => rows($('limits').tBodies[0], limits, limitRow('/api/apps/' + a + '/limits')));
  panel('globalLimits', (limits) => rows($('globalLimits').tBodies[0], limits, limitRow('/api/limits')));
  panel('nodes', (nodes) => rows($('nodeRates').tBodies[0], nodes.nodes, (tr, n) => {
    tr.dataset.node = n.node; if (n.status !== 'reporting') tr.className = 'muted';
    tr.append(cell(n.node), cell(n.status), cell(n.perSecond.toFixed(1), 'num'), cell(n.lastMinute, 'num'), cell(n.registered ? 'yes' : 'no'));
  }));
  panel('quotas', (q) => rows($('quotas').tBodies[0], q.usage, (tr, u) => {
    tr.dataset.caller = u.caller; if (u.remaining === 0) tr.className = 'hot';
    tr.append(cell(u.caller), cell(u.iface), cell(u.used, 'num'), cell(u.limit == null ? '-' : u.limit, 'num'),
      cell(u.remaining == null ? '-' : u.remaining, 'num'),
      cell(u.perHour.map((n, h) => (n ? String(h).padStart(2, '0') + 'h ' + n : '')).filter((x) => x).join(', ')));
  }));
  panel('history', (h) => rows($('history').tBodies[0], h.windows.filter((w) => w.top.length).reverse().slice(0, 12), (tr, w) => {
    tr.append(cell(windowLabel(w.start, h.window === 'minute')), cell(w.top.map((t) => t.ip + ' (' + t.count + ')').join(', ')));
  }));
  panel('address', (ad) => {
    chart($('addressChart'), ad.perMinute, '/min');
    $('addressTotal').textContent = ad.ip + ': ' + ad.perMinute.reduce((s, p) => s + p[1], 0) + ' requests in the last hour';
  });
  panel('audit', (audit) => rows($('audit').tBodies[0], audit, (tr, r) => tr.append(cell(new Date(r.at).toLocaleTimeString()), cell(r.actor), cell(r.kind),
    cell(r.app), cell(r.target || ''), cell(r.level, 'num'), cell(r.reason))));
  if (failed.length) status('updated ' + new Date().toLocaleTimeString() + '; ' + failed.length + ' panel(s) failed: ' + failed[0], true);
  else status('updated ' + new Date().toLocaleTimeString());
}

async function act(fn) {
  try { await fn(); status('done'); await refresh(); } catch (e) { status(e.message, true); }
}

$('manual').addEventListener('submit', (ev) => {
  ev.preventDefault(); const f = ev.target;
  act(() => api('POST', '/api/intercepts', { app: app(), target: f.target.value, duration: f.duration.value || null, reason: f.reason.value }));
});
$('listAdd').addEventListener('submit', (ev) => {
  ev.preventDefault(); const f = ev.target; const body = { cidr: f.cidr.value, note: f.note.value };
  if (f.scope.value === 'app') body.app = app();
  if (f.ttl.value) body.ttl = f.ttl.value;
  act(() => api('POST', '/api/lists/' + f.kind.value, body));
});
$('limitSet').addEventListener('submit', (ev) => {
  ev.preventDefault(); const f = ev.target; const body = { cidr: f.cidr.value };
  if (f.perSecond.value) body.limitPerSecond = Number(f.perSecond.value);
  if (f.perMinute.value) body.limitPerMinute = Number(f.perMinute.value);
  act(() => api('PUT', f.scope.value === 'global' ? '/api/limits' : '/api/apps/' + encodeURIComponent(app()) + '/limits', body));
});
$('app').addEventListener('change', () => refresh().catch((e) => status(e.message, true)));
$('addressForm').addEventListener('submit', (ev) => { ev.preventDefault(); addressShown.ip = ev.target.ip.value.trim(); loop.now(); });
for (const id of ['historyWindow', 'historyScope']) $(id).addEventListener('change', () => loop.now());

async function loop() {
  clearTimeout(loop.timer);
  if (!tokenInput.value) { status('paste an API token (viewer, operator or admin) into the token field', true); }
  try { await loadApps(); await refresh(); } catch (e) { status(e.message, true); }
  loop.timer = setTimeout(loop, 1000);
}
loop.now = () => { loop(); };
loop();
