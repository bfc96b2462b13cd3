'use strict';
// The question bank's file import: a dry run first lists every fault (row, column,
// message); only a file that passed it (or, in partial mode, has a good question) can be
// imported. The default point, the category mapping and partial mode go with the file.
(function () {
  const form = document.getElementById('question-import');
  if (!form) return;
  const check = document.getElementById('import-check');
  const run = document.getElementById('import-run');
  const report = document.getElementById('import-report');
  function reset() { run.disabled = true; report.textContent = ''; }
  form.file.addEventListener('change', reset);
  form.unit.addEventListener('input', reset);
  form.map.addEventListener('input', reset);
  form.partial.addEventListener('change', reset);

  async function upload(dry) {
    const file = form.file.files[0];
    if (!file) { form.file.reportValidity(); return; }
    const body = new FormData();
    body.append('file', file);
    body.append('unit', form.unit.value.trim());
    body.append('map', form.map.value);
    if (form.partial.checked) body.append('partial', '1');
    check.disabled = run.disabled = true;
    let passed = false;
    try {
      const res = await csm.api('POST', '/api/v1/questions/import' + (dry ? '?dry_run=1' : ''), body);
      csm.importReport(report, res, '道题');
      passed = dry && res.ok;
      if (res.ok && !dry) {
        report.appendChild(csm.el('p', null, csm.el('a', { href: '/questions' }, '刷新题目列表')));
        form.reset();
      }
    } catch (e) {
      report.textContent = '';
      report.appendChild(csm.el('p', { className: 'error-message' }, '网络不通，文件未上传'));
    } finally {
      check.disabled = false;
      run.disabled = !passed;
    }
  }
  check.addEventListener('click', function () { upload(true); });
  run.addEventListener('click', function () { upload(false); });
})();
