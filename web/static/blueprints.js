'use strict';
// The print form of the blueprints page: the three links follow the chosen blueprint and
// seed; 换一个种子 draws another six-digit seed (shown, so it can be noted down).
(function () {
  const form = document.getElementById('print-form');
  if (!form) return;
  const code = document.getElementById('print-code');
  const seed = document.getElementById('print-seed');
  const links = document.querySelectorAll('.print-actions a[data-part]');

  function update() {
    const s = seed.value.trim();
    const ok = /^\d+$/.test(s) && Number(s) <= Number.MAX_SAFE_INTEGER;
    seed.classList.toggle('invalid', !ok);
    links.forEach(function (a) {
      a.href = '/api/v1/blueprints/' + encodeURIComponent(code.value) + '/paper.pdf?seed=' + encodeURIComponent(s) + '&part=' + a.dataset.part;
      a.setAttribute('aria-disabled', ok ? 'false' : 'true');
    });
  }
  links.forEach(function (a) {
    a.addEventListener('click', function (ev) {
      if (a.getAttribute('aria-disabled') === 'true') { ev.preventDefault(); seed.focus(); }
    });
  });
  document.getElementById('print-new-seed').addEventListener('click', function () {
    const r = new Uint32Array(1);
    crypto.getRandomValues(r);
    seed.value = String(100000 + r[0] % 900000);
    update();
  });
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  update();
})();

// The blueprint list's actions on a center's own blueprints: 停用 (retire), 恢复 (restore)
// and 删除 (delete, which the server refuses for a blueprint that has been sat).
(function () {
  const paths = { retire: '/retire', restore: '/restore', delete: '' };
  document.querySelectorAll('tr[data-code] button[data-action]').forEach(function (b) {
    b.addEventListener('click', async function () {
      const code = b.closest('tr').dataset.code;
      const action = b.dataset.action;
      if (action === 'delete' && !confirm('删除试卷蓝图 ' + code + '？删除后不能恢复。')) return;
      csm.showError('blueprints-error', '');
      b.disabled = true;
      try {
        const res = await csm.api(action === 'delete' ? 'DELETE' : 'POST', '/api/v1/blueprints/' + encodeURIComponent(code) + paths[action]);
        if (res.ok) { location.reload(); return; }
        csm.showError('blueprints-error', csm.message(res));
      } catch (e) {
        csm.showError('blueprints-error', '网络不通，操作未完成，请稍后再试');
      }
      b.disabled = false;
    });
  });
})();
