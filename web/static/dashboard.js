'use strict';
// The dashboard and the syllabus: start buttons, the candidate's assignments (考试安排)
// and the wrong-answer book (错题本) with a practice of it.
(function () {
  const el = csm.el;

  // start begins an attempt and opens it; a refusal (e.g. 409 outside an assignment's
  // window) shows the server's message in errorId.
  async function start(path, body, errorId) {
    csm.showError(errorId, '');
    try {
      const res = await csm.api('POST', path, body);
      if (res.ok) { location.href = '/exam/' + res.data.id; return; }
      csm.showError(errorId, csm.message(res, '无法开始'));
    } catch (e) {
      csm.showError(errorId, '网络不通，请检查网络后重试');
    }
  }

  // starts makes button b start what path and body say.
  function starts(b, path, body, errorId) {
    b.addEventListener('click', function () {
      b.disabled = true;
      start(path, body, errorId).finally(function () { b.disabled = false; });
    });
    return b;
  }
  function startButton(label, className, path, body, errorId) {
    return starts(el('button', { type: 'button', className: className }, label), path, body, errorId);
  }

  // Each start shows its refusal next to its own button.
  document.querySelectorAll('button.start').forEach(function (b) {
    starts(b, '/api/v1/attempts', { blueprint: b.dataset.blueprint }, 'start-error-' + b.dataset.blueprint);
  });

  const statusTitle = { upcoming: '未开放', open: '可作答', in_progress: '作答中', used_up: '次数已用完', closed: '已截止' };
  const statusTag = { upcoming: 'warn', open: 'ok', in_progress: 'ok', used_up: '', closed: 'bad' };

  const assignments = document.getElementById('assignments');
  if (assignments) {
    csm.optional(assignments, '/api/v1/assignments').then(function (data) {
      const items = (data && data.items) || [];
      assignments.hidden = items.length === 0;
      const list = document.getElementById('assignment-list');
      items.forEach(function (a) {
        const errId = 'assignment-error-' + a.id;
        let action = null;
        if (a.status === 'in_progress' && a.open_attempt) {
          action = el('a', { className: 'button primary', href: '/exam/' + a.open_attempt }, '继续作答');
        } else if (a.status === 'open') {
          // An open exam starts on its instructions page, where the clock starts.
          action = el('a', { className: 'button primary', href: '/start?assignment=' + a.id }, '开始考试');
        } else if (a.status === 'upcoming') {
          action = startButton('开始考试', '', '/api/v1/attempts', { assignment: a.id }, errId);
        }
        list.appendChild(el('li', { className: 'assignment', 'data-assignment': String(a.id) },
          el('span', null,
            el('strong', null, a.title), ' ', el('span', { className: 'tag ' + (statusTag[a.status] || '') }, statusTitle[a.status] || a.status),
            el('span', { className: 'muted' }, csm.when(a.opens_at) + ' 至 ' + csm.when(a.closes_at) + ' · 已作答 ' + a.attempts_used + ' / ' + a.attempts_allowed + ' 次' +
              (a.extra_s ? ' · 延长 ' + Math.round(a.extra_s / 60) + ' 分钟' : '')),
            el('span', { className: 'error-message', id: errId, role: 'alert', hidden: true })),
          action));
      });
    });
  }

  const wrongbook = document.getElementById('wrongbook');
  const unanswered = document.getElementById('unanswered');
  if (wrongbook) {
    csm.optional(wrongbook, '/api/v1/wrongbook').then(function (data) {
      const items = (data && data.items) || [];
      wrongbook.hidden = items.length === 0;
      document.getElementById('wrongbook-count').textContent = String(items.length);
      document.getElementById('wrongbook-due').textContent = String(items.filter(function (w) { return w.is_due; }).length);
      // Count per chapter, in the order of the syllabus codes.
      const chapters = {};
      items.forEach(function (w) {
        const c = chapters[w.chapter] || (chapters[w.chapter] = { code: w.chapter, title: w.chapter_title, n: 0, due: 0 });
        c.n++;
        if (w.is_due) c.due++;
      });
      const list = document.getElementById('wrongbook-list');
      Object.keys(chapters).sort(function (a, b) { return a.localeCompare(b, 'en', { numeric: true }); }).forEach(function (code) {
        const c = chapters[code];
        const errId = 'wrongbook-error-' + code;
        list.appendChild(el('li', { 'data-chapter': code },
          el('span', null, c.title, el('span', { className: 'muted' }, c.n + ' 道错题' + (c.due ? '，' + c.due + ' 道该复习' : '')),
            el('span', { className: 'error-message', id: errId, role: 'alert', hidden: true })),
          startButton('练习本章错题', '', '/api/v1/wrongbook/practice', { chapter: code }, errId)));
      });
      const rest = (data && data.unanswered) || [];
      unanswered.hidden = rest.length === 0;
      document.getElementById('unanswered-count').textContent = String(rest.length);
    });
    starts(document.getElementById('wrongbook-practice'), '/api/v1/wrongbook/practice', {}, 'wrongbook-error');
    starts(document.getElementById('unanswered-practice'), '/api/v1/wrongbook/practice', { list: 'unanswered' }, 'unanswered-error');
    // Clearing asks once more: the second press within a few seconds clears.
    const clear = document.getElementById('unanswered-clear');
    let armedUntil = 0;
    clear.addEventListener('click', async function () {
      if (Date.now() > armedUntil) {
        armedUntil = Date.now() + 5000;
        clear.classList.add('armed');
        clear.textContent = '再点一次确认清空';
        setTimeout(function () { clear.classList.remove('armed'); clear.textContent = '清空'; }, 5000);
        return;
      }
      clear.disabled = true;
      try {
        const res = await csm.api('DELETE', '/api/v1/wrongbook/unanswered');
        if (res.ok) { unanswered.hidden = true; return; }
        csm.showError('unanswered-error', csm.message(res, '未能清空'));
      } catch (e) {
        csm.showError('unanswered-error', '网络不通，请检查网络后重试');
      }
      clear.disabled = false;
    });
  }
})();
