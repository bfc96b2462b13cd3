// Sorts a statistics table by a column when its header is clicked (or Enter/Space on
// it): numbers by data-value, blank figures last; clicking again reverses.
(function () {
  'use strict';
  document.querySelectorAll('table.sortable').forEach(function (table) {
    const heads = table.querySelectorAll('th[data-sort]');
    heads.forEach(function (th) {
      th.tabIndex = 0;
      const col = Array.prototype.indexOf.call(th.parentNode.children, th);
      function sort() {
        const asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        function value(row) {
          const v = parseFloat(row.cells[col].dataset.value);
          return isNaN(v) ? null : v;
        }
        rows.sort(function (a, b) {
          const x = value(a), y = value(b);
          if (x === null || y === null) { return (x === null) - (y === null); }
          return asc ? x - y : y - x;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  });
})();
