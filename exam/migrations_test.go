package exam

import (
	"context"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestMigrationKeepsExtensions: a database from before the proctor actions keeps its
// attempts' extensions, who granted them and why, as proctor actions.
func TestMigrationKeepsExtensions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		ctx := context.Background()
		if err := db.Migrate(ctx, g, "exam", migrations[:2]); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		if err := g.Exec(`INSERT INTO attempt_extensions (attempt_id, seconds, reason, granted_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			7, 300, "视力障碍", 3, at).Error; err != nil {
			t.Fatal(err)
		}
		if err := Migrate(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := Migrate(ctx, g); err != nil { // idempotent
			t.Fatal(err)
		}
		var rows []proctorActionRow
		if err := g.Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("proctor actions %+v", rows)
		}
		if got := rows[0].action(); got.Attempt != 7 || got.Kind != ProctorExtend || got.Seconds != 300 || got.Reason != "视力障碍" || got.Actor != 3 || !got.At.Equal(at) {
			t.Fatalf("copied extension %+v", got)
		}
		if g.Migrator().HasTable("attempt_extensions") {
			t.Fatal("attempt_extensions is still there")
		}
		if !g.Migrator().HasColumn(&assignmentRow{}, "Title") {
			t.Fatal("assignments lacks its title")
		}
	})
}
