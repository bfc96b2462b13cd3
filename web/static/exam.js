'use strict';
// The exam page. The attempt lives on the server; this script shows one question at a
// time with the answer sheet, saves every change at once, and keeps each unsaved answer in
// a localStorage journal until the server has it, so a lost connection, a reload or a
// crash loses nothing. The countdown runs on the server's clock: the offset between
// server_time and the device is measured on every load, never trusting the device.
(function () {
  const el = csm.el;
  const root = document.getElementById('exam');
  const id = root.dataset.attempt;
  const practice = root.dataset.mode === 'practice';
  const base = '/api/v1/attempts/' + id;
  const keys = { journal: 'csm-journal-' + id, flags: 'csm-flags-' + id, seq: 'csm-seq-' + id, offset: 'csm-offset-' + id, events: 'csm-events-' + id };
  const OFFLINE_CACHE = 'csm-exam-v1'; // the cache of exam-sw.js
  const RETRY_MS = 3000;
  const CLOCK_POLL_MS = 20000; // how soon a proctor's extension or close reaches the page
  const SUBMIT_TRIES = 3;

  let attempt = null;
  let items = []; // [{q, section, n}] in paper order
  let current = 0;
  let offsetMs = 0; // server clock minus device clock
  let deadline = null; // ms on the server's clock
  const answers = {}; // question id -> {choice, parts}, what the page shows
  const status = {}; // question id -> {state: saved|saving|pending|error, text}
  const inflight = new Set();
  let journal = load(keys.journal, {}); // question id -> request body with seq
  const flags = new Set(load(keys.flags, []));
  let retryTimer = null;
  let submitting = false;
  let closed = false; // the server says the attempt is over: nothing more to send
  const warned = {};
  let policy = null; // the attempt's integrity policy (exam.Integrity), null for none
  let moved = false; // the attempt moved to another device: this one saves nothing
  let pendingEdit = null; // a case answer typed and not yet recorded (its debounce runs)

  function load(k, d) {
    try { const v = localStorage.getItem(k); return v ? JSON.parse(v) : d; } catch (e) { return d; }
  }
  function store(k, v) {
    try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode: saves still go to the server */ }
  }
  function saveJournal() { store(keys.journal, journal); }

  // nextSeq orders this browser's writes: later than any earlier one here and than any
  // the server had when the page loaded (a device whose clock is behind still wins over
  // answers given earlier elsewhere), and based on the time, so of two tabs open at once
  // the later change wins.
  let seqFloor = 0;
  function nextSeq() {
    const last = Number(localStorage.getItem(keys.seq) || 0);
    const s = Math.max(Date.now(), last + 1, seqFloor + 1);
    try { localStorage.setItem(keys.seq, String(s)); } catch (e) { /* see store */ }
    return s;
  }

  function serverNow() { return Date.now() + offsetMs; }

  // fetchAttempt reads the attempt. A copy from the service worker (res.offline) has an
  // old server_time: the clock then keeps the offset measured on the last load online.
  async function fetchAttempt() {
    const t0 = Date.now();
    const res = await csm.api('GET', base);
    const t1 = Date.now();
    if (res.ok && !res.offline) {
      offsetMs = Date.parse(res.data.server_time) - (t0 + t1) / 2;
      store(keys.offset, offsetMs);
    } else if (res.ok) {
      offsetMs = load(keys.offset, 0);
    }
    return res;
  }

  // keepForOffline registers the exam's service worker, and on the first load (before it
  // governs the page) stores the page, its files and the paper for a reload offline.
  function keepForOffline() {
    if (!('serviceWorker' in navigator) || !window.caches) return;
    navigator.serviceWorker.register('/exam/sw.js', { scope: '/exam/' }).then(function () {
      if (navigator.serviceWorker.controller) return; // the worker keeps what the page loads
      const files = Array.from(document.querySelectorAll('script[src], link[rel=stylesheet]')).map(function (e) { return e.getAttribute('src') || e.getAttribute('href'); });
      return caches.open(OFFLINE_CACHE).then(function (c) { return c.addAll([location.pathname, base].concat(files)); });
    }).catch(function () { /* without the worker the page still works online */ });
  }

  // awaitServer runs while the page shows the offline copy: once the server answers, a
  // reload shows what it holds and replays the journal.
  function awaitServer() {
    setTimeout(function () {
      csm.api('GET', base).then(function (r) {
        if (r.offline) awaitServer(); else location.reload();
      }).catch(awaitServer);
    }, RETRY_MS);
  }

  async function init() {
    let res;
    try {
      res = await fetchAttempt();
    } catch (e) {
      showLoadError('网络不通，试卷未能载入。恢复网络后请刷新页面。');
      csm.setFailing(true);
      return;
    }
    if (!res.ok) { showLoadError(csm.message(res, '试卷未能载入')); return; }
    if (res.data.status !== 'in_progress') { finished(); return; }
    attempt = res.data;
    const offlineCopy = res.offline;
    policy = attempt.integrity || null;
    if (policy && policy.one_device && !offlineCopy && !(await holdDevice())) return;
    deadline = attempt.deadline ? Date.parse(attempt.deadline) : null;
    attempt.sections.forEach(function (sec) {
      sec.questions.forEach(function (q) { items.push({ q: q, section: sec, n: items.length + 1 }); });
    });
    items.forEach(function (it) {
      const qid = String(it.q.id);
      const saved = attempt.answers[qid];
      if (saved) {
        answers[qid] = saved;
        status[qid] = offlineCopy ? { state: 'saved', text: '离线：上次联网时服务器已有此答案' } : { state: 'saved', at: saved.saved_at };
        seqFloor = Math.max(seqFloor, saved.seq || 0);
      }
      // The journal holds what this browser changed and the server has not confirmed.
      const j = journal[qid];
      if (j && (!saved || !saved.seq || j.seq > saved.seq)) {
        answers[qid] = j;
        status[qid] = { state: 'pending' };
      } else if (j) {
        delete journal[qid];
      }
    });
    saveJournal();
    const start = Number(new URLSearchParams(location.hash.slice(1)).get('q') || 1) - 1;
    current = Math.min(Math.max(start, 0), items.length - 1);
    buildSheet();
    show(current);
    setupIntegrity();
    tick();
    setInterval(tick, 500);
    if (deadline !== null) setInterval(pollClock, CLOCK_POLL_MS);
    if (offlineCopy) {
      csm.setFailing(true);
      awaitServer();
    } else {
      keepForOffline();
    }
    flush();
  }

  function showLoadError(text) {
    const e = document.getElementById('load-error');
    e.textContent = text;
    e.hidden = false;
    document.getElementById('question').textContent = '';
  }

  function finished() {
    closed = true;
    [keys.journal, keys.flags, keys.seq, keys.offset, keys.events].forEach(function (k) { try { localStorage.removeItem(k); } catch (e) { /* ignore */ } });
    // The offline copy of a closed attempt is of no more use: drop it, then leave.
    const drop = window.caches ? caches.open(OFFLINE_CACHE).then(function (c) {
      return Promise.all([c.delete(location.pathname), c.delete(base)]);
    }) : Promise.resolve();
    drop.catch(function () { /* nothing kept */ }).then(function () { location.href = '/attempts/' + id + '/result'; });
  }

  // ---- answers and saving ----

  function isAnswered(qid) {
    const a = answers[qid];
    if (!a) return false;
    return (a.choice && a.choice.length > 0) || (a.parts && a.parts.some(function (p) { return p.trim() !== ''; }));
  }

  // record is every change: shown at once, journaled, sent.
  function record(qid, body) {
    body.seq = nextSeq();
    answers[qid] = body;
    journal[qid] = body;
    saveJournal();
    status[qid] = { state: 'saving' };
    paintStatus(qid);
    send(qid);
  }

  // send puts the journaled answer of one question; one request per question at a time,
  // and a change made meanwhile is sent when it returns.
  async function send(qid) {
    const body = journal[qid];
    if (!body || inflight.has(qid) || closed || moved) return;
    inflight.add(qid);
    status[qid] = { state: 'saving' };
    paintStatus(qid);
    let outcome, res;
    try {
      res = await csm.api('PUT', base + '/answers/' + qid, body);
      // Only an answer the server can never take (422: not an option; 404: not on the
      // paper) leaves the journal; anything else (an expired login, a server error) is
      // kept and sent again.
      if (res.ok) outcome = 'saved';
      else if (movedAway(res)) outcome = 'moved';
      else if (res.status === 409) outcome = 'conflict';
      else if (res.status === 422 || res.status === 404) outcome = 'refused';
      else outcome = 'retry';
    } catch (e) {
      outcome = 'retry';
    }
    inflight.delete(qid);
    const latest = journal[qid];
    const same = latest && latest.seq === body.seq;
    if (outcome === 'retry') {
      status[qid] = { state: 'pending' };
      csm.setFailing(true);
      scheduleRetry();
    } else if (outcome === 'moved') {
      // Kept in the journal: it is sent if the candidate switches back to this device.
      status[qid] = { state: 'pending', text: '未保存：考试已切换到另一设备' };
      showMoved(res);
    } else {
      csm.setFailing(false);
      if (same) { delete journal[qid]; saveJournal(); }
      if (outcome === 'saved') {
        status[qid] = { state: 'saved', at: res.data.saved_at };
        if (practice) reveal(qid);
      } else if (outcome === 'conflict') {
        await conflict(qid, res);
      } else {
        status[qid] = { state: 'error', text: csm.message(res, '保存失败') };
      }
    }
    if (latest && !same && outcome !== 'retry' && outcome !== 'moved') { send(qid); return; }
    paintStatus(qid);
  }

  // conflict: either the attempt is over (go to the result) or another tab saved a newer
  // answer to this question (show it).
  async function conflict(qid, res) {
    try {
      const fresh = await fetchAttempt();
      if (fresh.ok && fresh.data.status !== 'in_progress') { closed = true; finished(); return; }
      if (fresh.ok) {
        const a = fresh.data.answers[qid];
        if (a) answers[qid] = a;
        // In practice a revealed answer is locked: the server keeps the first one.
        status[qid] = { state: 'saved', at: a && a.saved_at, text: practice ? csm.message(res, '答案已锁定') : '已采用另一窗口更新的答案' };
        if (items[current] && String(items[current].q.id) === qid) show(current);
        return;
      }
    } catch (e) { /* fall through */ }
    status[qid] = { state: 'error', text: csm.message(res, '保存被拒绝') };
  }

  function flush() {
    Object.keys(journal).forEach(send);
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
  }

  window.addEventListener('online', flush);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState !== 'visible' || !attempt) return;
    // A phone that slept may have missed the deadline or drifted: ask the server again.
    fetchAttempt().then(function (r) {
      if (r.ok && r.data.status !== 'in_progress') finished();
      else if (r.ok && r.data.deadline) deadline = Date.parse(r.data.deadline);
    }).catch(function () { /* offline: keep counting on the last offset */ });
    flush();
  });

  // reveal fetches a practice question's key once it is answered.
  async function reveal(qid) {
    try {
      const r = await csm.api('GET', base);
      if (!r.ok) return;
      r.data.sections.forEach(function (sec) {
        sec.questions.forEach(function (q) {
          if (String(q.id) !== qid) return;
          const it = items.find(function (x) { return String(x.q.id) === qid; });
          it.q.answer_key = q.answer_key;
          it.q.answer_letters = q.answer_letters;
          it.q.explanation = q.explanation;
          it.q.reference = q.reference;
          if (items[current] === it) show(current); // locks the answer and marks it
        });
      });
    } catch (e) { /* the key shows on the next answer */ }
  }

  // ---- rendering ----

  // The server names each option as this paper shows it (o.letter, exam.Letters); the
  // stored key travels in the input's value. LETTERS only maps a pressed key to a position.
  const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  // shown names a stored key as the candidate saw it: the letter the server gave the
  // option on this paper (exam.Letters), 正确/错误 for true/false.
  function shown(q, key) {
    if (key === 'T') return '正确';
    if (key === 'F') return '错误';
    const o = (q.options || []).find(function (x) { return x.key === key; });
    return o && o.letter ? o.letter : key;
  }

  function show(i) {
    current = i;
    const it = items[i];
    const q = it.q;
    const qid = String(q.id);
    const box = document.getElementById('question');
    box.textContent = '';
    box.dataset.question = qid;
    box.appendChild(el('p', { className: 'q-head' },
      el('span', null, '第 ' + it.n + ' / ' + items.length + ' 题 · ' + it.section.title + '（' + it.section.points_each + ' 分）'),
      el('span', { className: 'q-status', id: 'q-status' })));
    if (q.material) box.appendChild(el('div', { className: 'material' }, q.material));
    const reason = attempt.reasons && attempt.reasons[qid];
    if (reason) box.appendChild(el('p', { className: 'reason' }, '选题原因：' + reason));
    box.appendChild(el('p', { className: 'stem' }, q.stem));
    (q.images || []).forEach(function (img) {
      box.appendChild(el('figure', { className: 'q-image' },
        el('img', { src: img.url, alt: '图：' + img.name }), el('figcaption', null, '图：' + img.name)));
    });
    const a = answers[qid] || {};
    if (q.type === 'case') {
      (q.parts || []).forEach(function (p, k) {
        const ta = el('textarea', { rows: 6, value: (a.parts && a.parts[k]) || '', 'aria-label': '第 ' + (k + 1) + ' 小题作答' });
        let timer = null;
        const save = function () {
          clearTimeout(timer);
          const parts = Array.from(box.querySelectorAll('textarea')).map(function (t) { return t.value; });
          const prev = answers[qid] && answers[qid].parts;
          if (prev && prev.join('\u0000') === parts.join('\u0000')) return;
          record(qid, { parts: parts });
        };
        ta.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(function () { pendingEdit = null; save(); }, 800);
          pendingEdit = save;
        });
        ta.addEventListener('change', save);
        box.appendChild(el('div', { className: 'part' }, el('p', { className: 'prompt' }, (k + 1) + '. ' + p.prompt + '（' + p.points + ' 分）'), ta));
      });
    } else {
      const multiple = q.type === 'multiple';
      // In practice an answer locks once its key is shown (the server refuses a change),
      // and a multiple choice is sent by its own button, not at the first tick.
      const locked = practice && !!q.answer_key && isAnswered(qid);
      const confirmed = !practice || !multiple;
      const list = el('div', { className: 'options', role: multiple ? 'group' : 'radiogroup' });
      const chosen = function () { return Array.from(list.querySelectorAll('input:checked')).map(function (x) { return x.value; }); };
      q.options.forEach(function (o, k) {
        const picked = !!(a.choice && a.choice.indexOf(o.key) >= 0);
        const input = el('input', { type: multiple ? 'checkbox' : 'radio', name: 'q' + qid, value: o.key, checked: picked, disabled: locked });
        input.addEventListener('change', function () {
          if (confirmed) record(qid, { choice: chosen() });
          else confirmButton.disabled = chosen().length === 0;
        });
        const text = o.letter && q.type !== 'truefalse' ? o.letter + '. ' + o.text : o.text;
        const inKey = locked && q.answer_key.indexOf(o.key) >= 0;
        const mark = inKey ? (picked ? '  ✓ 正确答案，你选了' : '  ✓ 正确答案') : (locked && picked ? '  ✗ 你的选择' : '');
        list.appendChild(el('label', { className: 'option' + (inKey ? ' key' : '') + (locked && picked && !inKey ? ' miss' : '') }, input,
          el('span', null, text, mark ? el('strong', { className: 'mark' }, mark) : '')));
      });
      box.appendChild(list);
      const confirmButton = el('button', { type: 'button', className: 'primary', id: 'confirm-answer', disabled: true }, '确认答案');
      if (!confirmed && !locked) {
        confirmButton.disabled = chosen().length === 0;
        confirmButton.addEventListener('click', function () { confirmButton.disabled = true; record(qid, { choice: chosen() }); });
        box.appendChild(el('p', null, confirmButton, el('span', { className: 'muted small' }, ' 多选题选好后点“确认答案”，确认后显示解析，不能再改')));
      }
    }
    box.appendChild(el('div', { id: 'reveal', className: 'reveal', hidden: true }));
    paintReveal(it);
    paintStatus(qid);
    const flag = document.getElementById('flag');
    flag.setAttribute('aria-pressed', String(flags.has(qid)));
    flag.textContent = flags.has(qid) ? '取消标记' : '标记';
    document.getElementById('prev').disabled = i === 0;
    document.getElementById('next').disabled = i === items.length - 1;
    history.replaceState(null, '', '#q=' + it.n);
    paintSheet();
  }

  function paintReveal(it) {
    const r = document.getElementById('reveal');
    if (!r || !practice || !it.q.answer_key && !it.q.reference) return;
    r.textContent = '';
    const a = answers[String(it.q.id)] || {};
    if (it.q.answer_key && it.q.type !== 'case') {
      const right = (a.choice || []).slice().sort().join(',') === it.q.answer_key.slice().sort().join(',');
      r.className = 'reveal ' + (right ? 'right' : 'wrong');
      r.appendChild(el('p', { className: 'verdict' }, right ? '回答正确' : '回答错误，你的答案：' + ((a.choice || []).map(function (k) { return shown(it.q, k); }).join('、') || '未作答')));
    }
    if (it.q.answer_key) r.appendChild(el('p', null, el('strong', null, '答案：'), it.q.answer_key.map(function (k) { return shown(it.q, k); }).join('、')));
    (it.q.reference || []).forEach(function (p, k) {
      r.appendChild(el('p', null, el('strong', null, '第 ' + (k + 1) + ' 小题参考答案：'), p.reference));
    });
    if (it.q.explanation) r.appendChild(el('p', null, el('strong', null, '解析：'), it.q.explanation));
    r.hidden = false;
  }

  function statusText(s) {
    if (!s) return '未作答';
    switch (s.state) {
      case 'saved': return s.text || ('已保存' + (s.at ? ' ' + new Date(s.at).toLocaleTimeString('zh-CN', { hour12: false }) : ''));
      case 'saving': return '保存中…';
      case 'pending': return s.text || '未保存：已存本机，联网后自动提交';
      case 'error': return '保存失败：' + s.text;
    }
    return '';
  }

  function paintStatus(qid) {
    const it = items[current];
    if (it && String(it.q.id) === qid) {
      const e = document.getElementById('q-status');
      const s = status[qid];
      e.textContent = isAnswered(qid) || s && s.state !== 'saved' ? statusText(s) : '未作答';
      e.className = 'q-status ' + (s ? s.state : '');
    }
    const unsaved = Object.keys(journal).length;
    const sum = document.getElementById('save-summary');
    sum.textContent = unsaved ? unsaved + ' 题未保存' : '全部已保存';
    sum.className = 'save-summary' + (unsaved ? ' pending' : '');
    paintSheet();
  }

  function buildSheet() {
    const box = document.getElementById('sheet-cells');
    let last = null;
    let group = null;
    items.forEach(function (it, i) {
      if (it.section !== last) {
        last = it.section;
        box.appendChild(el('h3', null, it.section.title));
        group = el('div', { className: 'cells' });
        box.appendChild(group);
      }
      const b = el('button', { type: 'button', className: 'cell', 'data-n': String(it.n), 'aria-label': '第 ' + it.n + ' 题' }, String(it.n));
      b.addEventListener('click', function () { go(i); toggleSheet(false); });
      group.appendChild(b);
    });
  }

  function paintSheet() {
    const done = items.filter(function (it) { return isAnswered(String(it.q.id)); }).length;
    document.getElementById('answered-count').textContent = '已答 ' + done + '/' + items.length;
    const cells = document.querySelectorAll('#sheet-cells .cell');
    items.forEach(function (it, i) {
      const qid = String(it.q.id);
      const c = cells[i];
      if (!c) return;
      c.classList.toggle('answered', isAnswered(qid));
      c.classList.toggle('flagged', flags.has(qid));
      c.classList.toggle('unsaved', !!journal[qid]);
      c.classList.toggle('current', i === current);
      if (i === current) c.setAttribute('aria-current', 'true'); else c.removeAttribute('aria-current');
    });
  }

  function go(i) {
    if (i >= 0 && i < items.length) show(i);
  }

  function toggleSheet(open) {
    const s = document.getElementById('sheet');
    const t = document.getElementById('toggle-sheet');
    const o = open === undefined ? !s.classList.contains('open') : open;
    s.classList.toggle('open', o);
    t.setAttribute('aria-expanded', String(o));
  }

  function toggleFlag() {
    const qid = String(items[current].q.id);
    if (flags.has(qid)) flags.delete(qid); else flags.add(qid);
    store(keys.flags, Array.from(flags));
    show(current);
  }

  document.getElementById('prev').addEventListener('click', function () { go(current - 1); });
  document.getElementById('next').addEventListener('click', function () { go(current + 1); });
  document.getElementById('flag').addEventListener('click', toggleFlag);
  document.getElementById('toggle-sheet').addEventListener('click', function () { toggleSheet(); });

  document.addEventListener('keydown', function (ev) {
    if (!attempt || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT' && t.type === 'text')) return;
    if (document.getElementById('confirm').open) return;
    if (ev.key === 'ArrowLeft') { go(current - 1); ev.preventDefault(); return; }
    if (ev.key === 'ArrowRight') { go(current + 1); ev.preventDefault(); return; }
    if (ev.key === 'm' || ev.key === 'M') { toggleFlag(); return; }
    // Letters pick options as shown (A is the first); T and F answer true/false.
    const inputs = Array.from(document.querySelectorAll('#question .option input'));
    const letter = ev.key.length === 1 ? ev.key.toUpperCase() : '';
    const q = items[current].q;
    const input = q.type === 'truefalse' ? inputs.find(function (x) { return x.value === letter; }) : inputs[LETTERS.indexOf(letter)];
    if (input && letter) {
      input.click();
      input.focus();
    }
  });

  // ---- the clock ----

  // pollClock asks the server for the attempt's clock: a proctor may have given more time
  // (the countdown follows) or closed the attempt (the result page says so). It resolves
  // to whether the attempt is still open.
  let polling = null;
  function pollClock() {
    if (closed) return Promise.resolve(false);
    if (polling) return polling;
    polling = csm.api('GET', base + '/clock').then(function (r) {
      if (!r.ok) return true;
      if (r.data.status !== 'in_progress') { finished(); return false; }
      const next = r.data.deadline ? Date.parse(r.data.deadline) : null;
      if (next !== null && deadline !== null && next > deadline) {
        // The warnings start over from the new deadline; one due already is this message.
        const left = (next - serverNow()) / 1000;
        warned[5] = left <= 300;
        warned[1] = left <= 60;
        warn('监考老师已延长考试时间，现在的交卷时间为 ' + csm.when(r.data.deadline) + '（北京时间）。');
      }
      deadline = next;
      return true;
    }).catch(function () { return true; }).finally(function () { polling = null; });
    return polling;
  }

  function tick() {
    if (deadline === null) return;
    const left = (deadline - serverNow()) / 1000;
    const timer = document.getElementById('timer');
    timer.textContent = csm.clock(left);
    timer.classList.toggle('low', left <= 300);
    if (left <= 60 && !warned[1]) {
      warned[1] = warned[5] = true;
      warn('距离交卷还剩不到 1 分钟，时间到将自动交卷。');
    } else if (left <= 300 && !warned[5]) {
      warned[5] = true;
      warn('距离交卷还剩 5 分钟。');
    }
    // Before submitting at the deadline, the server is asked once whether it moved.
    if (left <= 0 && !submitting) {
      submitting = true;
      pollClock().then(function (open) {
        if (!open) return;
        if ((deadline - serverNow()) > 0) { submitting = false; return; }
        submit(true);
      });
    }
  }

  function warn(text) {
    const w = document.getElementById('time-warning');
    w.textContent = text;
    w.hidden = false;
  }

  // ---- submitting ----

  const dialog = document.getElementById('confirm');

  // listCells fills the dialog's list id with a button per question, each going to it.
  function listCells(id, list) {
    const box = document.getElementById(id);
    box.textContent = '';
    document.getElementById(id + '-box').hidden = list.length === 0;
    list.forEach(function (it) {
      const b = el('button', { type: 'button', className: 'cell', 'aria-label': '第 ' + it.n + ' 题' }, String(it.n));
      b.addEventListener('click', function () { dialog.close(); go(it.n - 1); });
      box.appendChild(b);
    });
  }

  function openConfirm() {
    const missing = items.filter(function (it) { return !isAnswered(String(it.q.id)); });
    const flagged = items.filter(function (it) { return flags.has(String(it.q.id)); });
    const done = items.length - missing.length;
    let summary = '已答 ' + done + ' / ' + items.length + ' 题。';
    summary += missing.length ? '还有 ' + missing.length + ' 题未作答，未作答的题不得分。' : '所有题目都已作答。';
    if (flagged.length) summary += '有 ' + flagged.length + ' 题标记待检查。';
    const unsaved = Object.keys(journal).length;
    if (unsaved) summary += '另有 ' + unsaved + ' 题尚未保存到服务器，交卷时会先补交。';
    document.getElementById('confirm-summary').textContent = summary;
    listCells('confirm-unanswered', missing);
    listCells('confirm-flagged', flagged);
    csm.showError('confirm-error', '');
    dialog.showModal();
  }

  document.getElementById('submit').addEventListener('click', function () { if (attempt) openConfirm(); });
  document.getElementById('confirm-cancel').addEventListener('click', function () { dialog.close(); });
  document.getElementById('confirm-submit').addEventListener('click', function () { submit(false); });

  // submit sends what is still journaled, then closes the attempt. At the deadline it runs
  // by itself and keeps trying until the server answers.
  async function submit(auto) {
    submitting = true;
    if (auto) warn('时间到，正在自动交卷…');
    if (moved) { submitting = false; csm.showError('confirm-error', '本场考试已切换到另一设备，请在那台设备上交卷，或先切换回本设备。'); return; }
    await Promise.all(Object.keys(journal).map(function (qid) {
      return csm.api('PUT', base + '/answers/' + qid, journal[qid]).then(function (r) {
        if (movedAway(r)) return;
        if (r.ok || r.status === 409 || r.status === 422) delete journal[qid];
      }).catch(function () { /* still offline */ });
    }));
    saveJournal();
    try {
      const res = await postSubmit();
      if (movedAway(res)) { submitting = false; showMoved(res); if (dialog.open) dialog.close(); return; }
      if (res.ok || res.status === 409) { finished(); return; }
      if (auto) { setTimeout(function () { submit(true); }, RETRY_MS); return; }
      csm.showError('confirm-error', csm.message(res, '交卷失败'));
    } catch (e) {
      csm.setFailing(true);
      if (auto) { setTimeout(function () { submit(true); }, RETRY_MS); return; }
      csm.showError('confirm-error', '网络断开，暂时无法交卷。答案已存本机，请恢复网络后再交卷。');
    }
    submitting = false;
  }

  // postSubmit closes the attempt. Submitting again returns the same result, so a request
  // lost on the way (a keep-alive connection the server or a proxy closed under it, a 503
  // while the database is busy) is sent again a few times before the candidate is told.
  async function postSubmit() {
    for (let i = 1; ; i++) {
      try {
        const res = await csm.api('POST', base + '/submit', {});
        if (res.status < 500 || i === SUBMIT_TRIES) return res;
      } catch (e) {
        if (i === SUBMIT_TRIES) throw e;
      }
      await new Promise(function (resolve) { setTimeout(resolve, 1000 * i); });
    }
  }

  // ---- integrity (the attempt's 防作弊 policy) ----

  // movedAway tells a refusal because the attempt now runs on another device.
  function movedAway(res) {
    return res && res.status === 409 && res.data && res.data.field === 'device';
  }

  function claimDevice(switchHere) {
    return csm.api('POST', base + '/device', { switch: switchHere });
  }

  // holdDevice makes this device the attempt's (one device per attempt): at once when it
  // is free or ours, after the candidate confirms when another device has it. It resolves
  // to false when the page cannot go on (the server refused otherwise).
  async function holdDevice() {
    let res;
    try { res = await claimDevice(false); } catch (e) { return true; } // offline: saves tell later
    if (res.ok) return true;
    if (!movedAway(res)) { showLoadError(csm.message(res, '无法确认作答设备')); return false; }
    const d = document.getElementById('device-dialog');
    d.addEventListener('cancel', function (ev) { ev.preventDefault(); });
    d.showModal();
    return new Promise(function (resolve) {
      document.getElementById('device-switch').addEventListener('click', async function () {
        try {
          const r = await claimDevice(true);
          if (r.ok) { d.close(); resolve(true); return; }
          csm.showError('device-error', csm.message(r, '切换失败'));
        } catch (e) {
          csm.showError('device-error', '网络不通，请恢复网络后重试');
        }
      });
    });
  }

  function showMoved(res) {
    moved = true;
    document.getElementById('device-moved-text').textContent = csm.message(res, '本场考试已切换到另一设备作答。');
    document.getElementById('device-moved').hidden = false;
    paintStatus(String(items[current].q.id));
  }

  document.getElementById('device-back').addEventListener('click', async function () {
    try {
      const r = await claimDevice(true);
      if (!r.ok) return;
      moved = false;
      document.getElementById('device-moved').hidden = true;
      flush();
    } catch (e) { /* offline: the banner stays */ }
  });

  // Departures from the page (tab hidden, window blurred, full screen left) are counted
  // once per departure, journaled like answers, and sent after every answer typed before
  // them has been saved: the server may submit the attempt on the one that reaches the
  // limit, and an answer acknowledged before it is graded. Saves never wait for them.
  let events = load(keys.events, []);
  let away = false;
  let wasFullScreen = false;
  let eventsInflight = false;
  let eventCounter = 0;

  function setupIntegrity() {
    if (!policy) return;
    if (policy.block_copy) {
      document.getElementById('copy-note').hidden = false;
      ['copy', 'cut', 'contextmenu'].forEach(function (t) { root.addEventListener(t, function (ev) { ev.preventDefault(); }); });
      root.addEventListener('selectstart', function (ev) {
        const t = ev.target;
        if (!(t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT'))) ev.preventDefault(); // one's own answer stays editable
      });
    }
    if (!policy.record_focus) return;
    window.addEventListener('blur', function () { leave('blur'); });
    window.addEventListener('focus', function () { away = false; });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') leave('hidden'); else away = false;
    });
    document.addEventListener('fullscreenchange', function () {
      if (document.fullscreenElement) { wasFullScreen = true; return; }
      if (wasFullScreen) { wasFullScreen = false; leave('fullscreen_exit'); }
    });
    showStrikes(attempt);
    sendEvents();
  }

  function leave(kind) {
    if (away || closed || submitting) return;
    away = true;
    if (pendingEdit) { const save = pendingEdit; pendingEdit = null; save(); } // typed text goes first
    eventCounter = (eventCounter + 1) % 100;
    events.push({ kind: kind, seq: Date.now() * 100 + eventCounter, at: new Date().toISOString() });
    store(keys.events, events);
    sendEvents();
  }

  async function sendEvents() {
    if (eventsInflight || closed || moved || events.length === 0) return;
    if (inflight.size > 0 || Object.keys(journal).length > 0) { setTimeout(sendEvents, 500); return; }
    eventsInflight = true;
    const batch = events.slice(0, 50);
    let again = RETRY_MS;
    try {
      const res = await csm.api('POST', base + '/events', { events: batch });
      if (res.ok || res.status === 404 || res.status === 422) {
        const sent = new Set(batch.map(function (e) { return e.seq; }));
        events = events.filter(function (e) { return !sent.has(e.seq); });
        store(keys.events, events);
        again = 0;
      }
      if (res.ok) {
        showStrikes(res.data);
        if (res.data.status !== 'in_progress') { eventsInflight = false; finished(); return; }
      }
    } catch (e) { /* offline: sent again later */ }
    eventsInflight = false;
    if (events.length) setTimeout(sendEvents, again);
  }

  function showStrikes(d) {
    const w = document.getElementById('strike-warning');
    const n = d.focus_losses || 0;
    if (!policy.warn_at || n < policy.warn_at) return;
    w.textContent = policy.submit_at
      ? '已离开考试页面 ' + n + ' 次，达到 ' + policy.submit_at + ' 次将自动交卷。'
      : '已离开考试页面 ' + n + ' 次，每次离开都会被记录。';
    w.hidden = false;
  }

  init();
})();
