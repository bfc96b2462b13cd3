'use strict';
// The dashboard's weak knowledge points (薄弱知识点) and the practice built from them:
// the server picks the questions, and the page lists why each was chosen before the
// candidate starts.
(function () {
  const el = csm.el;
  const section = document.getElementById('weakpoints');
  if (!section) { return; }
  csm.optional(section, '/api/v1/weakpoints').then(function (data) {
    const items = (data && data.items) || [];
    section.hidden = items.length === 0;
    const list = document.getElementById('weak-list');
    items.forEach(function (p) {
      list.appendChild(el('li', { className: 'weak-point', 'data-unit': p.unit },
        el('span', null, p.unit + ' ' + (p.title || ''),
          el('span', { className: 'muted' }, '掌握度 ' + Math.round(p.mastery * 100) + '% · ' + p.answers + ' 次作答'))));
    });
  });
  const button = document.getElementById('weak-practice');
  button.addEventListener('click', async function () {
    button.disabled = true;
    csm.showError('weak-error', '');
    try {
      const res = await csm.api('POST', '/api/v1/weakpoints/practice', {});
      if (!res.ok) { csm.showError('weak-error', csm.message(res, '无法开始')); return; }
      const picks = document.getElementById('weak-pick-list');
      picks.textContent = '';
      res.data.picks.forEach(function (p) {
        picks.appendChild(el('li', { 'data-question': String(p.question_id) }, p.reason));
      });
      document.getElementById('weak-start').href = '/exam/' + res.data.id;
      document.getElementById('weak-picks').hidden = false;
    } catch (e) {
      csm.showError('weak-error', '网络不通，请检查网络后重试');
    } finally {
      button.disabled = false;
    }
  });
})();
