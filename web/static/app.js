'use strict';
// Shared helpers for every page: calling the JSON API same-origin with the session
// cookie, building elements without innerHTML, logout and the offline banner.
window.csm = (function () {
  // api calls the JSON API; it resolves to {ok, status, data} and rejects only when the
  // network fails (offline, connection reset), so callers can tell the two apart. A
  // FormData body is sent as a multipart upload.
  async function api(method, path, body) {
    const init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    const device = deviceId();
    if (device) init.headers['X-Device-Id'] = device;
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    let data = null;
    const type = r.headers.get('Content-Type') || '';
    if (type.indexOf('json') >= 0) {
      data = await r.json().catch(function () { return null; });
    }
    // An expired session sends the page to the login form; a wrong password at login
    // does not (the form shows it).
    if (r.status === 401 && path !== '/api/v1/session') {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
    }
    // offline: the exam's service worker answered from its copy (see exam-sw.js).
    return { ok: r.ok, status: r.status, data: data, offline: r.headers.get('X-Offline-Copy') === '1' };
  }

  // deviceId is this browser's random id, kept in its storage: an exam that allows one
  // device per attempt tells browsers apart by it (sent as X-Device-Id). '' when the
  // browser keeps nothing (then such an exam asks to switch on each load).
  function deviceId() {
    try {
      let d = localStorage.getItem('csm-device');
      if (!d) {
        const bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        d = Array.from(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
        localStorage.setItem('csm-device', d);
      }
      return d;
    } catch (e) { return ''; }
  }

  // el builds an element: attrs are properties (className, href, dataset via data-*),
  // children are nodes or strings (always inserted as text).
  function el(tag, attrs) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (k.indexOf('data-') === 0 || k.indexOf('aria-') === 0 || k === 'for' || k === 'role') e.setAttribute(k, v);
      else e[k] = v;
    }
    for (let i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  function append(parent, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(parent, x); }); return; }
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }

  function message(res, fallback) {
    return (res && res.data && res.data.error) || fallback || '操作失败，请稍后再试';
  }

  function showError(id, text) {
    const e = document.getElementById(id);
    if (!e) return;
    e.textContent = text;
    e.hidden = !text;
  }

  // The banner shows while the browser says it is offline or a page reports failed requests.
  let failing = false;
  function updateBanner() {
    const b = document.getElementById('offline-banner');
    if (b) b.hidden = navigator.onLine && !failing;
  }
  function setFailing(f) { failing = f; updateBanner(); }
  window.addEventListener('online', updateBanner);
  window.addEventListener('offline', updateBanner);
  document.addEventListener('DOMContentLoaded', updateBanner);

  const logout = document.getElementById('logout');
  if (logout) {
    logout.addEventListener('click', async function () {
      try { await api('DELETE', '/api/v1/session'); } catch (e) { /* the cookie goes on the next login */ }
      // The exam pages kept for a reload offline (exam-sw.js) are this user's: drop them.
      if (window.caches) await caches.delete('csm-exam-v1').catch(function () { /* nothing kept */ });
      location.href = '/login';
    });
  }

  // pad2 and clock format a number of seconds as 时:分:秒 or 分:秒.
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function clock(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    return (h > 0 ? h + ':' + pad2(m) : pad2(m)) + ':' + pad2(sec);
  }

  // optional hides a section when its endpoint does not exist on this server (404), so
  // pages show only what the back end supports. It resolves to the data, or null.
  async function optional(section, path) {
    const s = typeof section === 'string' ? document.getElementById(section) : section;
    try {
      const res = await api('GET', path);
      if (!res.ok) { if (s) s.hidden = true; return null; }
      if (s) s.hidden = false;
      return res.data;
    } catch (e) {
      return null;
    }
  }

  // importReport shows an import's answer in box: what it found or stored, and every
  // problem as a table of row, column and message. The question and account imports
  // answer in the same shape.
  // A question import may also skip questions (partial mode), skip repeats of the bank's
  // questions and name the categories no mapping covered; each is listed.
  function importReport(box, res, noun) {
    box.textContent = '';
    const d = res.data || {};
    const errs = d.errors || [];
    const repeats = d.repeats || [];
    if (res.ok) {
      let text = d.dry_run ? '检查通过：共 ' + d.valid + ' ' + noun + '，可以导入' : '已导入 ' + d.imported + ' ' + noun;
      if (errs.length) text += (d.dry_run ? '；将跳过有错的 ' : '；跳过有错的 ') + skipped(errs) + ' ' + noun;
      if (repeats.length) text += '；' + repeats.length + ' ' + noun + '重复（题库或文件中已有），' + (d.dry_run ? '将跳过' : '已跳过');
      box.appendChild(el('p', { className: 'tag ok report-summary' }, text));
    } else {
      box.appendChild(el('p', { className: 'error-message report-summary' }, message(res)));
    }
    if (errs.length) box.appendChild(rowTable(errs));
    if (repeats.length) {
      box.appendChild(el('p', { className: 'muted' }, '重复的题（已跳过）：'));
      box.appendChild(rowTable(repeats));
    }
    const unmapped = d.unmapped || [];
    if (unmapped.length) {
      box.appendChild(el('p', { className: 'muted' }, '未映射的分类（可在“分类映射”中写 分类=知识点编码）：'));
      box.appendChild(el('ul', { className: 'unmapped' }, unmapped.map(function (u) {
        return el('li', null, u.category + '：' + u.questions + ' ' + noun);
      })));
    }
  }
  function skipped(errs) {
    return new Set(errs.map(function (e) { return e.row; })).size;
  }
  function rowTable(rows) {
    return el('table', { className: 'table report' },
      el('thead', null, el('tr', null, el('th', null, '行'), el('th', null, '列'), el('th', null, '问题'))),
      el('tbody', null, rows.map(function (e) {
        return el('tr', null, el('td', { 'data-label': '行' }, String(e.row) + (e.name ? '（' + e.name + '）' : '')), el('td', { 'data-label': '列' }, e.field || ''), el('td', null, e.message));
      })));
  }

  // Times are shown and entered in Beijing time, as the server-rendered pages, the
  // server's messages and the exports state them, whatever zone the device is set to.
  const beijingOffset = 8 * 3600 * 1000;
  function when(t) {
    return t ? new Date(t).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }) : '';
  }
  // beijingInput is a datetime-local value for the moment d; fromBeijingInput reads one back.
  function beijingInput(d) { return new Date(d.getTime() + beijingOffset).toISOString().slice(0, 16); }
  function fromBeijingInput(v) { return new Date(v + ':00+08:00').toISOString(); }

  // person names a user as staff see them: 姓名（用户名）, or the username alone when the
  // name is empty or the same.
  function person(username, name) {
    return name && name !== username ? name + '（' + username + '）' : username;
  }

  // call runs an API request and shows its refusal in the element errorId; it resolves to
  // the data ({} for none) or null.
  async function call(errorId, method, path, body) {
    showError(errorId, '');
    try {
      const res = await api(method, path, body);
      if (res.ok) return res.data || {};
      showError(errorId, message(res));
    } catch (e) {
      showError(errorId, '网络不通，请稍后重试');
    }
    return null;
  }

  return { api: api, call: call, el: el, importReport: importReport, person: person, when: when, beijingInput: beijingInput, fromBeijingInput: fromBeijingInput, message: message, showError: showError, setFailing: setFailing, clock: clock, optional: optional };
})();
