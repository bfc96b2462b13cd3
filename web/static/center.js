'use strict';
// The training center's desk: results with exports, cohorts and their members,
// assignments with per-candidate extensions, and (center admins) accounts. The server
// renders one section per page; each part below runs when its section is on the page.
(function () {
  const el = csm.el;
  const $ = function (id) { return document.getElementById(id); };
  const roles = { candidate: '考生', instructor: '讲师', center_admin: '中心管理员', admin: '系统管理员' };
  const verdicts = { graded: null, submitted: null, pending_review: '待评阅', abandoned: '未完成' };

  function fill(id, items, cols, row) {
    const body = $(id);
    body.textContent = '';
    items.forEach(function (x) { body.appendChild(row(x)); });
    if (!items.length) body.appendChild(el('tr', null, el('td', { colSpan: cols, className: 'muted' }, '暂无')));
  }
  function cells(attrs) {
    return el('tr', attrs, Array.prototype.slice.call(arguments, 1).map(function (c) {
      return c && c.nodeName === 'TD' ? c : el('td', null, c);
    }));
  }
  // button runs onClick; with confirmLabel the first click only asks, showing it, and a
  // second click within five seconds runs (no native dialog: it blocks the page).
  function button(label, onClick, className, confirmLabel) {
    const b = el('button', { type: 'button', className: className || '' }, label);
    let disarm = 0;
    const arm = function (on) {
      clearTimeout(disarm);
      b.classList.toggle('armed', on);
      b.textContent = on ? confirmLabel : label;
      if (on) disarm = setTimeout(function () { arm(false); }, 5000);
    };
    b.addEventListener('click', async function () {
      if (confirmLabel && !b.classList.contains('armed')) { arm(true); return; }
      if (confirmLabel) arm(false);
      b.disabled = true;
      try { await onClick(); } catch (e) { csm.showError('center-error', '网络不通，请稍后重试'); } finally { b.disabled = false; }
    });
    return b;
  }
  const call = csm.call;
  // onSubmit runs fn for a form's submit, keeping its button from a double click.
  function onSubmit(form, fn) {
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      const b = form.querySelector('button[type=submit]');
      if (b) b.disabled = true;
      try { await fn(); } finally { if (b) b.disabled = false; }
    });
  }

  // The cohorts fill every cohort picker on the page.
  let cohorts = [];
  const cohortsLoaded = call('center-error', 'GET', '/api/v1/cohorts').then(function (d) {
    cohorts = (d && d.items) || [];
    document.querySelectorAll('select.cohort-select').forEach(function (sel) {
      cohorts.forEach(function (k) { sel.appendChild(el('option', { value: String(k.id) }, k.name)); });
    });
    return cohorts;
  });
  function cohortName(id) {
    const k = cohorts.find(function (x) { return x.id === id; });
    return k ? k.name : String(id || '');
  }

  // Results: the table and the export links follow the filters.
  const filter = $('results-filter');
  if (filter) {
    const showResults = async function () {
      const q = new URLSearchParams();
      ['blueprint', 'cohort', 'from', 'to'].forEach(function (k) { if (filter[k].value) q.set(k, filter[k].value); });
      const qs = q.toString();
      $('export-csv').href = '/api/v1/results?format=csv' + (qs ? '&' + qs : '');
      $('export-xlsx').href = '/api/v1/results?format=xlsx' + (qs ? '&' + qs : '');
      $('bulk-pdf').href = '/api/v1/reports.zip' + (qs ? '?' + qs : '');
      const d = await call('center-error', 'GET', '/api/v1/results?format=json' + (qs ? '&' + qs : ''));
      if (!d) return;
      fill('result-rows', d.items, 7, function (r) {
        const verdict = verdicts[r.status] || (r.passed ? '合格' : '不合格');
        return cells({ 'data-attempt': String(r.attempt) },
          el('td', { className: 'clip' }, csm.person(r.username, r.name)),
          el('td', { 'data-label': '班级' }, r.cohort || ''), r.title, el('td', { 'data-label': '交卷' }, csm.when(r.submitted_at)),
          r.score + ' / ' + r.max_score,
          el('td', { 'data-label': '结果' }, el('span', { className: 'tag ' + (r.passed ? 'ok' : verdicts[r.status] ? 'warn' : 'bad') }, verdict),
            r.focus_losses || r.device_switches ? el('span', { className: 'muted small integrity-count' },
              ' 切屏 ' + (r.focus_losses || 0) + ' 次' + (r.device_switches ? ' · 换设备 ' + r.device_switches + ' 次' : '')) : ''),
          el('a', { href: '/attempts/' + r.attempt + '/result' }, '查看'));
      });
    };
    onSubmit(filter, showResults);
    showResults();
  }

  // Cohorts and their members.
  if ($('cohort-form')) {
    let current = null;
    const showCohorts = function () {
      fill('cohort-rows', cohorts, 3, function (k) {
        return cells({ 'data-cohort': String(k.id) }, el('td', { className: 'clip' }, k.name), el('td', { 'data-label': '人数' }, String(k.members)),
          button('管理成员', function () { return openCohort(k.id); }));
      });
    };
    const refreshCohorts = async function () {
      const d = await call('center-error', 'GET', '/api/v1/cohorts');
      if (d) { cohorts = d.items; showCohorts(); }
    };
    const showMembers = function (k) {
      current = k;
      $('cohort-detail').hidden = false;
      $('cohort-name').textContent = k.name;
      fill('member-rows', k.users || [], 3, function (u) {
        return cells({ 'data-user': u.username }, u.username, u.name || '',
          button('移出', async function () {
            const d = await call('member-error', 'PUT', '/api/v1/cohorts/' + k.id + '/members', { remove: [u.id] });
            if (d) { showMembers(d); refreshCohorts(); }
          }, 'link'));
      });
    };
    const openCohort = async function (id) {
      const d = await call('center-error', 'GET', '/api/v1/cohorts/' + id);
      if (d) { showMembers(d); $('cohort-detail').scrollIntoView({ block: 'start' }); }
    };
    cohortsLoaded.then(showCohorts);
    onSubmit($('cohort-form'), async function () {
      const f = $('cohort-form');
      const d = await call('center-error', 'POST', '/api/v1/cohorts', { name: f.name.value.trim() });
      if (!d) return;
      f.reset();
      await refreshCohorts();
      await openCohort(d.id);
    });
    onSubmit($('member-form'), async function () {
      const f = $('member-form');
      const names = f.usernames.value.split(/[\s,，、]+/).filter(Boolean);
      const d = await call('member-error', 'PUT', '/api/v1/cohorts/' + current.id + '/members', { add: names });
      if (!d) return;
      f.reset();
      showMembers(d);
      refreshCohorts();
    });
  }

  // Assignments, and extensions for one candidate of an assignment's cohort.
  const aform = $('assignment-form');
  if (aform) {
    // The window defaults to the next whole hour, for two hours.
    const hour = 3600 * 1000;
    const start = new Date(Math.ceil(Date.now() / hour) * hour);
    aform.opens_at.value = csm.beijingInput(start);
    aform.closes_at.value = csm.beijingInput(new Date(start.getTime() + 2 * hour));
    let extending = null;
    const showAssignments = async function () {
      const d = await call('center-error', 'GET', '/api/v1/assignments');
      if (!d) return;
      fill('assignment-rows', d.items, 6, function (a) {
        const n = Object.keys(a.extensions || {}).length;
        const code = a.integrity && a.integrity.access_code;
        return cells({ 'data-assignment': String(a.id) }, el('td', { className: 'clip' }, a.title, code ? el('span', { className: 'muted small access-code' }, ' 口令 ' + code) : ''),
          el('td', { 'data-label': '班级' }, cohortName(a.cohort)),
          el('td', { 'data-label': '开放' }, csm.when(a.opens_at)), el('td', { 'data-label': '截止' }, csm.when(a.closes_at)),
          el('td', { 'data-label': '次数' }, String(a.attempts_allowed) + (n ? '（' + n + ' 人延时）' : '')),
          el('td', null, el('a', { className: 'button', href: '/assignments/' + a.id }, '管理'),
            el('a', { className: 'button', href: '/assignments/' + a.id + '/live' }, '监考'),
            button('延长时间', function () { return openExtension(a); })));
      });
    };
    const openExtension = async function (a) {
      const k = await call('extension-error', 'GET', '/api/v1/cohorts/' + a.cohort);
      if (!k) return;
      extending = a;
      $('extension').hidden = false;
      $('extension-title').textContent = a.title + ' · ' + cohortName(a.cohort);
      const sel = $('extension-form').user;
      sel.textContent = '';
      (k.users || []).forEach(function (u) {
        const extra = (a.extensions || {})[u.id];
        sel.appendChild(el('option', { value: String(u.id) }, csm.person(u.username, u.name) + (extra ? ' 已延长 ' + Math.round(extra / 60) + ' 分钟' : '')));
      });
      $('extension').scrollIntoView({ block: 'start' });
    };
    cohortsLoaded.then(showAssignments);
    // The assignment's own 考试纪律, once opened, starts from the blueprint's and replaces it.
    const rules = $('assignment-integrity');
    const fillRules = async function () {
      if (!rules.open) return;
      const bp = await call('assignment-error', 'GET', '/api/v1/blueprints/' + encodeURIComponent(aform.blueprint.value));
      const p = (bp && bp.integrity) || {};
      aform.record_focus.checked = !!p.record_focus;
      aform.warn_at.value = String(p.warn_at || 0);
      aform.submit_at.value = String(p.submit_at || 0);
      aform.one_device.checked = !!p.one_device;
      aform.block_copy.checked = !!p.block_copy;
      aform.allowed_networks.value = (p.allowed_networks || []).join('\n');
    };
    rules.addEventListener('toggle', fillRules);
    aform.blueprint.addEventListener('change', fillRules);
    const ownRules = function () {
      if (!rules.open) return undefined;
      return {
        access_code: aform.access_code.value.trim(), record_focus: aform.record_focus.checked,
        warn_at: Number(aform.warn_at.value) || 0, submit_at: Number(aform.submit_at.value) || 0,
        one_device: aform.one_device.checked, block_copy: aform.block_copy.checked,
        allowed_networks: aform.allowed_networks.value.split(/[\s,，、]+/).filter(Boolean),
      };
    };
    onSubmit(aform, async function () {
      const d = await call('assignment-error', 'POST', '/api/v1/assignments', {
        blueprint: aform.blueprint.value, cohort: Number(aform.cohort.value),
        opens_at: csm.fromBeijingInput(aform.opens_at.value), closes_at: csm.fromBeijingInput(aform.closes_at.value),
        attempts_allowed: Number(aform.attempts_allowed.value), integrity: ownRules() });
      if (d) showAssignments();
    });
    onSubmit($('extension-form'), async function () {
      const f = $('extension-form');
      const d = await call('extension-error', 'PUT', '/api/v1/assignments/' + extending.id + '/extensions/' + f.user.value,
        { seconds: Math.round(Number(f.minutes.value) * 60) });
      if (!d) return;
      $('extension').hidden = true;
      showAssignments();
    });
  }

  // Accounts (center admins).
  const uform = $('user-form');
  if (uform) {
    const passwords = function (list) {
      if (!list.length) return;
      $('new-passwords').hidden = false;
      list.forEach(function (p) { $('password-rows').appendChild(cells({ 'data-user': p.username }, p.username, el('td', null, el('code', null, p.password)))); });
      $('new-passwords').scrollIntoView({ block: 'start' });
    };
    const filterForm = $('user-filter');
    const showUsers = async function () {
      const q = new URLSearchParams();
      ['role', 'q'].forEach(function (k) { if (filterForm[k].value) q.set(k, filterForm[k].value.trim()); });
      const d = await call('center-error', 'GET', '/api/v1/users?' + q.toString());
      if (!d) return;
      $('user-total').textContent = '共 ' + d.total + ' 个账号' + (d.total > d.items.length ? '，显示前 ' + d.items.length + ' 个，请用筛选缩小范围' : '');
      fill('user-rows', d.items, 5, function (u) {
        return cells({ 'data-user': u.username }, u.username, u.name || '', roles[u.role] || u.role,
          el('span', { className: 'tag ' + (u.disabled ? 'bad' : 'ok') }, u.disabled ? '已停用' : '正常'),
          el('td', null,
            button('重置密码', async function () {
              const r = await call('center-error', 'POST', '/api/v1/users/' + u.id + '/password');
              if (r) passwords([{ username: u.username, password: r.password }]);
            }, 'reset', '确认重置？'),
            button(u.disabled ? '启用' : '停用', async function () {
              const r = await call('center-error', 'PATCH', '/api/v1/users/' + u.id, { disabled: !u.disabled });
              if (r) showUsers();
            }, 'toggle')));
      });
    };
    onSubmit(filterForm, showUsers);
    showUsers();
    onSubmit(uform, async function () {
      const d = await call('user-error', 'POST', '/api/v1/users', {
        username: uform.username.value.trim(), name: uform.name.value.trim(), role: uform.role.value, password: uform.password.value });
      if (!d) return;
      uform.reset();
      if (d.password) passwords([{ username: d.username, password: d.password }]);
      showUsers();
    });
    const imp = $('user-import');
    imp.querySelectorAll('button').forEach(function (b) {
      b.addEventListener('click', async function () {
        const file = imp.file.files[0];
        if (!file) { imp.file.reportValidity(); return; }
        const body = new FormData();
        body.append('file', file);
        b.disabled = true;
        try {
          const res = await csm.api('POST', '/api/v1/users/import' + (b.dataset.dry === '1' ? '?dry_run=1' : ''), body);
          csm.importReport($('user-import-report'), res, '个账号');
          if (res.ok && !res.data.dry_run) { passwords(res.data.passwords || []); showUsers(); }
        } catch (e) {
          csm.showError('center-error', '网络不通，文件未上传');
        } finally {
          b.disabled = false;
        }
      });
    });
  }
})();
