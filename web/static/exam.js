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
  const keys = { journal: 'csm-journal-' + id, flags: 'csm-flags-' + id, seq: 'csm-seq-' + id };
  const RETRY_MS = 3000;

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

  async function fetchAttempt() {
    const t0 = Date.now();
    const res = await csm.api('GET', base);
    const t1 = Date.now();
    if (res.ok) offsetMs = Date.parse(res.data.server_time) - (t0 + t1) / 2;
    return res;
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
    deadline = attempt.deadline ? Date.parse(attempt.deadline) : null;
    attempt.sections.forEach(function (sec) {
      sec.questions.forEach(function (q) { items.push({ q: q, section: sec, n: items.length + 1 }); });
    });
    items.forEach(function (it) {
      const qid = String(it.q.id);
      const saved = attempt.answers[qid];
      if (saved) {
        answers[qid] = saved;
        status[qid] = { state: 'saved', at: saved.saved_at };
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
    tick();
    setInterval(tick, 500);
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
    [keys.journal, keys.flags, keys.seq].forEach(function (k) { try { localStorage.removeItem(k); } catch (e) { /* ignore */ } });
    location.href = '/attempts/' + id + '/result';
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
    if (!body || inflight.has(qid) || closed) return;
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
    if (latest && !same && outcome !== 'retry') { send(qid); return; }
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
        status[qid] = { state: 'saved', at: a && a.saved_at, text: '已采用另一窗口更新的答案' };
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
          if (items[current] === it) paintReveal(it);
        });
      });
    } catch (e) { /* the key shows on the next answer */ }
  }

  // ---- rendering ----

  // The server names each option as this paper shows it (o.letter, exam.Letters); the
  // stored key travels in the input's value. LETTERS only maps a pressed key to a position.
  const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

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
    box.appendChild(el('p', { className: 'stem' }, q.stem));
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
        ta.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(save, 800); });
        ta.addEventListener('change', save);
        box.appendChild(el('div', { className: 'part' }, el('p', { className: 'prompt' }, (k + 1) + '. ' + p.prompt + '（' + p.points + ' 分）'), ta));
      });
    } else {
      const multiple = q.type === 'multiple';
      const list = el('div', { className: 'options', role: multiple ? 'group' : 'radiogroup' });
      q.options.forEach(function (o) {
        const input = el('input', { type: multiple ? 'checkbox' : 'radio', name: 'q' + qid, value: o.key,
          checked: !!(a.choice && a.choice.indexOf(o.key) >= 0) });
        input.addEventListener('change', function () {
          const choice = Array.from(list.querySelectorAll('input:checked')).map(function (x) { return x.value; });
          record(qid, { choice: choice });
        });
        const text = o.letter ? o.letter + '. ' + o.text : o.text;
        list.appendChild(el('label', { className: 'option' }, input, el('span', null, text)));
      });
      box.appendChild(list);
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
    if (it.q.answer_letters) r.appendChild(el('p', null, el('strong', null, '答案：'), it.q.answer_letters));
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
      case 'pending': return '未保存：已存本机，联网后自动提交';
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
    if (left <= 0 && !submitting) submit(true);
  }

  function warn(text) {
    const w = document.getElementById('time-warning');
    w.textContent = text;
    w.hidden = false;
  }

  // ---- submitting ----

  const dialog = document.getElementById('confirm');

  function openConfirm() {
    const missing = items.filter(function (it) { return !isAnswered(String(it.q.id)); });
    const flagged = items.filter(function (it) { return flags.has(String(it.q.id)); });
    const summary = missing.length ? '还有 ' + missing.length + ' 题未作答：' : '所有题目都已作答。';
    document.getElementById('confirm-summary').textContent = summary + (flagged.length ? ' 另有 ' + flagged.length + ' 题标记待检查。' : '');
    const box = document.getElementById('confirm-unanswered');
    box.textContent = '';
    missing.forEach(function (it) {
      const b = el('button', { type: 'button', className: 'cell' }, String(it.n));
      b.addEventListener('click', function () { dialog.close(); go(it.n - 1); });
      box.appendChild(b);
    });
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
    await Promise.all(Object.keys(journal).map(function (qid) {
      return csm.api('PUT', base + '/answers/' + qid, journal[qid]).then(function (r) {
        if (r.ok || r.status === 409 || r.status === 422) delete journal[qid];
      }).catch(function () { /* still offline */ });
    }));
    saveJournal();
    try {
      const res = await csm.api('POST', base + '/submit', {});
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

  init();
})();
