package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Migration is one step of a domain's schema. Steps run once, in Version order, and are
// recorded in schema_migrations; a step never changes after it has shipped. Up should use
// table structs frozen in the migration itself, not the live domain types, so that later
// steps can alter them safely.
type Migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB) error
}

type schemaMigration struct {
	Domain    string `gorm:"primaryKey;size:32"`
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies the domain's steps that the database has not seen yet. Several servers
// may start at once against one MySQL database or against different nodes of a Galera
// cluster: they take the cluster-wide "migrate" lock (WithLock), so each step runs exactly
// once. Migrate is idempotent.
func Migrate(ctx context.Context, g *gorm.DB, domain string, steps []Migration) error {
	g = g.WithContext(ctx)
	if DialectOf(g) == MySQL {
		return WithLock(ctx, g, "migrate", func() error { return migrate(g, domain, steps) })
	}
	// SQLite's DDL is transactional, and an immediate transaction holds the write lock:
	// concurrent starts queue up and each step commits with its record.
	return g.Transaction(func(tx *gorm.DB) error { return migrate(tx, domain, steps) })
}

func migrate(g *gorm.DB, domain string, steps []Migration) error {
	if DialectOf(g) == MySQL {
		// Whatever the database's defaults: every Chinese character fits, and codes and
		// usernames compare exactly, as they do on SQLite.
		g = g.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin").Session(&gorm.Session{})
	}
	if err := g.AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("migrate: schema_migrations: %w", err)
	}
	var applied []int
	if err := g.Model(&schemaMigration{}).Where("domain = ?", domain).Pluck("version", &applied).Error; err != nil {
		return fmt.Errorf("migrate %s: read versions: %w", domain, err)
	}
	done := make(map[int]bool, len(applied))
	for _, v := range applied {
		done[v] = true
	}
	last := 0
	for _, s := range steps {
		if s.Version <= last {
			return fmt.Errorf("migrate %s: step %d (%s) is out of order", domain, s.Version, s.Name)
		}
		last = s.Version
		if done[s.Version] {
			continue
		}
		// MySQL commits DDL implicitly, so a step is recorded right after it succeeds;
		// steps are written to be safe to re-run (HasTable/HasColumn checks) should a
		// crash fall between the two.
		if err := s.Up(g); err != nil {
			return fmt.Errorf("migrate %s to %d (%s): %w", domain, s.Version, s.Name, err)
		}
		rec := schemaMigration{Domain: domain, Version: s.Version, Name: s.Name, AppliedAt: time.Now().UTC()}
		if err := g.Clauses(clause.OnConflict{DoNothing: true}).Create(&rec).Error; err != nil {
			return fmt.Errorf("migrate %s: record %d: %w", domain, s.Version, err)
		}
	}
	return nil
}

// Version reports the newest applied step of a domain (0 when none).
func Version(ctx context.Context, g *gorm.DB, domain string) (int, error) {
	var v *int
	err := g.WithContext(ctx).Model(&schemaMigration{}).Where("domain = ?", domain).Select("MAX(version)").Scan(&v).Error
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// CreateTables creates each model's table unless it exists, so a step that creates
// tables is safe to run again.
func CreateTables(tx *gorm.DB, models ...any) error {
	for _, model := range models {
		if !tx.Migrator().HasTable(model) {
			if err := tx.Migrator().CreateTable(model); err != nil {
				return err
			}
		}
	}
	return nil
}
