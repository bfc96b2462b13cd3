'use strict';
// The grading queue (GET /api/v1/grading/pending): each attempt awaiting review with its
// case analyses, the candidate's text with the server's keyword hits marked, a score per
// 采分点 prefilled with the suggestion, and a comment. An attempt leaves the queue once
// its last case is graded.
(function () {
  const el = csm.el;

  // highlight shows text with the spans [start, end) marked. Offsets count runes (code
  // points), as the server does, so the text is split with Array.from, not by UTF-16 units.
  function highlight(text, hits) {
    const runes = Array.from(text || '');
    const marked = new Array(runes.length).fill(false);
    hits.forEach(function (h) {
      for (let i = Math.max(0, h.start); i < Math.min(runes.length, h.end); i++) marked[i] = true;
    });
    const out = [];
    let i = 0;
    while (i < runes.length) {
      let j = i;
      while (j < runes.length && marked[j] === marked[i]) j++;
      const piece = runes.slice(i, j).join('');
      out.push(marked[i] ? el('mark', null, piece) : piece);
      i = j;
    }
    return out;
  }


  // caseCard is one case to grade; done is called with the rescored Result.
  function caseCard(attempt, c, done) {
    const inputs = [];
    const body = el('div', { className: 'grading-case', 'data-question': String(c.question_id) },
      el('p', { className: 'q-head' }, el('span', null, '案例分析 · 题目 ' + c.question_id + ' · 本题 ' + c.max_score + ' 分'),
        el('span', { className: 'case-state' + (c.graded ? ' ok' : '') }, c.graded ? '已评分' : '待评分')),
      c.material ? el('details', { className: 'material-box' }, el('summary', null, '案例材料'), el('div', { className: 'material' }, c.material)) : null,
      el('p', { className: 'stem' }, c.stem));
    (c.parts || []).forEach(function (p, k) {
      const hits = [];
      (p.rubric || []).forEach(function (r) { hits.push.apply(hits, r.hits || []); });
      const rows = (p.rubric || []).map(function (r, i) {
        const input = el('input', { type: 'number', min: '0', max: String(r.max_score), step: '0.5', inputMode: 'decimal',
          value: String(c.graded ? r.score : r.suggested), 'aria-label': '第 ' + (k + 1) + ' 小题采分点 ' + (i + 1) + ' 得分' });
        inputs.push(input);
        const words = (r.keywords || []).concat(r.synonyms || []);
        return el('tr', null,
          el('td', { className: 'clip' }, r.point, words.length ? el('span', { className: 'muted small block' }, '关键词：' + words.join('、')) : null),
          el('td', { 'data-label': '建议' }, String(r.suggested)),
          el('td', { 'data-label': '得分' }, input, ' / ' + r.max_score));
      });
      body.appendChild(el('div', { className: 'part' },
        el('p', { className: 'prompt' }, (k + 1) + '. ' + p.prompt + '（' + p.max_score + ' 分）'),
        el('div', { className: 'answer-text' }, p.answer ? highlight(p.answer, hits) : el('span', { className: 'muted' }, '（未作答）')),
        p.reference ? el('p', { className: 'muted small' }, '参考答案：' + p.reference) : null,
        el('table', { className: 'table rubric' },
          el('thead', null, el('tr', null, el('th', null, '采分点'), el('th', null, '建议'), el('th', null, '得分'))),
          el('tbody', null, rows))));
    });
    const comment = el('textarea', { rows: 2, maxLength: 2000, placeholder: '评语（可选，考生可见）', 'aria-label': '评语', value: c.comment || '' });
    const err = el('p', { className: 'error-message', role: 'alert', hidden: true });
    const save = el('button', { type: 'button', className: 'primary save-grade' }, c.graded ? '重新评分' : '确认评分');
    save.addEventListener('click', async function () {
      err.hidden = true;
      inputs.forEach(function (i) { i.classList.remove('invalid'); });
      save.disabled = true;
      try {
        const res = await csm.api('PUT', '/api/v1/attempts/' + attempt.attempt + '/grades/' + c.question_id,
          { scores: inputs.map(function (i) { return Number(i.value) || 0; }), comment: comment.value });
        if (res.ok) {
          const state = body.querySelector('.case-state');
          state.textContent = '已评分';
          state.classList.add('ok');
          save.textContent = '重新评分';
          done(res.data);
          return;
        }
        const m = /^scores\[(\d+)\]$/.exec((res.data && res.data.field) || '');
        if (m && inputs[Number(m[1])]) inputs[Number(m[1])].classList.add('invalid');
        err.textContent = csm.message(res);
      } catch (e) {
        err.textContent = '网络不通，评分未提交，请稍后重试';
      } finally {
        save.disabled = false;
      }
      err.hidden = false;
    });
    body.appendChild(el('label', null, '评语', comment));
    body.appendChild(err);
    body.appendChild(el('p', { className: 'actions' }, save));
    return body;
  }

  function attemptCard(a) {
    const who = csm.person(a.candidate.username, a.candidate.name);
    const card = el('section', { className: 'card grading-item', 'data-attempt': String(a.attempt) },
      el('div', { className: 'head-row' }, el('h2', null, who + ' · ' + a.title),
        el('span', { className: 'muted small' }, '交卷 ' + csm.when(a.submitted_at) + ' · 作答 ' + a.attempt)));
    a.cases.forEach(function (c) {
      card.appendChild(caseCard(a, c, function (result) {
        if (result.status === 'pending_review') return;
        card.replaceWith(el('p', { className: 'card ok done' }, who + ' 的「' + a.title + '」已阅完：' + result.score + ' / ' + result.max_score + ' 分。',
          el('a', { href: '/attempts/' + a.attempt + '/result' }, '查看成绩')));
        updateCount();
      }));
    });
    return card;
  }

  function updateCount() {
    const n = document.querySelectorAll('.grading-item').length;
    document.getElementById('grading-count').textContent = n ? '待阅 ' + n + ' 份试卷' : '';
    document.getElementById('grading-empty').hidden = n > 0;
  }

  const list = document.getElementById('grading-list');
  csm.api('GET', '/api/v1/grading/pending').then(function (res) {
    if (!res.ok) { csm.showError('grading-error', csm.message(res, '无法载入待阅试卷')); return; }
    res.data.items.forEach(function (a) { list.appendChild(attemptCard(a)); });
    updateCount();
  }).catch(function () { csm.showError('grading-error', '网络不通，请检查网络后刷新'); });
})();
