package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"gorm.io/gorm"
)

// Lease timing of WithLock: a holder renews its row every leaseRenew; a server that dies
// holding it delays the others by at most leaseTTL; a waiter polls every lockPoll and
// gives up after lockWait.
const (
	leaseTTL   = 30 * time.Second
	leaseRenew = 10 * time.Second
	lockPoll   = 200 * time.Millisecond
	lockWait   = 10 * time.Minute
)

// WithLock runs f while this process holds the lock called name, which one process at a
// time holds across every server of the database, a Galera cluster's nodes included. It
// is for start-up work that several servers would otherwise do at once: migrations and
// the bundled curriculum.
//
// MySQL's GET_LOCK cannot do this on Galera, where it is local to one node, and a
// transaction's row lock cannot either, since DDL commits the transaction holding it. So
// the lock is a lease: a row of cluster_locks that a conditional UPDATE takes when it is
// free or expired. Galera certifies that UPDATE like any write, so of two servers taking
// it on different nodes one commits and the other gets a deadlock error and looks again.
// The holder renews the lease while f runs and frees it after; a holder that dies frees
// it by expiry. On SQLite f runs at once: its write lock already admits one writer.
// WithLock returns f's error, or an error saying the lock was not had within 10 minutes.
func WithLock(ctx context.Context, g *gorm.DB, name string, f func() error) error {
	if DialectOf(g) != MySQL {
		return f()
	}
	g = g.WithContext(ctx)
	holder, err := lockHolder()
	if err != nil {
		return err
	}
	if err := takeLease(ctx, g, name, holder); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	renewCtx, stop := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		renewLease(renewCtx, g, name, holder)
	}()
	err = f()
	stop()
	<-renewed
	// A lease left behind frees itself on expiry: a failed release costs others a wait.
	_ = Retry(context.Background(), func() error {
		return g.WithContext(context.Background()).Exec(
			"UPDATE cluster_locks SET holder = '', expires_at = NULL WHERE name = ? AND holder = ?", name, holder).Error
	})
	return err
}

// lockHolder names this process and this call (host, pid, random part) in a lease row,
// so that a stuck lock says who holds it.
func lockHolder() (string, error) {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return fmt.Sprintf("%.40s:%d:%s", host, os.Getpid(), hex.EncodeToString(b)), nil
}

// takeLease waits until the lease row of name is free or expired and takes it.
func takeLease(ctx context.Context, g *gorm.DB, name, holder string) error {
	// IF NOT EXISTS makes the DDL safe to race: Galera runs DDL in one total order on
	// every node, so the later CREATE finds the table.
	if err := g.Exec(`CREATE TABLE IF NOT EXISTS cluster_locks (
		name VARCHAR(64) NOT NULL PRIMARY KEY,
		holder VARCHAR(100) NOT NULL DEFAULT '',
		expires_at DATETIME(6) NULL
	) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`).Error; err != nil {
		return fmt.Errorf("create cluster_locks: %w", err)
	}
	if err := Retry(ctx, func() error {
		return g.Exec("INSERT IGNORE INTO cluster_locks (name) VALUES (?)", name).Error
	}); err != nil {
		return fmt.Errorf("add its row: %w", err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		// The database's clock decides expiry: one clock for every server.
		res := g.Exec(`UPDATE cluster_locks SET holder = ?, expires_at = NOW(6) + INTERVAL ? MICROSECOND
			WHERE name = ? AND (holder = '' OR expires_at < NOW(6))`, holder, leaseTTL.Microseconds(), name)
		switch {
		case res.Error == nil && res.RowsAffected == 1:
			return nil
		case res.Error != nil && !Deadlock(res.Error):
			return res.Error
		}
		if time.Now().After(deadline) {
			var by string
			g.Raw("SELECT holder FROM cluster_locks WHERE name = ?", name).Scan(&by)
			return fmt.Errorf("held by %s for %v", by, lockWait)
		}
		select {
		case <-time.After(lockPoll):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// renewLease pushes the lease's expiry on until ctx ends.
func renewLease(ctx context.Context, g *gorm.DB, name, holder string) {
	Every(ctx, leaseRenew, func() {
		_ = Retry(ctx, func() error {
			return g.WithContext(ctx).Exec(`UPDATE cluster_locks SET expires_at = NOW(6) + INTERVAL ? MICROSECOND
				WHERE name = ? AND holder = ?`, leaseTTL.Microseconds(), name, holder).Error
		})
	})
}

// Every runs f every interval until ctx ends: the loop of the periodic jobs every server
// runs (the sweeper, the calibration), which settle among servers through the database.
func Every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}
