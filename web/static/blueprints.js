'use strict';
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
