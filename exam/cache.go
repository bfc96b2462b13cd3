package exam

import (
	"container/list"
	"sync"
	"time"
)

// recentTTL is how long the service trusts a read of data that changes only when a
// server starts or content is imported: blueprints (rewritten by SyncBundled at start-up,
// and by a center's edit, retirement or deletion, which clears this server's copy) and
// syllabus titles. Every other server sees such a change within this time.
const recentTTL = 30 * time.Second

// recent keeps values read from the database for recentTTL, so the hot paths do not
// read them on every request. Misses are not kept: a new blueprint is visible at once.
type recent[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]recentEntry[V]
}

type recentEntry[V any] struct {
	value  V
	readAt time.Time
}

func (c *recent[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || now.Sub(e.readAt) >= recentTTL || now.Before(e.readAt) {
		var zero V
		return zero, false
	}
	return e.value, true
}

func (c *recent[K, V]) put(k K, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[K]recentEntry[V]{}
	}
	c.entries[k] = recentEntry[V]{value: v, readAt: now}
}

func (c *recent[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}

// lru keeps values up to a total cost in bytes (as the caller estimates it), dropping the
// least recently used first. Safe for concurrent use.
type lru[K comparable, V any] struct {
	mu       sync.Mutex
	maxBytes int64
	bytes    int64
	order    *list.List // front: most recently used; of *lruEntry[K, V]
	entries  map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
	cost  int64
}

func newLRU[K comparable, V any](maxBytes int64) *lru[K, V] {
	return &lru[K, V]{maxBytes: maxBytes, order: list.New(), entries: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[K, V]).value, true
}

// put keeps v under k at cost bytes; a value costing more than the whole budget is not
// kept.
func (c *lru[K, V]) put(k K, v V, cost int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.removeElement(el)
	}
	if cost > c.maxBytes {
		return
	}
	c.entries[k] = c.order.PushFront(&lruEntry[K, V]{key: k, value: v, cost: cost})
	c.bytes += cost
	for c.bytes > c.maxBytes {
		c.removeElement(c.order.Back())
	}
}

func (c *lru[K, V]) remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.removeElement(el)
	}
}

func (c *lru[K, V]) removeElement(el *list.Element) {
	e := c.order.Remove(el).(*lruEntry[K, V])
	delete(c.entries, e.key)
	c.bytes -= e.cost
}

// size returns how many values are kept and their total cost.
func (c *lru[K, V]) size() (n int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}
