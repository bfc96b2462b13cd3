'use strict';
// The PDF report comes from another part of the back end; the link shows only when this
// server produces it.
(function () {
  const link = document.getElementById('pdf-link');
  if (!link) return;
  fetch(link.href, { method: 'HEAD', credentials: 'same-origin' }).then(function (r) {
    link.hidden = !r.ok;
  }).catch(function () { /* offline: leave the link; it works once the network is back */ });
})();
