package exam

import (
	"sync"
	"time"
)

// recentTTL is how long the service trusts a read of data that changes only when a
// server starts or content is imported: blueprints (immutable once created, except the
// bundled ones SyncBundled rewrites at start-up) and syllabus titles. Every server sees
// such a change within this time.
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
