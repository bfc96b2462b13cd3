package exam

import (
	"context"
	"sync"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// batchLimit bounds the writes one MySQL transaction carries.
const batchLimit = 256

// batcher is group commit: concurrent writes queue, and a writer runs every queued write
// in one transaction and commits once, instead of one commit (one fsync on MySQL, one
// turn of SQLite's single write lock) per write. Each write is one statement, which
// keeps its own conditions (a save still lands only while its attempt is open: the
// submit's row lock, or SQLite's write lock, orders the two). A failed statement is
// undone alone on both engines, but some failures (a MySQL deadlock) undo the whole
// transaction; so when any write fails, or the commit does, the batch is rolled back and
// every write runs again alone, and each caller gets exactly the outcome its write would
// have had on its own. A batch that a Galera cluster refuses at commit (a certification
// conflict with another node, reported as a deadlock) runs again whole before it is split
// up, and a write alone runs again on a deadlock too (db.Transaction, db.Retry). A write
// may therefore run several times, and must reset what its earlier runs left behind.
// Answer saves, the bulk of the writes, do not each cost a statement in a batch: they run
// together as one (saveAll), which on MySQL saves a round trip and a statement's parse
// and setup per save. The writers are started when work arrives and end when the queue
// is empty: the batcher holds no state beyond the writes in flight, and needs no
// shutdown.
type batcher struct {
	db      *gorm.DB
	writers int // at most this many transactions at once
	limit   int // at most this many writes in one transaction

	// saveAll, when set, runs a batch's answer saves as one statement in tx.
	saveAll func(tx *gorm.DB, saves []*answerSave) error
	// observe, when set, is told each batch's size and whether it committed whole.
	observe func(writes int, committed bool)

	mu      sync.Mutex
	queue   []*write
	running int
}

// depth is how many writes wait for a transaction now.
func (b *batcher) depth() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.queue)
}

// newBatcher returns a batcher writing to g, whose batches run their answer saves with
// saveAll (nil: each save's own statement). MySQL locks rows, so two batches run side by
// side and each commits while the other fills. Two, not more: a batch costs four round
// trips (begin, its saves, their read-back, commit) whatever its size, so fewer, larger
// batches cost the database less per save (a class of 500 at 64 requests in flight: 17
// saves a batch and 89 µs of mariadbd CPU a save with two writers, 8 and 128 µs with
// four; one writer made 31-save batches but left the database idle while it committed).
// SQLite has one writer at a time
// whatever we do: its writes queue here for the one writer rather than spin on
// SQLITE_BUSY, and each commits alone. A commit is cheap there (WAL, synchronous=NORMAL),
// while a statement inside a longer transaction needs a statement journal that costs
// more than the commit it saves (saves through HTTP: 13.7k/s alone, 9.7k/s batched).
func newBatcher(g *gorm.DB, saveAll func(tx *gorm.DB, saves []*answerSave) error) *batcher {
	if db.DialectOf(g) == db.MySQL {
		return &batcher{db: g, writers: 2, limit: batchLimit, saveAll: saveAll}
	}
	return &batcher{db: g, writers: 1, limit: 1, saveAll: saveAll}
}

// write is one queued statement: run executes it on tx (a batch's transaction, or the
// database itself when it runs alone) and keeps what it needs of the result. An answer
// save also names itself in save: in a batch it runs with the batch's other saves
// (batcher.saveAll) instead of through run.
type write struct {
	run  func(tx *gorm.DB) error
	save *answerSave
	done chan error
}

// do runs run, batched with whatever else is queued, and returns its error.
func (b *batcher) do(ctx context.Context, run func(tx *gorm.DB) error) error {
	return b.enqueue(ctx, &write{run: run})
}

// enqueue runs w, batched with whatever else is queued, and returns its error.
func (b *batcher) enqueue(ctx context.Context, w *write) error {
	w.done = make(chan error, 1)
	b.mu.Lock()
	b.queue = append(b.queue, w)
	if b.running < b.writers {
		b.running++
		go b.drain()
	}
	b.mu.Unlock()
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain runs batches until the queue is empty.
func (b *batcher) drain() {
	for {
		b.mu.Lock()
		n := min(len(b.queue), b.limit)
		if n == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		b.mu.Unlock()
		b.commit(batch)
	}
}

// commit runs a batch in one transaction, or each write alone if the batch fails. The
// writes run without their callers' contexts: a caller that gives up must not undo the
// writes of the others.
func (b *batcher) commit(batch []*write) {
	ctx := context.Background()
	if len(batch) > 1 {
		err := db.Transaction(b.db.WithContext(ctx), func(tx *gorm.DB) error { return b.runTogether(tx, batch) })
		if b.observe != nil {
			b.observe(len(batch), err == nil)
		}
		if err == nil {
			for _, w := range batch {
				w.done <- nil
			}
			return
		}
	} else if b.observe != nil {
		b.observe(1, true)
	}
	for _, w := range batch {
		w.done <- db.Retry(ctx, func() error { return w.run(b.db.WithContext(ctx)) })
	}
}

// runTogether runs a batch's writes in tx: its answer saves as one call of saveAll, the
// others each by its own statement.
func (b *batcher) runTogether(tx *gorm.DB, batch []*write) error {
	var saves []*answerSave
	for _, w := range batch {
		if w.save != nil && b.saveAll != nil {
			saves = append(saves, w.save)
		} else if err := w.run(tx); err != nil {
			return err
		}
	}
	if len(saves) == 0 {
		return nil
	}
	return b.saveAll(tx, saves)
}
