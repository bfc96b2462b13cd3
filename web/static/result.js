'use strict';
// The result page: the item the address names (#q12, from the question index) opens and
// comes into view; everything else on the page works without this script.
(function () {
  function openTarget() {
    const m = /^#q(\d+)$/.exec(location.hash);
    const li = m && document.getElementById('q' + m[1]);
    if (!li) return;
    const d = li.querySelector('details');
    if (d) d.open = true;
    li.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
