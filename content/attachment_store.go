package content

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type questionFileRow struct {
	SHA256    string `gorm:"primaryKey"`
	Type      string
	Data      []byte
	CreatedAt time.Time
}

func (questionFileRow) TableName() string { return "question_files" }

// saveFiles stores the bytes of q's attachments that carry them (once per content) and
// checks that those without bytes are stored already; it is an Invalid error on
// "attachments" otherwise.
func saveFiles(tx *gorm.DB, q *Question, now time.Time) error {
	for _, a := range q.Attachments {
		if a.Data == nil {
			var n int64
			if err := tx.Model(&questionFileRow{}).Where("sha256 = ?", a.SHA256).Count(&n).Error; err != nil {
				return fmt.Errorf("look up image %s: %w", a.SHA256, err)
			}
			if n == 0 {
				return Invalid("attachments", "图片 %s 的内容不在题库中，请重新上传", a.Name)
			}
			continue
		}
		row := questionFileRow{SHA256: a.SHA256, Type: a.Type, Data: a.Data, CreatedAt: now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("store image %s: %w", a.Name, err)
		}
	}
	return nil
}

// File is the stored image with content hash sha (see Attachment.SHA256): its content
// type and bytes. An unknown hash is ErrNotFound.
func (s *Store) File(ctx context.Context, sha string) (typ string, data []byte, err error) {
	var row questionFileRow
	err = s.db.WithContext(ctx).Where("sha256 = ?", sha).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, errs.New(errs.NotFound, "图片不存在")
	}
	if err != nil {
		return "", nil, fmt.Errorf("read image %s: %w", sha, err)
	}
	return row.Type, row.Data, nil
}

// Files are the stored bytes of the images with the content hashes shas, by hash; a hash
// not stored is missing from the map.
func (s *Store) Files(ctx context.Context, shas []string) (map[string][]byte, error) {
	data := make(map[string][]byte, len(shas))
	for chunk := range slices.Chunk(shas, 500) {
		var rows []questionFileRow
		if err := s.db.WithContext(ctx).Where("sha256 IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("read images: %w", err)
		}
		for _, r := range rows {
			data[r.SHA256] = r.Data
		}
	}
	return data, nil
}

// LoadFiles fills the Data of every attachment of qs from the store, for an export that
// carries the images. An image missing from the store is ErrNotFound.
func (s *Store) LoadFiles(ctx context.Context, qs []Question) error {
	var shas []string
	for _, q := range qs {
		for _, a := range q.Attachments {
			shas = append(shas, a.SHA256)
		}
	}
	data, err := s.Files(ctx, shas)
	if err != nil {
		return err
	}
	for i := range qs {
		for j := range qs[i].Attachments {
			a := &qs[i].Attachments[j]
			if a.Data = data[a.SHA256]; a.Data == nil {
				return errs.New(errs.NotFound, "题目 %d 的图片 %s 不在题库中", qs[i].ID, a.Name)
			}
		}
	}
	return nil
}
