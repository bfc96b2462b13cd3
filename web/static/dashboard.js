'use strict';
// The dashboard and the syllabus: start buttons, and the sections whose back end may not
// exist on this server (assignments, wrong-answer book), hidden when it does not.
(function () {
  const el = csm.el;

  async function start(body) {
    csm.showError('start-error', '');
    try {
      const res = await csm.api('POST', '/api/v1/attempts', body);
      if (res.ok) { location.href = '/exam/' + res.data.id; return; }
      csm.showError('start-error', csm.message(res, '无法开始'));
    } catch (e) {
      csm.showError('start-error', '网络不通，请检查网络后重试');
    }
  }

  document.querySelectorAll('button.start').forEach(function (b) {
    b.addEventListener('click', function () {
      b.disabled = true;
      start({ blueprint: b.dataset.blueprint }).finally(function () { b.disabled = false; });
    });
  });

  const assignments = document.getElementById('assignments');
  if (assignments) {
    csm.optional(assignments, assignments.dataset.endpoint).then(function (data) {
      const items = data && (data.items || data) || [];
      const list = document.getElementById('assignment-list');
      if (!Array.isArray(items) || items.length === 0) { assignments.hidden = true; return; }
      items.forEach(function (a) {
        const btn = el('button', { type: 'button', className: 'primary' }, '开始');
        btn.addEventListener('click', function () { start({ assignment: a.id }); });
        list.appendChild(el('li', null,
          el('span', null, el('strong', null, a.title || a.blueprint || ('安排 ' + a.id)), ' ',
            el('span', { className: 'muted' }, a.due ? '截止 ' + new Date(a.due).toLocaleString('zh-CN') : '')),
          btn));
      });
    });
  }

  const wrongbook = document.getElementById('wrongbook');
  if (wrongbook) {
    csm.optional(wrongbook, wrongbook.dataset.endpoint).then(function (data) {
      const items = data && (data.items || data) || [];
      if (!Array.isArray(items) || items.length === 0) { wrongbook.hidden = true; return; }
      document.getElementById('wrongbook-count').textContent = String(data.total || items.length);
      const list = document.getElementById('wrongbook-list');
      items.slice(0, 5).forEach(function (w) {
        list.appendChild(el('li', null, el('span', { className: 'clip' }, w.stem || ('题目 ' + (w.question_id || w.id)))));
      });
    });
    document.getElementById('wrongbook-practice').addEventListener('click', async function () {
      try {
        const res = await csm.api('POST', '/api/v1/wrongbook/practice', {});
        if (res.ok && res.data && res.data.id) { location.href = '/exam/' + res.data.id; return; }
        csm.showError('start-error', csm.message(res, '无法开始错题练习'));
      } catch (e) {
        csm.showError('start-error', '网络不通，请检查网络后重试');
      }
    });
  }
})();
