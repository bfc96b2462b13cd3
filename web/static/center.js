'use strict';
// The training center's desk. Each section asks its endpoint and hides itself when this
// server does not have it (404), so the page shows exactly what the back end supports.
(function () {
  const el = csm.el;
  const roles = { candidate: '考生', instructor: '讲师', center_admin: '中心管理员', admin: '系统管理员' };

  function itemsOf(data) { return (data && (data.items || data)) || []; }
  function when(t) { return t ? new Date(t).toLocaleString('zh-CN', { hour12: false }) : ''; }
  function rows(id, items, cells) {
    const body = document.getElementById(id);
    body.textContent = '';
    items.forEach(function (x) { body.appendChild(el('tr', null, cells(x).map(function (c) { return el('td', null, c); }))); });
    if (!items.length) body.appendChild(el('tr', null, el('td', { colSpan: 5, className: 'muted' }, '暂无')));
  }

  const sections = Array.from(document.querySelectorAll('.center-section'));
  const loads = sections.map(function (s) { return csm.optional(s, s.dataset.endpoint); });

  loads[0].then(function (data) {
    const cohorts = itemsOf(data);
    rows('cohort-rows', cohorts, function (c) { return [c.name || c.code || String(c.id), String(c.members !== undefined ? c.members : (c.size || ''))]; });
    const sel = document.querySelector('#results-filter select[name=cohort]');
    cohorts.forEach(function (c) { sel.appendChild(el('option', { value: String(c.id) }, c.name || String(c.id))); });
  });
  loads[1].then(function (data) {
    rows('assignment-rows', itemsOf(data), function (a) { return [a.title || a.blueprint, a.cohort_name || String(a.cohort || ''), when(a.opens_at || a.from), when(a.due || a.closes_at)]; });
  });
  loads[2].then(function (data) { showResults(data); });
  loads[3].then(function (data) {
    rows('user-rows', itemsOf(data), function (u) { return [u.username, u.name || '', roles[u.role] || u.role]; });
  });
  Promise.all(loads).then(function () {
    document.getElementById('center-missing').hidden = sections.some(function (s) { return !s.hidden; });
  });

  // The bulk PDF download exists only when the server answers for it.
  fetch('/api/v1/reports.zip', { method: 'HEAD', credentials: 'same-origin' }).then(function (r) {
    document.getElementById('bulk-pdf').hidden = r.status === 404 || r.status === 405;
  }).catch(function () { /* offline */ });

  function showResults(data) {
    rows('result-rows', itemsOf(data), function (r) {
      return [r.candidate_name || r.candidate || r.username || '', r.title || r.blueprint || '', when(r.submitted_at), (r.score !== undefined ? r.score : '') + (r.max_score ? ' / ' + r.max_score : ''), r.passed ? '合格' : '不合格'];
    });
  }

  const filter = document.getElementById('results-filter');
  filter.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    const q = new URLSearchParams();
    ['blueprint', 'cohort', 'from', 'to'].forEach(function (k) { if (filter[k].value) q.set(k, filter[k].value); });
    const qs = q.toString() ? '&' + q.toString() : '';
    document.getElementById('export-csv').href = '/api/v1/results?format=csv' + qs;
    document.getElementById('export-xlsx').href = '/api/v1/results?format=xlsx' + qs;
    document.getElementById('bulk-pdf').href = '/api/v1/reports.zip' + (q.toString() ? '?' + q.toString() : '');
    try {
      const res = await csm.api('GET', '/api/v1/results?format=json' + qs);
      if (res.ok) showResults(res.data);
    } catch (e) { /* offline: keep the table */ }
  });
})();
