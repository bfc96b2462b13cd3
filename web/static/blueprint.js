'use strict';
// The blueprint editor, for a new blueprint and for a saved one (data-code): sections with
// a count above zero make the paper; 预览 draws a sample paper from the bank with its
// coverage before anything is saved; 保存 creates the blueprint or saves its next version.
// The server computes and checks the rest and names the field it refuses.
(function () {
  const el = csm.el;
  const form = document.getElementById('blueprint-form');
  const code = form.dataset.code || '';
  const rows = Array.from(form.querySelectorAll('.section-row'));
  let loaded = null; // the saved blueprint being edited: fields the form does not show are kept
  let seed = 1;

  // keptCases are a loaded blueprint's case sections split by form (问题/论述/解析题): the
  // form has one case row, so these are kept as they are and the row is locked.
  function keptCases() {
    return loaded ? loaded.sections.filter(function (s) { return s.type === 'case' && s.form; }) : [];
  }

  // sections returns the paper's sections and, for each, the row it came from (null for
  // a kept one), so a refused "sections[i]" points at the right row.
  function sections() {
    const out = [], from = [];
    const kept = keptCases();
    rows.forEach(function (r) {
      if (r.dataset.type === 'case' && kept.length) {
        kept.forEach(function (s) { out.push(s); from.push(r); });
        return;
      }
      const s = { type: r.dataset.type, count: Number(r.querySelector('.count').value) || 0, points_each: Number(r.querySelector('.points').value) || 0 };
      if (s.count > 0) { out.push(s); from.push(r); }
    });
    return { list: out, rows: from };
  }

  function total() {
    const sum = sections().list.reduce(function (t, s) { return t + s.count * s.points_each * 100; }, 0);
    document.getElementById('max-score').textContent = String(Math.round(sum) / 100);
  }
  form.addEventListener('input', total);

  function draft() {
    const practice = form.mode.value === 'practice';
    const bp = Object.assign({}, loaded || {}, {
      code: form.code.value.trim(), title: form.title.value.trim(), mode: form.mode.value,
      duration_s: practice ? 0 : Math.round(Number(form.minutes.value) * 60), pass_score: Number(form.pass_score.value),
      attempts_allowed: Number(form.attempts_allowed.value) || 0, sections: sections().list, overdue: form.overdue.value,
      grace_s: Number(form.grace_s.value) || 0, multiple_scoring: form.multiple_scoring.value,
      shuffle_questions: form.shuffle_questions.checked, shuffle_options: form.shuffle_options.checked,
    });
    delete bp.max_score; delete bp.retired; delete bp.bundled; delete bp.center_id;
    if (bp.multiple_scoring !== 'partial') delete bp.partial_fraction;
    delete bp.target_difficulty; delete bp.tolerance;
    if (form.target_difficulty.value !== '') {
      bp.target_difficulty = Number(form.target_difficulty.value);
      bp.tolerance = Number(form.tolerance.value) || 0;
    }
    const integrity = {
      record_focus: form.record_focus.checked, warn_at: Number(form.warn_at.value) || 0, submit_at: Number(form.submit_at.value) || 0,
      one_device: form.one_device.checked, block_copy: form.block_copy.checked,
      allowed_networks: form.allowed_networks.value.split(/[\s,，、]+/).filter(Boolean),
    };
    delete bp.integrity;
    if (integrity.record_focus || integrity.warn_at || integrity.submit_at || integrity.one_device || integrity.block_copy || integrity.allowed_networks.length) {
      bp.integrity = integrity;
    }
    const units = Array.from(form.units.selectedOptions).map(function (o) { return o.value; });
    if (units.length) bp.scope = { units: units }; else delete bp.scope;
    return bp;
  }

  function clearMarks() {
    csm.showError('form-error', '');
    form.querySelectorAll('.invalid').forEach(function (e) { e.classList.remove('invalid'); });
  }

  // refuse shows the server's message and marks the input its field names.
  function refuse(res) {
    csm.showError('form-error', csm.message(res));
    const f = res.data && res.data.field;
    if (!f) return;
    let target = null;
    const m = /^sections\[(\d+)\]\.(\w+)/.exec(f);
    if (m) {
      const row = sections().rows[Number(m[1])];
      target = row && row.querySelector(m[2] === 'points_each' ? '.points' : '.count');
    }
    target = target || form.querySelector('[data-field="' + f + '"]') || form.querySelector('[data-field="' + f.split(/[.[]/)[0] + '"]');
    if (target) target.classList.add('invalid');
  }

  function coverageTable(caption, rows) {
    return el('table', { className: 'table coverage' }, el('caption', null, caption),
      el('thead', null, el('tr', null, el('th', null, ''), el('th', null, '题数'), el('th', null, '分值'))),
      el('tbody', null, rows.map(function (r) {
        return el('tr', null, el('td', null, r.title), el('td', { 'data-label': '题数' }, String(r.count)), el('td', { 'data-label': '分值' }, String(r.points)));
      })));
  }

  function showPreview(p) {
    const body = document.getElementById('preview-body');
    const out = [];
    if (!p.feasible) {
      out.push(el('p', { className: 'error-message', id: 'preview-short' }, '题库无法按此设置组卷，保存时会被拒绝：'),
        el('ul', { className: 'shortages' }, p.shortages.map(function (s) { return el('li', null, s.message); })));
    } else {
      const n = p.sections.reduce(function (t, s) { return t + s.questions.length; }, 0);
      out.push(el('p', { id: 'preview-summary' }, '共 ' + n + ' 题 · 满分 ' + p.max_score + ' 分 · 平均难度 ' + p.mean_difficulty.toFixed(2) + ' · 样卷编号 ' + p.seed));
      out.push(el('div', { className: 'coverage-grid' }, coverageTable('按章节', p.coverage.chapters),
        coverageTable('按题型', p.coverage.types), coverageTable('按难度', p.coverage.difficulties)));
      p.sections.forEach(function (s) {
        out.push(el('details', { className: 'preview-section' }, el('summary', null, s.title + ' ' + s.questions.length + ' 题 × ' + s.points_each + ' 分'),
          el('ol', null, s.questions.map(function (q) {
            return el('li', null, el('a', { href: '/questions/' + q.id, target: '_blank' }, q.stem), el('span', { className: 'muted small' }, ' ' + q.unit + ' · 难度 ' + q.difficulty));
          }))));
      });
    }
    body.replaceChildren.apply(body, out);
    const panel = document.getElementById('preview');
    panel.hidden = false;
  }

  async function preview() {
    clearMarks();
    const bp = draft();
    bp.seed = seed;
    try {
      const res = await csm.api('POST', '/api/v1/blueprints/preview', bp);
      if (res.ok) { showPreview(res.data); document.getElementById('preview').scrollIntoView({ block: 'start' }); return; }
      document.getElementById('preview').hidden = true;
      refuse(res);
    } catch (e) {
      csm.showError('form-error', '网络不通，无法预览，请稍后再试');
    }
  }
  document.getElementById('preview-button').addEventListener('click', function () { seed = 1; preview(); });
  document.getElementById('preview-again').addEventListener('click', function () { seed += 1; preview(); });

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    clearMarks();
    try {
      const res = code ? await csm.api('PUT', '/api/v1/blueprints/' + encodeURIComponent(code), draft())
        : await csm.api('POST', '/api/v1/blueprints', draft());
      if (res.ok) { location.href = '/blueprints'; return; }
      refuse(res);
    } catch (e) {
      csm.showError('form-error', '网络不通，蓝图未保存，请稍后再试');
    }
  });

  function fill(bp) {
    loaded = bp;
    document.getElementById('bp-version').textContent = '第 ' + bp.version + ' 版' + (bp.retired ? '（已停用）' : '');
    form.title.value = bp.title;
    form.mode.value = bp.mode;
    form.minutes.value = bp.duration_s ? Math.round(bp.duration_s / 60) : 60;
    form.pass_score.value = bp.pass_score;
    form.attempts_allowed.value = bp.attempts_allowed || 0;
    form.overdue.value = bp.overdue;
    form.grace_s.value = bp.grace_s || 0;
    form.multiple_scoring.value = bp.multiple_scoring;
    form.shuffle_questions.checked = !!bp.shuffle_questions;
    form.shuffle_options.checked = !!bp.shuffle_options;
    form.target_difficulty.value = bp.target_difficulty || '';
    form.tolerance.value = bp.tolerance || '';
    const policy = bp.integrity || {};
    form.record_focus.checked = !!policy.record_focus;
    form.warn_at.value = policy.warn_at || 0;
    form.submit_at.value = policy.submit_at || 0;
    form.one_device.checked = !!policy.one_device;
    form.block_copy.checked = !!policy.block_copy;
    form.allowed_networks.value = (policy.allowed_networks || []).join('\n');
    const kept = keptCases();
    rows.forEach(function (r) {
      const s = bp.sections.find(function (x) { return x.type === r.dataset.type; });
      r.querySelector('.count').value = s ? s.count : 0;
      if (s) r.querySelector('.points').value = s.points_each;
      if (r.dataset.type === 'case' && kept.length) {
        r.querySelectorAll('input').forEach(function (i) { i.disabled = true; });
        r.querySelector('td').appendChild(el('span', { className: 'muted small' }, '（按形式分 ' + kept.length + ' 部分，保持不变）'));
      }
    });
    const units = (bp.scope && bp.scope.units) || [];
    Array.from(form.units.options).forEach(function (o) { o.selected = units.indexOf(o.value) >= 0; });
    total();
  }

  if (code) {
    csm.api('GET', '/api/v1/blueprints/' + encodeURIComponent(code)).then(function (res) {
      if (res.ok) fill(res.data); else csm.showError('form-error', csm.message(res, '蓝图读取失败'));
    }, function () { csm.showError('form-error', '网络不通，蓝图没有读到，请刷新重试'); });
  } else {
    total();
  }
})();
