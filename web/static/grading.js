'use strict';
// The grading queue (GET /api/v1/grading/pending): each attempt awaiting review with its
// case analyses, the candidate's text with the words the suggestion counted marked (and
// the ones it refused struck through), the reasons per 采分点, a score per 采分点
// prefilled with the suggestion, and a comment, required only where a score differs from
// the suggestion. Cases can be selected and their suggestions accepted at once (POST
// /api/v1/grading/accept); an unanswered case or attempt grades to 0 in one click. Blind
// grading hides candidates' names; the choice is kept in this browser per user. An attempt
// leaves the queue once its last case is graded.
(function () {
  const el = csm.el;
  const tools = document.getElementById('grading-tools');
  const list = document.getElementById('grading-list');
  const acceptButton = document.getElementById('accept-selected');
  const selectAll = document.getElementById('select-all');
  const blind = document.getElementById('blind-toggle');
  const cards = {}; // attempt id → {card, cases: {question id → case controls}}

  // Blind grading is a reviewer's habit, not a secret: the API still sends names (staff
  // may see them), so the choice lives in this browser, one per user.
  const blindKey = 'csmexam.grading.blind.' + (tools.dataset.user || '');
  function setBlind(on) {
    document.body.classList.toggle('blind', on);
    blind.checked = on;
  }
  setBlind(localStorage.getItem(blindKey) === '1');
  blind.addEventListener('change', function () {
    localStorage.setItem(blindKey, blind.checked ? '1' : '0');
    setBlind(blind.checked);
  });

  // who names a candidate twice: by name, and anonymously by attempt; CSS shows one.
  function who(a) {
    return el('span', null, el('span', { className: 'candidate-name' }, csm.person(a.candidate.username, a.candidate.name)),
      el('span', { className: 'candidate-anon' }, '考生（作答 ' + a.attempt + '）'));
  }

  // reasonText says in words why the suggestion counted a word of the answer, or not.
  function reasonText(r) {
    switch (r.kind) {
      case 'matched': return '命中「' + r.word + '」';
      case 'listed': return '「' + r.word + '」只是罗列，未作分析（计一半）';
      case 'negated': return '「' + r.word + '」被「' + r.cue + '」否定，不计分';
      case 'copied': return '「' + r.word + '」抄自案例材料，不计分';
      case 'pair_broken': return '「' + r.word + '」与「' + r.cue + '」不在同一句，配对不成立';
      default: return r.kind + '「' + r.word + '」';
    }
  }

  // highlight shows text with spans [start, end) marked by class: the counted hits
  // first, then the refused words. Offsets count runes (code points), as the server
  // does, so the text is split with Array.from, not by UTF-16 units.
  function highlight(text, spans) {
    const runes = Array.from(text || '');
    const cls = new Array(runes.length).fill('');
    spans.forEach(function (s) {
      for (let i = Math.max(0, s.start); i < Math.min(runes.length, s.end); i++) if (!cls[i]) cls[i] = s.cls;
    });
    const out = [];
    let i = 0;
    while (i < runes.length) {
      let j = i;
      while (j < runes.length && cls[j] === cls[i]) j++;
      const piece = runes.slice(i, j).join('');
      out.push(cls[i] ? el('mark', { className: cls[i] }, piece) : piece);
      i = j;
    }
    return out;
  }

  function blank(c) {
    return (c.parts || []).every(function (p) { return !(p.answer || '').trim(); });
  }

  // caseCard is one case to grade; done is called with the attempt's status after a grade.
  function caseCard(attempt, c, done) {
    const inputs = [], suggested = [];
    const state = el('span', { className: 'case-state' + (c.graded ? ' ok' : '') }, c.graded ? '已评分' : '待评分');
    const pick = el('input', { type: 'checkbox', className: 'pick', 'aria-label': '选中作答 ' + attempt.attempt + ' 的题目 ' + c.question_id, disabled: c.graded });
    pick.addEventListener('change', updateSelection);
    const body = el('div', { className: 'grading-case', 'data-question': String(c.question_id) },
      el('div', { className: 'q-head' }, el('label', { className: 'check' }, pick,
        ' 案例分析 · 题目 ' + c.question_id + ' · 本题 ' + c.max_score + ' 分'), state),
      c.material ? el('details', { className: 'material-box' }, el('summary', null, '案例材料'), el('div', { className: 'material' }, c.material)) : null,
      el('p', { className: 'stem' }, c.stem),
      (c.images || []).map(function (img) {
        return el('figure', { className: 'q-image' }, el('img', { src: '/api/v1/attachments/' + img.sha256, alt: '图：' + img.name }),
          el('figcaption', null, '图：' + img.name));
      }));
    (c.parts || []).forEach(function (p, k) {
      const spans = [];
      (p.rubric || []).forEach(function (r) {
        (r.hits || []).forEach(function (h) { spans.push({ start: h.start, end: h.end, cls: 'hit' }); });
      });
      (p.rubric || []).forEach(function (r) {
        (r.reasons || []).forEach(function (x) {
          if (x.kind !== 'matched' && x.kind !== 'listed') spans.push({ start: x.start, end: x.end, cls: 'refused' });
        });
      });
      const rows = (p.rubric || []).map(function (r, i) {
        const input = el('input', { type: 'number', min: '0', max: String(r.max_score), step: '0.5', inputMode: 'decimal',
          value: String(c.graded ? r.score : r.suggested), 'aria-label': '第 ' + (k + 1) + ' 小题采分点 ' + (i + 1) + ' 得分' });
        input.addEventListener('input', updateCommentRule);
        inputs.push(input);
        suggested.push(r.suggested);
        const words = (r.keywords || []).concat(r.synonyms || []);
        const reasons = (r.reasons || []).map(function (x) {
          return el('li', { className: 'reason ' + x.kind }, reasonText(x));
        });
        return el('tr', null,
          el('td', { className: 'clip' }, r.point, words.length ? el('span', { className: 'muted small block' }, '关键词：' + words.join('、')) : null,
            reasons.length ? el('ul', { className: 'reasons small' }, reasons) : el('span', { className: 'muted small block' }, '答案中未找到关键词')),
          el('td', { 'data-label': '建议' }, String(r.suggested)),
          el('td', { 'data-label': '得分' }, input, ' / ' + r.max_score));
      });
      body.appendChild(el('div', { className: 'part' },
        el('p', { className: 'prompt' }, (k + 1) + '. ' + p.prompt + '（' + p.max_score + ' 分）'),
        p.copied ? el('p', { className: 'tag warn copied-flag' }, '注意：这段答案大部分抄自案例材料或题干') : null,
        el('div', { className: 'answer-text' }, p.answer ? highlight(p.answer, spans) : el('span', { className: 'muted' }, '（未作答）')),
        p.reference ? el('details', { className: 'reference muted small' }, el('summary', null, '参考答案'), el('p', null, p.reference)) : null,
        el('table', { className: 'table rubric' },
          el('thead', null, el('tr', null, el('th', null, '采分点与理由'), el('th', null, '建议'), el('th', null, '得分'))),
          el('tbody', null, rows))));
    });
    const comment = el('textarea', { rows: 2, maxLength: 2000, 'aria-label': '评语', value: c.comment || '' });
    const commentLabel = el('span', null);
    function differs() {
      return inputs.some(function (i, n) { return (Number(i.value) || 0) !== suggested[n]; });
    }
    function updateCommentRule() {
      const needed = differs();
      commentLabel.textContent = needed ? '评语（必填：分数与建议分不同，请说明理由，考生可见）' : '评语（可选：采纳建议分时不必填写，考生可见）';
      comment.required = needed;
    }
    updateCommentRule();
    const err = el('p', { className: 'error-message', role: 'alert', hidden: true });
    const save = el('button', { type: 'button', className: 'primary save-grade' }, c.graded ? '重新评分' : '确认评分');
    function graded(scores) {
      state.textContent = '已评分';
      state.classList.add('ok');
      save.textContent = '重新评分';
      pick.checked = false;
      pick.disabled = true;
      if (scores) scores.forEach(function (s, n) { if (inputs[n]) inputs[n].value = String(s); });
      if (zero) zero.remove();
      updateCommentRule();
      updateSelection();
    }
    function fail(text) {
      err.textContent = text;
      err.hidden = !text;
    }
    save.addEventListener('click', async function () {
      fail('');
      inputs.forEach(function (i) { i.classList.remove('invalid'); });
      if (comment.required && !comment.value.trim()) {
        fail('所给分数与系统建议分不同，请写下评语说明理由');
        comment.focus();
        return;
      }
      save.disabled = true;
      try {
        const res = await csm.api('PUT', '/api/v1/attempts/' + attempt.attempt + '/grades/' + c.question_id,
          { scores: inputs.map(function (i) { return Number(i.value) || 0; }), comment: comment.value });
        if (res.ok) {
          graded();
          done(res.data.status, res.data);
          refreshRemaining();
          return;
        }
        const m = /^scores\[(\d+)\]$/.exec((res.data && res.data.field) || '');
        if (m && inputs[Number(m[1])]) inputs[Number(m[1])].classList.add('invalid');
        fail(csm.message(res));
      } catch (e) {
        fail('网络不通，评分未提交，请稍后重试');
      } finally {
        save.disabled = false;
      }
    });
    // An unanswered case grades to 0 in one click: its suggestion is 0, so accept it.
    const zero = !c.graded && blank(c) ? el('button', { type: 'button', className: 'zero-case' }, '未作答，记 0 分') : null;
    if (zero) zero.addEventListener('click', function () { accept([{ attempt: attempt.attempt, question: c.question_id }], fail); });
    body.appendChild(el('label', null, commentLabel, comment));
    body.appendChild(err);
    body.appendChild(el('p', { className: 'actions' }, zero, save));
    return { body: body, pick: pick, graded: graded, fail: fail, blank: blank(c) && !c.graded };
  }

  function attemptCard(a) {
    const entry = { cases: {} };
    const card = el('section', { className: 'card grading-item', 'data-attempt': String(a.attempt) });
    function done(status, result) {
      if (status === 'pending_review') return;
      const line = el('p', { className: 'card ok done' }, who(a), ' 的「' + a.title + '」已阅完' + (result ? '：' + result.score + ' / ' + result.max_score + ' 分。' : '。'),
        el('a', { href: '/attempts/' + a.attempt + '/result' }, '查看成绩'));
      card.replaceWith(line);
      delete cards[a.attempt];
      updateCount();
    }
    entry.done = done;
    const blanks = [];
    const controls = a.cases.map(function (c) {
      const cc = caseCard(a, c, done);
      entry.cases[c.question_id] = cc;
      if (cc.blank) blanks.push({ attempt: a.attempt, question: c.question_id });
      return cc;
    });
    const err = el('p', { className: 'error-message', role: 'alert', hidden: true });
    let zeroAll = null;
    if (blanks.length && blanks.length === a.cases.filter(function (c) { return !c.graded; }).length && blanks.length > 1) {
      zeroAll = el('button', { type: 'button', className: 'zero-attempt' }, '整份未作答，全部记 0 分');
      zeroAll.addEventListener('click', function () {
        accept(blanks, function (text) { err.textContent = text; err.hidden = !text; });
      });
    }
    card.appendChild(el('div', { className: 'head-row' }, el('h2', null, who(a), ' · ' + a.title),
      el('span', { className: 'muted small' }, '交卷 ' + csm.when(a.submitted_at) + ' · 作答 ' + a.attempt), zeroAll));
    card.appendChild(err);
    controls.forEach(function (cc) { card.appendChild(cc.body); });
    entry.card = card;
    cards[a.attempt] = entry;
    return card;
  }

  function picks() {
    return Array.from(document.querySelectorAll('.grading-case .pick'));
  }
  function updateSelection() {
    const all = picks().filter(function (p) { return !p.disabled; });
    const chosen = all.filter(function (p) { return p.checked; });
    acceptButton.disabled = chosen.length === 0;
    acceptButton.textContent = chosen.length ? '采纳所选 ' + chosen.length + ' 题的建议分' : '采纳所选的建议分';
    selectAll.checked = all.length > 0 && chosen.length === all.length;
  }
  selectAll.addEventListener('change', function () {
    picks().forEach(function (p) { if (!p.disabled) p.checked = selectAll.checked; });
    updateSelection();
  });

  // accept grades the listed cases with their suggestions, all or nothing; fail shows a
  // message where the click was. Each failed item is named on its own case.
  async function accept(items, fail) {
    fail('');
    acceptButton.disabled = true;
    try {
      const res = await csm.api('POST', '/api/v1/grading/accept', { items: items });
      if (res.ok) {
        res.data.items.forEach(function (it) {
          const entry = cards[it.attempt];
          if (!entry) return;
          entry.cases[it.question].graded(it.scores);
          if (it.status !== 'pending_review') entry.done(it.status);
        });
        refreshRemaining();
        return;
      }
      fail(csm.message(res));
      ((res.data && res.data.items) || []).forEach(function (it) {
        const entry = cards[it.attempt];
        const cc = entry && entry.cases[it.question];
        if (cc) cc.fail('未能采纳：' + it.error);
      });
    } catch (e) {
      fail('网络不通，未能采纳，请稍后重试');
    } finally {
      updateSelection();
    }
  }
  acceptButton.addEventListener('click', function () {
    const items = picks().filter(function (p) { return p.checked && !p.disabled; }).map(function (p) {
      return { attempt: Number(p.closest('.grading-item').dataset.attempt), question: Number(p.closest('.grading-case').dataset.question) };
    });
    accept(items, function (text) { csm.showError('accept-error', text); });
  });

  function showRemaining(q) {
    const total = q.by_blueprint.reduce(function (n, r) { return n + r.cases; }, 0);
    document.getElementById('remaining-summary').textContent = '剩余待评 ' + total + ' 题（按考试、按案例题）';
    const line = function (r, label) { return el('li', null, label + '：', el('strong', null, String(r.cases)), ' 题待评 · ' + r.attempts + ' 份试卷'); };
    document.getElementById('remaining-blueprints').replaceChildren.apply(document.getElementById('remaining-blueprints'),
      q.by_blueprint.map(function (r) { return line(r, r.title); }));
    document.getElementById('remaining-cases').replaceChildren.apply(document.getElementById('remaining-cases'),
      q.by_case.map(function (r) { return line(r, '题目 ' + r.key + ' ' + r.title); }));
  }
  function refreshRemaining() {
    csm.api('GET', '/api/v1/grading/pending').then(function (res) { if (res.ok) showRemaining(res.data); }).catch(function () {});
  }

  function updateCount() {
    const n = document.querySelectorAll('.grading-item').length;
    document.getElementById('grading-count').textContent = n ? '待阅 ' + n + ' 份试卷' : '';
    document.getElementById('grading-empty').hidden = n > 0;
    tools.hidden = n === 0;
  }

  csm.api('GET', '/api/v1/grading/pending').then(function (res) {
    if (!res.ok) { csm.showError('grading-error', csm.message(res, '无法载入待阅试卷')); return; }
    res.data.items.forEach(function (a) { list.appendChild(attemptCard(a)); });
    showRemaining(res.data);
    updateCount();
    updateSelection();
  }).catch(function () { csm.showError('grading-error', '网络不通，请检查网络后刷新'); });
})();
