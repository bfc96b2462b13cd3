'use strict';
// A built-in question's copy and its origin: the 复制到本中心题库 button on a bundled
// question's page, and on a copy's pages the panel that lists what the bundled bank changed
// in the origin since the version the copy follows, to take (采用更新) or dismiss (忽略).
(function () {
  const el = csm.el;

  const copy = document.getElementById('copy-question');
  if (copy) {
    copy.addEventListener('click', async function () {
      copy.disabled = true;
      csm.showError('copy-error', '');
      try {
        const res = await csm.api('POST', '/api/v1/questions/' + copy.dataset.id + '/copy');
        if (res.ok) {
          location.href = '/questions/' + res.data.id + '/edit';
          return;
        }
        csm.showError('copy-error', csm.message(res, '复制失败'));
      } catch (e) {
        csm.showError('copy-error', '网络连接失败，题目没有复制，请稍后再试');
      }
      copy.disabled = false;
    });
  }

  const panel = document.getElementById('origin');
  if (!panel) return;
  const id = panel.dataset.id;
  const editable = panel.dataset.editable === 'true';

  function render(o, note) {
    const from = el('p', null, '复制自内置题目 ', el('a', { href: '/questions/' + o.origin_id }, String(o.origin_id)),
      '（复制时为第 ' + o.copied_version + ' 版）');
    panel.replaceChildren(from);
    if (o.removed) {
      panel.appendChild(el('p', { className: 'muted' }, '来源题目已从内置题库删除，本题不受影响。'));
      return;
    }
    if (!o.changes.length) {
      panel.appendChild(el('p', { className: 'muted', id: 'origin-status' }, note || ('与内置题库一致（来源第 ' + o.current_version + ' 版）。')));
      return;
    }
    panel.appendChild(el('h2', null, '内置题库更新了这道题（第 ' + o.origin_version + ' 版 → 第 ' + o.current_version + ' 版）'));
    const rows = o.changes.map(function (c) {
      return el('tr', { 'data-field': c.field }, el('th', { scope: 'row' }, c.label),
        el('td', { 'data-label': '原来' }, el('del', { className: 'diff-before' }, c.before || '（空）')),
        el('td', { 'data-label': '现在' }, el('ins', { className: 'diff-after' }, c.after || '（空）')));
    });
    panel.appendChild(el('table', { className: 'table diff' },
      el('thead', null, el('tr', null, el('th', null, '字段'), el('th', null, '原来'), el('th', null, '现在'))), el('tbody', null, rows)));
    if (!editable) return;
    panel.appendChild(el('p', { className: 'muted small' }, '采用更新只替换上面列出的字段，你对其他字段的修改保留；旧版本仍在版本历史中。'));
    const err = el('p', { className: 'error-message', id: 'origin-error', role: 'alert', hidden: true });
    const accept = el('button', { type: 'button', className: 'primary', id: 'origin-accept' }, '采用更新');
    const dismiss = el('button', { type: 'button', id: 'origin-dismiss' }, '忽略此次更新');
    panel.appendChild(el('div', { className: 'actions' }, dismiss, accept));
    panel.appendChild(err);
    async function act(what, button) {
      accept.disabled = dismiss.disabled = true;
      try {
        const res = await csm.api('POST', '/api/v1/questions/' + id + '/origin/' + what);
        if (res.ok) {
          // Taking the update made a new version: load it into the page (and the editor).
          if (what === 'accept') { location.reload(); return; }
          render(res.data, '已忽略此次更新；内置题库再有改动时会在这里列出。');
          return;
        }
        err.textContent = csm.message(res);
      } catch (e) {
        err.textContent = '网络连接失败，请稍后再试';
      }
      err.hidden = false;
      accept.disabled = dismiss.disabled = false;
      button.focus();
    }
    accept.addEventListener('click', function () { act('accept', accept); });
    dismiss.addEventListener('click', function () { act('dismiss', dismiss); });
  }

  async function load() {
    try {
      const res = await csm.api('GET', '/api/v1/questions/' + id + '/origin');
      if (res.ok) render(res.data);
      else panel.replaceChildren(el('p', { className: 'error-message' }, csm.message(res, '读取来源失败')));
    } catch (e) {
      panel.replaceChildren(el('p', { className: 'error-message' }, '网络连接失败，来源信息没有读到'));
    }
  }
  load();
})();
