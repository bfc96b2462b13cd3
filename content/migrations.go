package content

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// Migrate brings the content tables to the newest schema.
func Migrate(ctx context.Context, g *gorm.DB) error {
	if err := db.Migrate(ctx, g, "content", migrations); err != nil {
		return err
	}
	return db.Migrate(ctx, g, "content_calibrations", calibrationMigrations)
}

var migrations = []db.Migration{
	{Version: 1, Name: "syllabus and versioned questions", Up: func(tx *gorm.DB) error {
		type syllabusNode struct {
			Code     string `gorm:"primaryKey;size:64"`
			Parent   string `gorm:"size:64;index"`
			Kind     string `gorm:"size:16;not null"`
			Title    string `gorm:"size:200;not null"`
			Text     string `gorm:"type:text"`
			Source   string `gorm:"size:500"`
			Position int    `gorm:"not null;index"`
		}
		type question struct {
			ID         int64   `gorm:"primaryKey;autoIncrement"`
			CenterID   int64   `gorm:"not null;default:0;index"`
			PackKey    *string `gorm:"size:100;uniqueIndex"`
			PackHash   string  `gorm:"size:64"`
			Version    int     `gorm:"not null"`
			Type       string  `gorm:"size:16;not null;index"`
			Unit       string  `gorm:"size:64;not null;index"`
			Difficulty int     `gorm:"not null"`
			Stem       string  `gorm:"type:text;not null"`
			Body       string  `gorm:"type:mediumtext;not null"`
			CreatedAt  time.Time
			UpdatedAt  time.Time
			DeletedAt  *time.Time `gorm:"index"`
		}
		type questionVersion struct {
			QuestionID int64  `gorm:"primaryKey;autoIncrement:false"`
			Version    int    `gorm:"primaryKey;autoIncrement:false"`
			Body       string `gorm:"type:mediumtext;not null"`
			CreatedBy  int64  `gorm:"not null;default:0"`
			CreatedAt  time.Time
		}
		// The structs' names give the table names.
		return db.CreateTables(tx, &syllabusNode{}, &question{}, &questionVersion{})
	}},
	{Version: 2, Name: "authoring: origins of copied questions", Up: func(tx *gorm.DB) error {
		// questionOrigin: a center's question copied from the bundled bank, and the
		// version of the origin the copy follows (as copied, or as last taken or dismissed).
		type questionOrigin struct {
			QuestionID    int64 `gorm:"primaryKey;autoIncrement:false"`
			OriginID      int64 `gorm:"not null;index"`
			OriginVersion int   `gorm:"not null"`
			CopiedVersion int   `gorm:"not null"`
			CreatedAt     time.Time
			UpdatedAt     time.Time
		}
		return db.CreateTables(tx, &questionOrigin{})
	}},
	{Version: 3, Name: "html: question attachments (image files by content hash)", Up: func(tx *gorm.DB) error {
		type questionFile struct {
			SHA256    string `gorm:"primaryKey;size:64"`
			Type      string `gorm:"size:32;not null"`
			Data      []byte `gorm:"type:mediumblob;not null"`
			CreatedAt time.Time
		}
		return db.CreateTables(tx, &questionFile{})
	}},
}
