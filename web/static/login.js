'use strict';
(function () {
  const form = document.getElementById('login-form');
  // next is only ever a path on this site, never another origin.
  function next() {
    const n = new URLSearchParams(location.search).get('next') || '/';
    if (n.charAt(0) !== '/') return '/';
    const u = new URL(n, location.origin); // the browser's own reading, tabs and backslashes included
    return u.origin === location.origin ? u.pathname + u.search + u.hash : '/';
  }
  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    csm.showError('login-error', '');
    const btn = form.querySelector('button');
    btn.disabled = true;
    try {
      const res = await csm.api('POST', '/api/v1/session', { username: form.username.value.trim(), password: form.password.value });
      if (res.ok) { location.href = next(); return; }
      csm.showError('login-error', res.status === 401 ? '用户名或密码不正确' : csm.message(res));
    } catch (e) {
      csm.showError('login-error', '网络不通，请检查网络后重试');
    }
    btn.disabled = false;
  });
})();
