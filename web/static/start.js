'use strict';
// The instructions page: the attempt, and its clock, start only when #begin is pressed.
(function () {
  const b = document.getElementById('begin');
  b.addEventListener('click', async function () {
    const body = b.dataset.assignment ? { assignment: Number(b.dataset.assignment) } : { blueprint: b.dataset.blueprint };
    const code = document.getElementById('access-code');
    if (code) body.access_code = code.value;
    b.disabled = true;
    csm.showError('begin-error', '');
    try {
      const res = await csm.api('POST', '/api/v1/attempts', body);
      if (res.ok) { location.href = '/exam/' + res.data.id; return; }
      csm.showError('begin-error', csm.message(res, '无法开始'));
    } catch (e) {
      csm.showError('begin-error', '网络不通，请检查网络后重试');
    }
    b.disabled = false;
  });
})();
