package exam

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// Migrate brings the exam tables to the newest schema.
func Migrate(ctx context.Context, g *gorm.DB) error {
	if err := db.Migrate(ctx, g, "exam", migrations); err != nil {
		return err
	}
	return db.Migrate(ctx, g, "exam_item_scores", itemScoreMigrations)
}

var migrations = []db.Migration{
	{Version: 1, Name: "blueprints, attempts, answers, extensions", Up: func(tx *gorm.DB) error {
		type blueprint struct {
			Code      string `gorm:"primaryKey;size:64"`
			CenterID  int64  `gorm:"not null;default:0;index"`
			Title     string `gorm:"size:200;not null"`
			Body      string `gorm:"type:mediumtext;not null"`
			Bundled   bool   `gorm:"not null;default:false"`
			CreatedBy int64  `gorm:"not null;default:0"`
			CreatedAt time.Time
			UpdatedAt time.Time
		}
		type attempt struct {
			ID          int64   `gorm:"primaryKey;autoIncrement"`
			CandidateID int64   `gorm:"not null;index:idx_attempt_candidate,priority:1"`
			CenterID    int64   `gorm:"not null;index"`
			Blueprint   string  `gorm:"size:64;not null;index:idx_attempt_candidate,priority:2"`
			Mode        string  `gorm:"size:16;not null"`
			Status      string  `gorm:"size:16;not null;index:idx_attempt_due,priority:1"`
			OpenSlot    *string `gorm:"size:100;uniqueIndex"` // candidate/blueprint while in progress: one open attempt each
			Rules       string  `gorm:"type:mediumtext;not null"`
			Paper       string  `gorm:"type:mediumtext;not null"`
			StartedAt   time.Time
			Deadline    *time.Time
			ClosesAt    *time.Time `gorm:"index:idx_attempt_due,priority:2"`
			ExtensionS  int        `gorm:"not null;default:0"`
			SubmittedAt *time.Time
			Score       int64  `gorm:"not null;default:0"`
			Result      string `gorm:"type:mediumtext"`
			UpdatedAt   time.Time
		}
		type attemptAnswer struct {
			AttemptID  int64  `gorm:"primaryKey;autoIncrement:false"`
			QuestionID int64  `gorm:"primaryKey;autoIncrement:false"`
			Choice     string `gorm:"size:64;not null;default:''"`
			Text       string `gorm:"type:mediumtext"`
			Seq        int64  `gorm:"not null;default:0"`
			SavedAt    time.Time
		}
		type attemptExtension struct {
			ID        int64  `gorm:"primaryKey;autoIncrement"`
			AttemptID int64  `gorm:"not null;index"`
			Seconds   int    `gorm:"not null"`
			Reason    string `gorm:"size:500"`
			GrantedBy int64  `gorm:"not null"`
			CreatedAt time.Time
		}
		// The structs' names give the table names.
		return db.CreateTables(tx, &blueprint{}, &attempt{}, &attemptAnswer{}, &attemptExtension{})
	}},
	{Version: 2, Name: "assignments of blueprints to cohorts", Up: func(tx *gorm.DB) error {
		type assignment struct {
			ID              int64     `gorm:"primaryKey;autoIncrement"`
			CenterID        int64     `gorm:"not null;index"`
			Blueprint       string    `gorm:"size:64;not null"`
			CohortID        int64     `gorm:"not null;index"`
			OpensAt         time.Time `gorm:"not null"`
			ClosesAt        time.Time `gorm:"not null"`
			AttemptsAllowed int       `gorm:"not null"`
			CreatedBy       int64     `gorm:"not null"`
			CreatedAt       time.Time
			UpdatedAt       time.Time
		}
		type assignmentExtension struct {
			AssignmentID int64 `gorm:"primaryKey;autoIncrement:false"`
			UserID       int64 `gorm:"primaryKey;autoIncrement:false"`
			Seconds      int   `gorm:"not null"`
		}
		// attempt gains the assignment it was started from (0: none).
		type attempt struct {
			AssignmentID int64 `gorm:"not null;default:0;index"`
		}
		if err := db.CreateTables(tx, &assignment{}, &assignmentExtension{}); err != nil {
			return err
		}
		if !tx.Migrator().HasColumn(&attempt{}, "AssignmentID") {
			if err := tx.Migrator().AddColumn(&attempt{}, "AssignmentID"); err != nil {
				return err
			}
		}
		// AddColumn ignores the index tag.
		if !tx.Migrator().HasIndex(&attempt{}, "AssignmentID") {
			return tx.Migrator().CreateIndex(&attempt{}, "AssignmentID")
		}
		return nil
	}},
}
