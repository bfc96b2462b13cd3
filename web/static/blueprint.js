'use strict';
// The blueprint editor: sections with a count above zero make the paper; the server
// computes and checks the rest and names the field it refuses.
(function () {
  const form = document.getElementById('blueprint-form');
  const rows = Array.from(form.querySelectorAll('.section-row'));

  function sections() {
    return rows.map(function (r) {
      return { type: r.dataset.type, count: Number(r.querySelector('.count').value) || 0, points_each: Number(r.querySelector('.points').value) || 0 };
    }).filter(function (s) { return s.count > 0; });
  }

  function total() {
    const sum = sections().reduce(function (t, s) { return t + s.count * s.points_each * 100; }, 0);
    document.getElementById('max-score').textContent = String(Math.round(sum) / 100);
  }
  form.addEventListener('input', total);
  total();

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    csm.showError('form-error', '');
    form.querySelectorAll('.invalid').forEach(function (e) { e.classList.remove('invalid'); });
    const practice = form.mode.value === 'practice';
    const bp = {
      code: form.code.value.trim(), title: form.title.value.trim(), mode: form.mode.value,
      duration_s: practice ? 0 : Math.round(Number(form.minutes.value) * 60), pass_score: Number(form.pass_score.value),
      attempts_allowed: Number(form.attempts_allowed.value) || 0, sections: sections(), overdue: form.overdue.value,
      grace_s: Number(form.grace_s.value) || 0, multiple_scoring: form.multiple_scoring.value,
      shuffle_questions: form.shuffle_questions.checked, shuffle_options: form.shuffle_options.checked,
    };
    const integrity = {
      record_focus: form.record_focus.checked, warn_at: Number(form.warn_at.value) || 0, submit_at: Number(form.submit_at.value) || 0,
      one_device: form.one_device.checked, block_copy: form.block_copy.checked,
      allowed_networks: form.allowed_networks.value.split(/[\s,，、]+/).filter(Boolean),
    };
    if (integrity.record_focus || integrity.warn_at || integrity.submit_at || integrity.one_device || integrity.block_copy || integrity.allowed_networks.length) {
      bp.integrity = integrity;
    }
    const units = Array.from(form.units.selectedOptions).map(function (o) { return o.value; });
    if (units.length) bp.scope = { units: units };
    try {
      const res = await csm.api('POST', '/api/v1/blueprints', bp);
      if (res.ok) { location.href = '/blueprints'; return; }
      csm.showError('form-error', csm.message(res));
      const f = res.data && res.data.field;
      const target = f && (form.querySelector('[data-field="' + f + '"]') || form.querySelector('[data-field="' + f.split('[')[0] + '"]') ||
        form.querySelector('[data-field="' + f.split('.')[0] + '"]'));
      if (target) target.classList.add('invalid');
    } catch (e) {
      csm.showError('form-error', '网络不通，蓝图未保存，请稍后再试');
    }
  });
})();
