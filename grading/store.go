package grading

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// Migrate brings the grading tables to the newest schema.
func Migrate(ctx context.Context, g *gorm.DB) error {
	return db.Migrate(ctx, g, "grading", migrations)
}

var migrations = []db.Migration{
	{Version: 1, Name: "case grades and regrades", Up: func(tx *gorm.DB) error {
		type caseGrade struct {
			AttemptID  int64  `gorm:"primaryKey;autoIncrement:false"`
			QuestionID int64  `gorm:"primaryKey;autoIncrement:false"`
			Scores     string `gorm:"size:2000;not null"` // JSON array of points, rubric order
			Comment    string `gorm:"type:text"`
			GradedBy   int64  `gorm:"not null"`
			GradedAt   time.Time
		}
		type regrade struct {
			ID         int64 `gorm:"primaryKey;autoIncrement"`
			AttemptID  int64 `gorm:"not null;index"`
			QuestionID int64 `gorm:"not null;index"`
			OldVersion int   `gorm:"not null"`
			NewVersion int   `gorm:"not null"`
			OldScore   int64 `gorm:"not null"`
			NewScore   int64 `gorm:"not null"`
			RegradedBy int64 `gorm:"not null"`
			CreatedAt  time.Time
		}
		// The structs' names give the table names.
		return db.CreateTables(tx, &caseGrade{}, &regrade{})
	}},
	{Version: 2, Name: "the 错题本's cleared 未作答 list", Up: func(tx *gorm.DB) error {
		type wrongbookClear struct {
			CandidateID         int64 `gorm:"primaryKey;autoIncrement:false"`
			UnansweredClearedAt time.Time
		}
		return db.CreateTables(tx, &wrongbookClear{})
	}},
}

type caseGradeRow struct {
	AttemptID  int64 `gorm:"primaryKey"`
	QuestionID int64 `gorm:"primaryKey"`
	Scores     string
	Comment    string
	GradedBy   int64
	GradedAt   time.Time
}

func (caseGradeRow) TableName() string { return "case_grades" }

type regradeRow struct {
	ID         int64 `gorm:"primaryKey"`
	AttemptID  int64
	QuestionID int64
	OldVersion int
	NewVersion int
	OldScore   int64
	NewScore   int64
	RegradedBy int64
	CreatedAt  time.Time
}

func (regradeRow) TableName() string { return "regrades" }

// wrongBookClearRow is when a candidate last cleared their 未作答 list.
type wrongBookClearRow struct {
	CandidateID         int64 `gorm:"primaryKey"`
	UnansweredClearedAt time.Time
}

func (wrongBookClearRow) TableName() string { return "wrongbook_clears" }
