'use strict';
// The grading queue: each pending case analysis with the candidate's text, the rubric
// keywords marked where the text contains them, and a score per part.
(function () {
  const el = csm.el;
  const section = document.getElementById('grading');

  // highlight returns text as nodes with every keyword wrapped in <mark>.
  function highlight(text, words) {
    words = words.filter(Boolean).sort(function (a, b) { return b.length - a.length; });
    const out = [];
    let i = 0, plain = '';
    while (i < text.length) {
      const w = words.find(function (x) { return text.startsWith(x, i); });
      if (w) {
        if (plain) { out.push(plain); plain = ''; }
        out.push(el('mark', null, w));
        i += w.length;
      } else {
        plain += text[i];
        i++;
      }
    }
    if (plain) out.push(plain);
    return out;
  }

  function answerOf(item, k) {
    const p = (item.parts || [])[k] || {};
    if (typeof p.answer === 'string') return p.answer;
    const a = item.answer || {};
    return (a.parts || [])[k] || (k === 0 && a.text) || '';
  }

  function card(item) {
    const attempt = item.attempt_id || item.attempt;
    const qid = item.question_id;
    const inputs = [];
    const body = el('div', { className: 'card grading-item' },
      el('p', { className: 'q-head' }, el('span', null, (item.candidate_name || item.candidate || '考生') + ' · ' + (item.title || item.blueprint || ('作答 ' + attempt))),
        el('span', { className: 'muted' }, '题目 ' + qid)),
      item.material ? el('div', { className: 'material' }, item.material) : null,
      item.stem ? el('p', { className: 'stem' }, item.stem) : null);
    (item.parts || []).forEach(function (p, k) {
      const words = [];
      (p.rubric || []).forEach(function (r) { words.push.apply(words, (r.keywords || []).concat(r.synonyms || [])); });
      const input = el('input', { type: 'number', min: '0', max: String(p.points), step: '0.5', value: p.score !== undefined ? p.score : '', 'aria-label': '第 ' + (k + 1) + ' 小题得分' });
      inputs.push(input);
      body.appendChild(el('div', { className: 'part' },
        el('p', { className: 'prompt' }, (k + 1) + '. ' + (p.prompt || '') + '（' + p.points + ' 分）'),
        el('div', { className: 'answer-text' }, highlight(answerOf(item, k), words)),
        p.rubric ? el('ul', { className: 'rubric-hints' }, p.rubric.map(function (r) {
          return el('li', null, r.point + '（' + r.score + ' 分）：' + (r.keywords || []).join('、'));
        })) : null,
        el('label', { className: 'inline' }, '得分 ', input, ' / ' + p.points)));
    });
    const comment = el('textarea', { rows: 2, placeholder: '评语（可选）', 'aria-label': '评语' });
    const err = el('p', { className: 'error-message', role: 'alert', hidden: true });
    const save = el('button', { type: 'button', className: 'primary' }, '提交评分');
    save.addEventListener('click', async function () {
      err.hidden = true;
      try {
        const res = await csm.api('PUT', '/api/v1/attempts/' + attempt + '/grades/' + qid,
          { scores: inputs.map(function (i) { return Number(i.value) || 0; }), comment: comment.value });
        if (res.ok) { body.replaceWith(el('p', { className: 'card ok' }, '已评分：题目 ' + qid)); return; }
        err.textContent = csm.message(res);
      } catch (e) {
        err.textContent = '网络不通，评分未提交';
      }
      err.hidden = false;
    });
    body.appendChild(comment);
    body.appendChild(err);
    body.appendChild(save);
    return body;
  }

  csm.optional(section, section.dataset.endpoint).then(function (data) {
    if (section.hidden) { document.getElementById('grading-missing').hidden = false; return; }
    const items = (data && (data.items || data)) || [];
    document.getElementById('grading-empty').hidden = items.length > 0;
    const list = document.getElementById('grading-list');
    items.forEach(function (it) { list.appendChild(card(it)); });
  });
})();
