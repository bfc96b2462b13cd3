package content

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// A center copies a bundled question to adapt it. The copy remembers its origin and the
// origin's version it follows; when the bundled bank later changes the origin (a new pack
// version), the difference between that version and the origin now is shown on the copy,
// and its author takes the change or dismisses it.

type questionOriginRow struct {
	QuestionID    int64 `gorm:"primaryKey"`
	OriginID      int64
	OriginVersion int // the origin's version the copy follows: as copied, or as last taken or dismissed
	CopiedVersion int // the origin's version when it was copied
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (questionOriginRow) TableName() string { return "question_origins" }

// FieldChange is one field of a question that differs between two versions, each side
// rendered as the text an instructor reads ("A. 选项…" per line for options).
type FieldChange struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Origin is where a copied question came from and what changed there since the version
// the copy follows. Changes is empty when the copy is up to date.
type Origin struct {
	QuestionID     int64         `json:"question_id"`
	OriginID       int64         `json:"origin_id"`
	CopiedVersion  int           `json:"copied_version"`
	OriginVersion  int           `json:"origin_version"`
	CurrentVersion int           `json:"current_version"`   // 0 when the origin has left the bank
	Removed        bool          `json:"removed,omitempty"` // the origin was deleted from the bundled bank
	Changes        []FieldChange `json:"changes"`
}

// questionField is one field of a question as the diff shows it and as taking an update
// copies it.
type questionField struct {
	name, label string
	text        func(q *Question) string
	take        func(dst, src *Question)
}

var questionFields = []questionField{
	{"type", "题型", func(q *Question) string { return q.Type.Name() + formSuffix(q) },
		func(d, s *Question) { d.Type, d.Form = s.Type, s.Form }},
	{"material", "案例材料", func(q *Question) string { return q.Material }, func(d, s *Question) { d.Material = s.Material }},
	{"stem", "题干", func(q *Question) string { return q.Stem }, func(d, s *Question) { d.Stem = s.Stem }},
	{"options", "选项", optionsText, func(d, s *Question) { d.Options = slices.Clone(s.Options) }},
	{"answer", "答案", func(q *Question) string { return strings.Join(q.Answer, "、") },
		func(d, s *Question) { d.Answer = slices.Clone(s.Answer) }},
	{"parts", "小题、分值与采分点", partsText, func(d, s *Question) { d.Parts = slices.Clone(s.Parts) }},
	{"explanation", "解析", func(q *Question) string { return q.Explanation }, func(d, s *Question) { d.Explanation = s.Explanation }},
	{"unit", "知识点", func(q *Question) string { return q.Unit }, func(d, s *Question) { d.Unit = s.Unit }},
	{"difficulty", "难度", func(q *Question) string { return fmt.Sprint(q.Difficulty) }, func(d, s *Question) { d.Difficulty = s.Difficulty }},
	{"source", "出处", func(q *Question) string { return q.Source }, func(d, s *Question) { d.Source = s.Source }},
}

func formSuffix(q *Question) string {
	if q.Type != Case {
		return ""
	}
	return "（" + q.CaseForm().Title() + "）"
}

func optionsText(q *Question) string {
	if q.Type == TrueFalse {
		return ""
	}
	lines := make([]string, len(q.Options))
	for i, o := range q.Options {
		lines[i] = o.Key + ". " + o.Text
	}
	return strings.Join(lines, "\n")
}

func partsText(q *Question) string {
	var b strings.Builder
	for i, p := range q.Parts {
		fmt.Fprintf(&b, "%d. %s（%s 分）\n参考答案：%s\n", i+1, p.Prompt, p.Points, p.Reference)
		for _, r := range p.Rubric {
			fmt.Fprintf(&b, "  · %s（%s 分）关键词：%s\n", r.Point, r.Score, strings.Join(r.Keywords, "、"))
		}
	}
	return strings.TrimSpace(b.String())
}

// DiffQuestions lists the fields that differ from before to after, in the order a
// question reads. It is pure.
func DiffQuestions(before, after *Question) []FieldChange {
	out := []FieldChange{}
	for _, f := range questionFields {
		if b, a := f.text(before), f.text(after); b != a {
			out = append(out, FieldChange{Field: f.name, Label: f.label, Before: b, After: a})
		}
	}
	return out
}

// takeChanges copies into dst each field of src named in changes, leaving the others
// (the copy's own edits) alone.
func takeChanges(dst, src *Question, changes []FieldChange) {
	for _, c := range changes {
		for _, f := range questionFields {
			if f.name == c.Field {
				f.take(dst, src)
			}
		}
	}
}

// CopyQuestion copies the current version of bundled question id into v's center as a new
// question (version 1) that remembers its origin. Only questions of the bundled bank are
// copied, and only by someone with a center bank to copy into (an administrator edits the
// bundled bank itself): otherwise ErrInvalid. A question v may not read is ErrNotFound.
func (s *Store) CopyQuestion(ctx context.Context, v Viewer, id, by int64) (*Question, error) {
	origin, err := s.VisibleQuestion(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if origin.CenterID != 0 {
		return nil, errs.New(errs.Invalid, "只能复制内置题库的题目；题目 %d 已是本中心的题目，请直接编辑", id)
	}
	if v.OwnerCenter() == 0 {
		return nil, errs.New(errs.Invalid, "系统管理员直接编辑内置题库，无需复制")
	}
	cp := *origin
	cp.ID, cp.Version, cp.PackKey, cp.CenterID, cp.Calibrated = 0, 0, "", v.OwnerCenter(), 0
	cp.Options, cp.Answer, cp.Parts = slices.Clone(origin.Options), slices.Clone(origin.Answer), slices.Clone(origin.Parts)
	now := s.now().UTC()
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := insertQuestion(tx, &cp, by, "", now); err != nil {
			return err
		}
		return tx.Create(&questionOriginRow{QuestionID: cp.ID, OriginID: origin.ID, OriginVersion: origin.Version,
			CopiedVersion: origin.Version, CreatedAt: now, UpdatedAt: now}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("copy question %d: %w", id, err)
	}
	return &cp, nil
}

// QuestionOrigin tells where question id (which v may read) was copied from and what its
// origin changed since the version the copy follows. A question that is no copy is
// ErrNotFound.
func (s *Store) QuestionOrigin(ctx context.Context, v Viewer, id int64) (*Origin, error) {
	if _, err := s.VisibleQuestion(ctx, v, id); err != nil {
		return nil, err
	}
	o, _, err := s.origin(ctx, s.db.WithContext(ctx), id)
	return o, err
}

// origin reads the origin of copy id and the origin's current version (nil when it has
// left the bank) through tx.
func (s *Store) origin(ctx context.Context, tx *gorm.DB, id int64) (*Origin, *Question, error) {
	var row questionOriginRow
	err := tx.Where("question_id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errs.New(errs.NotFound, "题目 %d 不是从内置题库复制的", id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("question %d origin: %w", id, err)
	}
	o := &Origin{QuestionID: id, OriginID: row.OriginID, CopiedVersion: row.CopiedVersion, OriginVersion: row.OriginVersion, Changes: []FieldChange{}}
	st := &Store{db: tx, now: s.now}
	now, err := st.Question(ctx, row.OriginID)
	if errors.Is(err, ErrNotFound) {
		o.Removed = true
		return o, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	o.CurrentVersion = now.Version
	if now.Version == row.OriginVersion {
		return o, now, nil
	}
	was, err := st.QuestionVersion(ctx, row.OriginID, row.OriginVersion)
	if err != nil {
		return nil, nil, err
	}
	o.Changes = DiffQuestions(was, now)
	return o, now, nil
}

// AcceptOrigin takes the origin's changes into copy id (which v must be allowed to edit):
// each field the origin changed since the version the copy follows is replaced by the
// origin's current one, the copy's own edits to other fields stay, and the result is saved
// as the copy's next version. A copy already up to date is returned unchanged. If the
// merged question is invalid (the copy's own answer no longer fits the new options, say)
// nothing is saved and the error names the field.
func (s *Store) AcceptOrigin(ctx context.Context, v Viewer, id, by int64) (*Question, error) {
	cp, err := s.EditableQuestion(ctx, v, id)
	if err != nil {
		return nil, err
	}
	var out *Question
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		o, now, err := s.origin(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Removed {
			return errs.New(errs.Conflict, "来源题目 %d 已从内置题库删除，没有可采用的更新", o.OriginID)
		}
		merged := *cp
		if len(o.Changes) > 0 {
			takeChanges(&merged, now, o.Changes)
			if err := (&Store{db: tx, now: s.now}).prepare(ctx, &merged); err != nil {
				return err
			}
			if err := updateQuestion(tx, &merged, by, cp.Version, nil, s.now()); err != nil {
				return err
			}
		}
		out = &merged
		return markFollowed(tx, id, o.CurrentVersion, s.now())
	})
	return out, err
}

// DismissOrigin marks the origin's current version as seen without changing copy id
// (which v must be allowed to edit): its changes are shown no more, later ones will be.
func (s *Store) DismissOrigin(ctx context.Context, v Viewer, id int64) (*Origin, error) {
	if _, err := s.EditableQuestion(ctx, v, id); err != nil {
		return nil, err
	}
	err := db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		o, _, err := s.origin(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Removed {
			return nil
		}
		return markFollowed(tx, id, o.CurrentVersion, s.now())
	})
	if err != nil {
		return nil, err
	}
	return s.QuestionOrigin(ctx, v, id)
}

func markFollowed(tx *gorm.DB, id int64, version int, now time.Time) error {
	err := tx.Model(&questionOriginRow{}).Where("question_id = ?", id).
		Updates(map[string]any{"origin_version": version, "updated_at": now.UTC()}).Error
	if err != nil {
		return fmt.Errorf("question %d origin: %w", id, err)
	}
	return nil
}
