'use strict';
// An assignment's own page (its edit form, per-candidate extensions and roster) and its
// live view for proctors, which polls the server every few seconds (no reload) and lets a
// proctor extend or close one attempt with a reason.
(function () {
  const el = csm.el;
  const $ = function (id) { return document.getElementById(id); };
  const states = { not_started: '未开始', in_progress: '作答中', submitted: '已交卷', pending_review: '待批改', graded: '已批改', abandoned: '超时作废' };
  const stateTags = { not_started: '', in_progress: 'warn', submitted: 'ok', pending_review: 'warn', graded: 'ok', abandoned: 'bad' };
  const LIVE_POLL_MS = 5000;

  function tag(state) { return el('span', { className: 'tag ' + stateTags[state] }, states[state] || state); }
  function fill(body, items, cols, row) {
    body.textContent = '';
    items.forEach(function (x) { body.appendChild(row(x)); });
    if (!items.length) body.appendChild(el('tr', null, el('td', { colSpan: cols, className: 'muted' }, '暂无')));
  }
  const call = csm.call;
  function person(c) { return csm.person(c.username, c.name); }
  function minutes(s) { return Math.round(s / 60) + ' 分钟'; }

  // ---- the assignment's page ----
  const page = $('assignment');
  if (page) {
    const id = page.dataset.assignment;
    const path = '/api/v1/assignments/' + id;
    const form = $('assignment-edit');
    form.opens_at.value = csm.beijingInput(new Date(form.dataset.opens));
    form.closes_at.value = csm.beijingInput(new Date(form.dataset.closes));
    const fieldLabels = { title: '名称', opens_at: '开放时间', closes_at: '截止时间', attempts_allowed: '可作答次数' };

    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      $('edit-saved').hidden = true;
      form.querySelectorAll('[aria-invalid]').forEach(function (i) { i.removeAttribute('aria-invalid'); });
      const b = form.querySelector('button[type=submit]');
      b.disabled = true;
      try {
        const res = await csm.api('PATCH', path, {
          title: form.title.value, opens_at: csm.fromBeijingInput(form.opens_at.value),
          closes_at: csm.fromBeijingInput(form.closes_at.value), attempts_allowed: Number(form.attempts_allowed.value) });
        if (!res.ok) {
          const field = res.data && res.data.field;
          const text = csm.message(res), label = fieldLabels[field];
          csm.showError('edit-error', label && text.indexOf(label) < 0 ? label + '：' + text : text);
          if (field && form[field]) { form[field].setAttribute('aria-invalid', 'true'); form[field].focus(); }
          return;
        }
        csm.showError('edit-error', '');
        const a = res.data;
        $('assignment-title').textContent = a.title;
        document.title = a.title + ' · 考试安排 · 客户服务管理师模拟考试';
        $('assignment-summary').textContent = cohortName + ' · ' + a.blueprint_title + ' · ' + csm.when(a.opens_at) + ' 至 ' + csm.when(a.closes_at) + '（北京时间）· 可作答 ' + a.attempts_allowed + ' 次';
        $('edit-saved').hidden = false;
        showRoster();
      } catch (e) {
        csm.showError('edit-error', '网络不通，修改未保存');
      } finally {
        b.disabled = false;
      }
    });

    // The roster, sortable by any column; the extensions list the same candidates.
    const cohortName = $('assignment-summary').textContent.split(' · ')[0];
    let roster = [];
    let sortKey = 'name', sortUp = true;
    const order = { not_started: 0, in_progress: 1, pending_review: 2, submitted: 3, graded: 4, abandoned: 5 };
    const keyOf = {
      name: function (r) { return r.candidate.username; },
      state: function (r) { return order[r.state]; },
      attempts: function (r) { return r.attempts_used; },
      best: function (r) { return r.best_score === null ? -1 : r.best_score; },
      last: function (r) { return r.last_score === null ? -1 : r.last_score; },
      submitted: function (r) { return r.submitted_at || ''; },
    };
    const paintRoster = function () {
      const k = keyOf[sortKey];
      const rows = roster.slice().sort(function (a, b) {
        const x = k(a), y = k(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (sortUp ? 1 : -1);
      });
      document.querySelectorAll('#roster-table th button').forEach(function (b) {
        b.parentNode.setAttribute('aria-sort', b.dataset.sort === sortKey ? (sortUp ? 'ascending' : 'descending') : 'none');
      });
      const count = {};
      roster.forEach(function (r) { count[r.state] = (count[r.state] || 0) + 1; });
      $('roster-summary').textContent = '共 ' + roster.length + ' 人：' + Object.keys(states).filter(function (s) { return count[s]; })
        .map(function (s) { return states[s] + ' ' + count[s]; }).join(' · ');
      fill($('roster-rows'), rows, 8, function (r) {
        const verdict = r.passed === null ? '' : r.passed ? '合格' : '不合格';
        return el('tr', { 'data-user': r.candidate.username, 'data-state': r.state },
          el('td', { className: 'clip' }, person(r.candidate)),
          el('td', null, tag(r.state)),
          el('td', { 'data-label': '次数' }, String(r.attempts_used)),
          el('td', { 'data-label': '最高分' }, r.best_score === null ? '—' : r.best_score + ' / ' + r.max_score),
          el('td', { 'data-label': '最近' }, r.last_score === null ? '—' : String(r.last_score)),
          el('td', null, verdict ? el('span', { className: 'tag ' + (r.passed ? 'ok' : 'bad') }, verdict) : ''),
          el('td', { 'data-label': '交卷' }, r.submitted_at ? csm.when(r.submitted_at) : '—'),
          el('td', null, r.attempt && r.state !== 'in_progress' ? el('a', { href: '/attempts/' + r.attempt + '/result' }, '查看') : ''));
      });
    };
    document.querySelectorAll('#roster-table th button').forEach(function (b) {
      b.addEventListener('click', function () {
        if (sortKey === b.dataset.sort) sortUp = !sortUp; else { sortKey = b.dataset.sort; sortUp = true; }
        paintRoster();
      });
    });
    const showRoster = async function () {
      const d = await call('extension-error', 'GET', path + '/roster');
      if (!d) return;
      roster = d.items;
      paintRoster();
      paintExtensions();
    };

    const paintExtensions = async function () {
      const a = await call('extension-error', 'GET', path);
      if (!a) return;
      const exts = a.extensions || {};
      const sel = $('extension-form').user;
      const chosen = sel.value;
      sel.textContent = '';
      roster.forEach(function (r) { sel.appendChild(el('option', { value: String(r.candidate.id) }, person(r.candidate))); });
      if (chosen) sel.value = chosen;
      const extended = roster.filter(function (r) { return exts[r.candidate.id]; });
      fill($('extension-rows'), extended, 3, function (r) {
        const remove = el('button', { type: 'button', className: 'link' }, '取消延长');
        remove.addEventListener('click', async function () {
          remove.disabled = true;
          if (await call('extension-error', 'PUT', path + '/extensions/' + r.candidate.id, { seconds: 0 })) paintExtensions();
          remove.disabled = false;
        });
        return el('tr', { 'data-user': r.candidate.username }, el('td', { className: 'clip' }, person(r.candidate)),
          el('td', { 'data-label': '延长' }, minutes(exts[r.candidate.id])), el('td', null, remove));
      });
    };
    $('extension-form').addEventListener('submit', async function (ev) {
      ev.preventDefault();
      const f = $('extension-form');
      const b = f.querySelector('button[type=submit]');
      b.disabled = true;
      const d = await call('extension-error', 'PUT', path + '/extensions/' + f.user.value, { seconds: Math.round(Number(f.minutes.value) * 60) });
      b.disabled = false;
      if (d) paintExtensions();
    });
    showRoster();
  }

  // ---- the live view ----
  const live = $('live');
  if (live) {
    const id = live.dataset.assignment;
    const dialog = $('proctor-dialog');
    const pform = $('proctor-form');
    let acting = null; // {kind, entry}
    let names = {}; // candidate id -> name, for the action log

    const timeLeft = function (s) {
      const m = Math.floor(s / 60);
      return m >= 60 ? Math.floor(m / 60) + ' 小时 ' + (m % 60) + ' 分' : m + ' 分 ' + (s % 60) + ' 秒';
    };
    // clockTime is a moment of today as 北京时间 hours, minutes and seconds.
    const clockTime = function (t) { return new Date(t).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }); };
    const optional = function (n) { return n === null || n === undefined ? '—' : String(n); };
    const open = function (kind, e) {
      acting = { kind: kind, entry: e };
      pform.reset();
      csm.showError('proctor-error', '');
      $('proctor-heading').textContent = (kind === 'close' ? '收卷：' : '延长时间：') + person(e.candidate);
      $('proctor-minutes').hidden = kind !== 'extend';
      pform.minutes.required = kind === 'extend';
      $('proctor-note').textContent = kind === 'close'
        ? '立即替考生交卷并评分，与考生自己交卷相同；考生页面会显示“监考老师已收卷”和原因。此操作不能撤销。'
        : '延长本次作答的交卷时间；考生页面会在下次同步时显示新的交卷时间。';
      pform.reason.placeholder = kind === 'close' ? '例如：考生违规使用手机' : '例如：机器故障，重新登录耽误 10 分钟';
      $('proctor-submit').textContent = kind === 'close' ? '确认收卷' : '确认延长';
      $('proctor-submit').className = kind === 'close' ? 'danger' : 'primary';
      dialog.showModal();
      pform.reason.focus();
    };
    $('proctor-cancel').addEventListener('click', function () { dialog.close(); });
    pform.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      const b = $('proctor-submit');
      b.disabled = true;
      const at = '/api/v1/attempts/' + acting.entry.attempt;
      const d = acting.kind === 'close'
        ? await call('proctor-error', 'POST', at + '/close', { reason: pform.reason.value })
        : await call('proctor-error', 'POST', at + '/extensions', { seconds: Math.round(Number(pform.minutes.value) * 60), reason: pform.reason.value });
      b.disabled = false;
      if (!d) return;
      dialog.close();
      refresh();
    });

    const button = function (label, kind, e, className) {
      const b = el('button', { type: 'button', className: className || '', 'data-action': kind }, label);
      b.addEventListener('click', function () { open(kind, e); });
      return b;
    };
    const paint = function (v) {
      const count = {};
      v.candidates.forEach(function (e) { names[e.candidate.id] = person(e.candidate); count[e.state] = (count[e.state] || 0) + 1; });
      $('live-counts').textContent = '共 ' + v.candidates.length + ' 人 · 作答中 ' + (count.in_progress || 0) + ' · 未开始 ' + (count.not_started || 0) +
        ' · 已交卷 ' + (v.candidates.length - (count.in_progress || 0) - (count.not_started || 0));
      $('live-refreshed').textContent = '更新于 ' + clockTime(v.server_time);
      fill($('live-rows'), v.candidates, 8, function (e) {
        const sitting = e.state === 'in_progress';
        const low = sitting && e.time_left_s !== undefined && e.time_left_s <= 300;
        return el('tr', { 'data-user': e.candidate.username, 'data-state': e.state, 'data-attempt': e.attempt ? String(e.attempt) : false },
          el('td', { className: 'clip' }, person(e.candidate)),
          el('td', null, tag(e.state)),
          el('td', { 'data-label': '已答', className: 'answered' }, e.attempt ? e.answered + ' / ' + e.questions : '—'),
          el('td', { 'data-label': '剩余', className: 'time-left' + (low ? ' low' : '') },
            sitting && e.time_left_s !== undefined ? timeLeft(e.time_left_s) + (e.extension_s ? '（已延长 ' + minutes(e.extension_s) + '）' : '')
              : e.submitted_at ? clockTime(e.submitted_at) + ' 交卷' : '—'),
          el('td', { 'data-label': '最后保存', className: 'last-save' }, e.last_saved_at ? clockTime(e.last_saved_at) : '—'),
          el('td', { 'data-label': '切屏' }, optional(e.focus_losses)),
          el('td', { 'data-label': '换设备' }, optional(e.device_changes)),
          el('td', null, sitting && e.deadline ? button('延长', 'extend', e) : '', sitting ? button('收卷', 'close', e, 'danger') : ''));
      });
      fill($('action-rows'), v.actions.slice().reverse(), 5, function (x) {
        return el('tr', { 'data-kind': x.kind },
          el('td', { 'data-label': '时间' }, csm.when(x.at)),
          el('td', { className: 'clip' }, names[x.candidate] || ('作答 ' + x.attempt)),
          el('td', { 'data-label': '监考' }, x.actor_name || String(x.actor)),
          el('td', null, x.kind === 'close' ? '收卷' : '延长 ' + minutes(x.seconds)),
          el('td', { className: 'clip' }, x.reason || '—'));
      });
    };
    let timer = 0;
    const refresh = async function () {
      clearTimeout(timer);
      try {
        const res = await csm.api('GET', '/api/v1/assignments/' + id + '/live');
        if (res.ok) { paint(res.data); csm.showError('live-error', ''); } else csm.showError('live-error', csm.message(res));
      } catch (e) {
        csm.showError('live-error', '网络不通，稍后自动重试');
      }
      timer = setTimeout(refresh, LIVE_POLL_MS);
    };
    refresh();
  }
})();
