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
	{Version: 3, Name: "authoring: blueprint versions and retirement", Up: func(tx *gorm.DB) error {
		// blueprint gains its version (each save of an edit adds one) and when it was
		// retired (nil: offered).
		type blueprint struct {
			Version   int `gorm:"not null;default:1"`
			RetiredAt *time.Time
		}
		for _, col := range []string{"Version", "RetiredAt"} {
			if !tx.Migrator().HasColumn(&blueprint{}, col) {
				if err := tx.Migrator().AddColumn(&blueprint{}, col); err != nil {
					return err
				}
			}
		}
		return nil
	}},
	{Version: 4, Name: "desk: proctor actions, assignment titles", Up: func(tx *gorm.DB) error {
		// proctor_actions records every extension and every close of an attempt by staff:
		// who, when, why. It takes over attempt_extensions, whose rows it copies.
		type proctorAction struct {
			ID        int64  `gorm:"primaryKey;autoIncrement"`
			AttemptID int64  `gorm:"not null;index"`
			Kind      string `gorm:"size:16;not null"` // extend | close
			Seconds   int    `gorm:"not null;default:0"`
			Reason    string `gorm:"size:500;not null;default:''"`
			ActorID   int64  `gorm:"not null"`
			CreatedAt time.Time
		}
		// assignment gains a title of its own ('' shows its blueprint's).
		type assignment struct {
			Title string `gorm:"size:200;not null;default:''"`
		}
		if err := db.CreateTables(tx, &proctorAction{}); err != nil {
			return err
		}
		if !tx.Migrator().HasColumn(&assignment{}, "Title") {
			if err := tx.Migrator().AddColumn(&assignment{}, "Title"); err != nil {
				return err
			}
		}
		if !tx.Migrator().HasTable("attempt_extensions") {
			return nil
		}
		if err := tx.Exec(`INSERT INTO proctor_actions (attempt_id, kind, seconds, reason, actor_id, created_at)
SELECT attempt_id, 'extend', seconds, COALESCE(reason, ''), granted_by, created_at FROM attempt_extensions`).Error; err != nil {
			return err
		}
		return tx.Migrator().DropTable("attempt_extensions")
	}},
	{Version: 5, Name: "integrity policy, focus-loss events, device binding", Up: func(tx *gorm.DB) error {
		type attempt struct {
			Integrity      string `gorm:"size:2000;not null;default:''"`
			FocusLosses    int    `gorm:"not null;default:0"`
			DeviceSwitches int    `gorm:"not null;default:0"`
			DeviceID       string `gorm:"size:64;not null;default:''"`
			DeviceUA       string `gorm:"size:300;not null;default:''"`
			SubmitReason   string `gorm:"size:200;not null;default:''"`
		}
		type assignment struct {
			Integrity string `gorm:"size:2000;not null;default:''"`
		}
		// attemptEvent is one departure from the exam page or device switch, with the
		// client's time (as reported) and the server's. Seq is the client's number for
		// a reported event, so a batch sent again is not counted twice; NULL for events
		// the server records itself.
		type attemptEvent struct {
			ID        int64  `gorm:"primaryKey;autoIncrement"`
			AttemptID int64  `gorm:"not null;uniqueIndex:idx_attempt_event_seq,priority:1"`
			Seq       *int64 `gorm:"uniqueIndex:idx_attempt_event_seq,priority:2"`
			Kind      string `gorm:"size:32;not null"`
			ClientAt  *time.Time
			ServerAt  time.Time `gorm:"not null"`
			Detail    string    `gorm:"size:300;not null;default:''"`
		}
		for _, c := range []struct {
			model any
			field string
		}{
			{&attempt{}, "Integrity"}, {&attempt{}, "FocusLosses"}, {&attempt{}, "DeviceSwitches"},
			{&attempt{}, "DeviceID"}, {&attempt{}, "DeviceUA"}, {&attempt{}, "SubmitReason"}, {&assignment{}, "Integrity"},
		} {
			if !tx.Migrator().HasColumn(c.model, c.field) {
				if err := tx.Migrator().AddColumn(c.model, c.field); err != nil {
					return err
				}
			}
		}
		return db.CreateTables(tx, &attemptEvent{})
	}},
	{Version: 6, Name: "access code throttles", Up: func(tx *gorm.DB) error {
		// accessCodeThrottle is one key's wrong access codes (see throttle.Limiter): an
		// assignment and candidate from an address, or an address.
		type accessCodeThrottle struct {
			KeyHash      string    `gorm:"primaryKey;size:64"`
			Failures     int       `gorm:"not null"`
			LastFailure  time.Time `gorm:"not null"`
			BlockedUntil time.Time `gorm:"not null"`
			ExpiresAt    time.Time `gorm:"not null;index"`
		}
		return db.CreateTables(tx, &accessCodeThrottle{})
	}},
}
