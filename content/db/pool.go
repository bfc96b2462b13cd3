package db

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Pool is how many connections a server keeps to its database.
type Pool struct {
	// MaxOpen bounds the connections; requests beyond it queue for one rather than fail.
	// Servers × MaxOpen must stay under MySQL's max_connections (docs/OPERATIONS.md).
	MaxOpen int
	// MaxIdleTime closes a connection idle this long, so a quiet server holds few.
	MaxIdleTime time.Duration
}

// DefaultPool is Open's pool: 64 MySQL connections (a class's wave of starts and saves
// keeps them busy on two cores), 16 for SQLite, whose one writer they queue for; idle
// ones close after a minute.
func DefaultPool(d Dialect) Pool {
	if d == MySQL {
		return Pool{MaxOpen: 64, MaxIdleTime: time.Minute}
	}
	return Pool{MaxOpen: 16, MaxIdleTime: time.Minute}
}

// SetPool applies p to g's connections.
func SetPool(g *gorm.DB, p Pool) error {
	if p.MaxOpen < 1 || p.MaxIdleTime <= 0 {
		return fmt.Errorf("pool: %d connections idle for %s: both must be positive", p.MaxOpen, p.MaxIdleTime)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(p.MaxOpen)
	sqlDB.SetMaxIdleConns(p.MaxOpen)
	sqlDB.SetConnMaxIdleTime(p.MaxIdleTime)
	return nil
}
