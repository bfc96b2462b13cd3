'use strict';
// The exam's service worker, served as /exam/sw.js so that it governs the exam pages. It
// lets an exam page that was open once load again without a network: it keeps the last
// copy of each exam page, of its scripts and styles, and of its attempt (the paper), and
// answers from that copy only when the network fails. Nothing is ever served from the
// copy while the server can be reached, and the attempt it serves is marked
// X-Offline-Copy, so the page never takes its answers as saved: it shows them beside its
// own journal and reloads from the server once that answers again.
const CACHE = 'csm-exam-v1'; // exam.js names the same cache

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });

self.addEventListener('fetch', function (e) {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin) return;
  const page = /^\/exam\/\d+$/.test(url.pathname);
  const paper = /^\/api\/v1\/attempts\/\d+$/.test(url.pathname);
  if (!page && !paper && !url.pathname.startsWith('/static/')) return;
  e.respondWith(networkFirst(req, page || paper ? url.origin + url.pathname : req, paper));
});

async function networkFirst(req, key, paper) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (err) {
    const kept = await cache.match(key);
    if (!kept) throw err;
    if (!paper) return kept;
    const headers = new Headers(kept.headers);
    headers.set('X-Offline-Copy', '1');
    return new Response(kept.body, { status: kept.status, headers: headers });
  }
}
