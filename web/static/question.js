'use strict';
// The question editor: one form for every type. Choice questions have option rows with
// a 正确 tick; a case analysis has its material and parts, each part with rubric rows
// (采分点, score, keywords, synonyms, pairs), and the case's form (问题/论述/解析题). The
// server validates; its field names point at the input.
(function () {
  const el = csm.el;
  const form = document.getElementById('question-form');
  const qid = Number(form.dataset.id) || 0;
  let version = 0;
  let attachments = []; // the question's images, kept as they are by an edit
  const optionsBox = document.getElementById('options');
  const partsBox = document.getElementById('parts');
  const KEYS = 'ABCDEFGH';

  function splitWords(s) {
    return s.split(/[,，、;；\s]+/).map(function (w) { return w.trim(); }).filter(Boolean);
  }

  // splitPairs reads "类型=实例、类型=实例" into [[类型, 实例], …]; a malformed pair is sent
  // as it is, for the server to name (parts[i].rubric[j].pairs[k]).
  function splitPairs(s) {
    return s.split(/[,，、;；\n]+/).map(function (p) { return p.trim(); }).filter(Boolean).map(function (p) {
      return p.split(/\s*[=＝↔]\s*/);
    });
  }

  function relabelOptions() {
    optionsBox.querySelectorAll('.option-row').forEach(function (row, i) {
      row.querySelector('.opt-key').textContent = KEYS[i];
      row.dataset.key = KEYS[i];
      row.querySelector('input[type=text]').setAttribute('data-field', 'options[' + i + '].text');
    });
  }

  function addOption(o) {
    if (optionsBox.children.length >= KEYS.length) return;
    const text = el('input', { type: 'text', value: o ? o.text : '', 'aria-label': '选项内容' });
    const right = el('input', { type: 'checkbox', className: 'right', checked: !!(o && o.right) });
    const remove = el('button', { type: 'button', className: 'link' }, '删除');
    const row = el('div', { className: 'option-row' }, el('span', { className: 'opt-key' }), text,
      el('label', { className: 'inline' }, right, ' 正确'), remove);
    remove.addEventListener('click', function () { row.remove(); relabelOptions(); });
    optionsBox.appendChild(row);
    relabelOptions();
  }

  function addRubric(list, r) {
    const row = el('div', { className: 'rubric-row' },
      el('input', { type: 'text', className: 'point', value: r ? r.point : '', placeholder: '采分点' }),
      el('input', { type: 'number', className: 'score', value: r ? r.score : '', step: '0.5', min: '0.5', placeholder: '分值' }),
      el('input', { type: 'text', className: 'keywords', value: r ? r.keywords.join('、') : '', placeholder: '关键词，用顿号或逗号分隔' }),
      el('input', { type: 'text', className: 'synonyms', value: r && r.synonyms ? r.synonyms.join('、') : '', placeholder: '同义词（可选）' }),
      el('input', { type: 'text', className: 'pairs', value: r && r.pairs ? r.pairs.map(function (p) { return p.join('='); }).join('、') : '',
        placeholder: '配对（可选）：类型=实例、类型=实例', title: '填了配对，这个采分点只在一对词出现在同一句时得分' }));
    const remove = el('button', { type: 'button', className: 'link' }, '删除');
    remove.addEventListener('click', function () { row.remove(); relabelParts(); });
    row.appendChild(remove);
    list.appendChild(row);
    relabelParts();
  }

  function addPart(p) {
    const rubric = el('div', { className: 'rubric' });
    const addRow = el('button', { type: 'button' }, '添加采分点');
    const remove = el('button', { type: 'button', className: 'link' }, '删除小题');
    const part = el('fieldset', { className: 'part-edit' }, el('legend'),
      el('label', null, '问题', el('textarea', { className: 'prompt', rows: 2, value: p ? p.prompt : '' })),
      el('label', null, '分值', el('input', { type: 'number', className: 'points', step: '0.5', min: '0.5', value: p ? p.points : '' })),
      el('label', null, '参考答案', el('textarea', { className: 'reference', rows: 3, value: p ? p.reference : '' })),
      el('p', { className: 'muted small' }, '采分点（分值合计须等于小题分值）'), rubric, addRow, remove);
    addRow.addEventListener('click', function () { addRubric(rubric); });
    remove.addEventListener('click', function () { part.remove(); relabelParts(); });
    partsBox.appendChild(part);
    ((p && p.rubric) || [null]).forEach(function (r) { addRubric(rubric, r); });
    relabelParts();
  }

  // relabelParts names every case input by the server's field path, e.g. parts[1].rubric[0].score.
  function relabelParts() {
    partsBox.querySelectorAll('.part-edit').forEach(function (part, i) {
      const f = 'parts[' + i + ']';
      part.querySelector('legend').textContent = '第 ' + (i + 1) + ' 小题';
      part.querySelector('.prompt').setAttribute('data-field', f + '.prompt');
      part.querySelector('.points').setAttribute('data-field', f + '.points');
      part.querySelector('.reference').setAttribute('data-field', f + '.reference');
      part.querySelector('.rubric').setAttribute('data-field', f + '.rubric');
      part.querySelectorAll('.rubric-row').forEach(function (row, j) {
        const rf = f + '.rubric[' + j + ']';
        ['point', 'score', 'keywords', 'synonyms', 'pairs'].forEach(function (c) { row.querySelector('.' + c).setAttribute('data-field', rf + '.' + c); });
      });
    });
  }

  function showType() {
    const t = form.type.value;
    document.getElementById('choice-fields').hidden = t !== 'single' && t !== 'multiple';
    document.getElementById('truefalse-fields').hidden = t !== 'truefalse';
    document.getElementById('case-fields').hidden = t !== 'case';
    if (t === 'case' && partsBox.children.length === 0) addPart();
    if ((t === 'single' || t === 'multiple') && optionsBox.children.length === 0) { for (let i = 0; i < 4; i++) addOption(); }
  }
  form.type.addEventListener('change', showType);
  document.getElementById('add-option').addEventListener('click', function () { addOption(); });
  document.getElementById('add-part').addEventListener('click', function () { addPart(); });

  function number(v) { return v === '' ? 0 : Number(v); }

  function collect() {
    const t = form.type.value;
    const q = { type: t, stem: form.stem.value, unit: form.unit.value, difficulty: Number(form.difficulty.value),
      explanation: form.explanation.value, source: form.source.value };
    if (t === 'single' || t === 'multiple') {
      q.options = [];
      q.answer = [];
      optionsBox.querySelectorAll('.option-row').forEach(function (row) {
        q.options.push({ key: row.dataset.key, text: row.querySelector('input[type=text]').value });
        if (row.querySelector('.right').checked) q.answer.push(row.dataset.key);
      });
    } else if (t === 'truefalse') {
      const c = form.querySelector('input[name=tf]:checked');
      q.answer = c ? [c.value] : [];
    } else {
      q.material = form.material.value;
      const caseForm = form.querySelector('[name=case_form]').value;
      if (caseForm !== 'analysis') q.form = caseForm; // none is analysis, as the server stores it
      q.parts = Array.from(partsBox.querySelectorAll('.part-edit')).map(function (part) {
        return {
          prompt: part.querySelector('.prompt').value,
          points: number(part.querySelector('.points').value),
          reference: part.querySelector('.reference').value,
          rubric: Array.from(part.querySelectorAll('.rubric-row')).map(function (row) {
            const r = { point: row.querySelector('.point').value, score: number(row.querySelector('.score').value),
              keywords: splitWords(row.querySelector('.keywords').value) };
            const syn = splitWords(row.querySelector('.synonyms').value);
            if (syn.length) r.synonyms = syn;
            const pairs = splitPairs(row.querySelector('.pairs').value);
            if (pairs.length) r.pairs = pairs;
            return r;
          }),
        };
      });
    }
    if (qid) q.version = version;
    if (attachments.length) q.attachments = attachments;
    return q;
  }

  function fill(q) {
    version = q.version;
    attachments = q.attachments || [];
    form.type.value = q.type;
    form.stem.value = q.stem;
    form.unit.value = q.unit;
    form.difficulty.value = String(q.difficulty);
    form.explanation.value = q.explanation || '';
    form.source.value = q.source || '';
    if (q.type === 'truefalse') {
      const r = form.querySelector('input[name=tf][value="' + (q.answer || [])[0] + '"]');
      if (r) r.checked = true;
    } else if (q.type === 'case') {
      form.material.value = q.material || '';
      form.querySelector('[name=case_form]').value = q.form || 'analysis';
      (q.parts || []).forEach(addPart);
    } else {
      (q.options || []).forEach(function (o) { addOption({ text: o.text, right: (q.answer || []).indexOf(o.key) >= 0 }); });
    }
    showType();
  }

  // visibleField finds the shown input the server's field path names (the true/false
  // answer and the choice answer share the name "answer").
  function visibleField(f) {
    return Array.from(form.querySelectorAll('[data-field="' + f + '"]')).find(function (e) { return e.offsetParent !== null; });
  }

  function markField(field) {
    form.querySelectorAll('.invalid').forEach(function (e) { e.classList.remove('invalid'); });
    if (!field) return;
    let target = visibleField(field);
    for (let f = field; !target && /[.[]/.test(f); ) {
      f = f.slice(0, Math.max(f.lastIndexOf('.'), f.lastIndexOf('[')));
      target = visibleField(f);
    }
    if (!target && /^(options|answer)/.test(field)) target = optionsBox;
    if (target) { target.classList.add('invalid'); target.scrollIntoView({ block: 'center' }); if (target.focus) target.focus(); }
  }

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    csm.showError('form-error', '');
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const res = await csm.api(qid ? 'PUT' : 'POST', '/api/v1/questions' + (qid ? '/' + qid : ''), collect());
      if (res.ok) { location.href = '/questions/' + res.data.id; return; }
      csm.showError('form-error', res.status === 409 ? '保存前已有人修改了这道题，请刷新页面后在最新版本上修改。' : csm.message(res));
      markField(res.data && res.data.field);
    } catch (e) {
      csm.showError('form-error', '网络不通，题目未保存，请稍后再试');
    }
    btn.disabled = false;
  });

  if (qid) {
    csm.api('GET', '/api/v1/questions/' + qid).then(function (res) {
      if (res.ok) fill(res.data); else csm.showError('form-error', csm.message(res, '题目未能载入'));
    }).catch(function () { csm.showError('form-error', '网络不通，题目未能载入'); });
  } else {
    showType();
  }
})();
