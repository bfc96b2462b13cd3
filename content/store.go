package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Store keeps the syllabus and the question bank in the database.
type Store struct {
	db  *gorm.DB
	now func() time.Time
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB, now func() time.Time) *Store { return &Store{db: db, now: now} }

type syllabusNode struct {
	Code     string `gorm:"primaryKey"`
	Parent   string
	Kind     string
	Title    string
	Text     string
	Source   string
	Position int
}

type questionRow struct {
	ID         int64 `gorm:"primaryKey"`
	CenterID   int64
	PackKey    *string
	PackHash   string
	Version    int
	Type       string
	Unit       string
	Difficulty int
	Stem       string
	Body       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	DeletedAt  *time.Time
}

func (questionRow) TableName() string { return "questions" }

type questionVersionRow struct {
	QuestionID int64 `gorm:"primaryKey"`
	Version    int   `gorm:"primaryKey"`
	Body       string
	CreatedBy  int64
	CreatedAt  time.Time
}

func (questionVersionRow) TableName() string { return "question_versions" }

// SaveSyllabus writes nodes (a valid tree, in display order): new codes are added,
// existing ones updated in place. Nodes not in the list are left alone, so instructors'
// additions survive a pack reload.
func (s *Store) SaveSyllabus(ctx context.Context, nodes []Node) error {
	if err := ValidateNodes(nodes); err != nil {
		return err
	}
	rows := make([]syllabusNode, len(nodes))
	for i, n := range nodes {
		rows[i] = syllabusNode{Code: n.Code, Parent: n.Parent, Kind: string(n.Kind), Title: n.Title, Text: n.Text, Source: n.Source, Position: i}
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"parent", "kind", "title", "text", "source", "position"}),
	}).CreateInBatches(rows, 200).Error
}

// Syllabus returns every node, parents before children, in display order.
func (s *Store) Syllabus(ctx context.Context) ([]Node, error) {
	var rows []syllabusNode
	if err := s.db.WithContext(ctx).Order("position, code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read syllabus: %w", err)
	}
	nodes := make([]Node, len(rows))
	for i, r := range rows {
		nodes[i] = Node{Code: r.Code, Parent: r.Parent, Kind: Kind(r.Kind), Title: r.Title, Text: r.Text, Source: r.Source, Position: r.Position}
	}
	return nodes, nil
}

// IsPoint reports whether code names a knowledge point.
func (s *Store) IsPoint(ctx context.Context, code string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&syllabusNode{}).Where("code = ? AND kind = ?", code, Point).Count(&n).Error
	return n > 0, err
}

// prepare normalizes and validates q against the stored syllabus.
func (s *Store) prepare(ctx context.Context, q *Question) error {
	q.Normalize()
	var lookupErr error
	err := q.Validate(func(code string) bool {
		ok, err := s.IsPoint(ctx, code)
		if err != nil {
			lookupErr = err
		}
		return ok
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

// body is the stored form of one question version: everything but its identity.
func body(q *Question) (string, error) {
	c := *q
	c.ID, c.Version, c.CenterID, c.PackKey, c.CreatedAt = 0, 0, 0, "", time.Time{}
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode question %d: %w", q.ID, err)
	}
	return string(b), nil
}

func contentHash(q *Question) (string, error) {
	b, err := body(q)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(b))
	return hex.EncodeToString(sum[:]), nil
}

// CreateQuestion validates q and stores it as version 1, filling ID, Version and
// CreatedAt. It returns a *errs.Error naming the field when q is invalid.
func (s *Store) CreateQuestion(ctx context.Context, q *Question, by int64) error {
	if err := s.prepare(ctx, q); err != nil {
		return err
	}
	return db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		return insertQuestion(tx, q, by, "", s.now())
	})
}

// insertQuestion stores q as version 1, made at now.
func insertQuestion(tx *gorm.DB, q *Question, by int64, packHash string, now time.Time) error {
	now = now.UTC()
	if err := saveFiles(tx, q, now); err != nil {
		return err
	}
	b, err := body(q)
	if err != nil {
		return err
	}
	row := questionRow{CenterID: q.CenterID, PackHash: packHash, Version: 1, Type: string(q.Type), Unit: q.Unit,
		Difficulty: q.Difficulty, Stem: q.Stem, Body: b, CreatedAt: now, UpdatedAt: now}
	if q.PackKey != "" {
		key := q.PackKey
		row.PackKey = &key
	}
	if err := tx.Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return errs.New(errs.Conflict, "题目 %s 已存在", q.PackKey)
		}
		return fmt.Errorf("insert question: %w", err)
	}
	if err := tx.Create(&questionVersionRow{QuestionID: row.ID, Version: 1, Body: b, CreatedBy: by, CreatedAt: now}).Error; err != nil {
		return fmt.Errorf("insert question version: %w", err)
	}
	q.ID, q.Version, q.CreatedAt = row.ID, 1, now
	return nil
}

// ImportQuestions validates qs and stores them all as version 1 in the given center (0:
// the shared bank), in one transaction: if any is invalid or any insert fails, nothing
// is stored. The error for an invalid question wraps its *errs.Error with its
// position ("第 3 题"). On success every question has its ID, Version and CreatedAt.
func (s *Store) ImportQuestions(ctx context.Context, qs []Question, center, by int64) error {
	now := s.now()
	return db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		var codes []string
		if err := tx.Model(&syllabusNode{}).Where("kind = ?", Point).Pluck("code", &codes).Error; err != nil {
			return fmt.Errorf("read knowledge points: %w", err)
		}
		points := make(map[string]bool, len(codes))
		for _, c := range codes {
			points[c] = true
		}
		for i := range qs {
			q := &qs[i]
			q.Normalize()
			q.CenterID = center
			if err := q.Validate(func(c string) bool { return points[c] }); err != nil {
				return fmt.Errorf("第 %d 题: %w", i+1, err)
			}
		}
		for i := range qs {
			if err := insertQuestion(tx, &qs[i], by, "", now); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateQuestion stores q as the next version of question q.ID. When expectVersion is not
// zero and the current version differs (someone else saved first), it returns ErrConflict
// and stores nothing. A deleted or unknown question is ErrNotFound.
func (s *Store) UpdateQuestion(ctx context.Context, q *Question, by int64, expectVersion int) error {
	if err := s.prepare(ctx, q); err != nil {
		return err
	}
	return db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		return updateQuestion(tx, q, by, expectVersion, nil, s.now())
	})
}

// updateQuestion stores the next version; packHash is the pack content it came from, or
// nil for an edit through the API (which leaves the recorded pack hash alone); the
// version is made at now.
func updateQuestion(tx *gorm.DB, q *Question, by int64, expectVersion int, packHash *string, now time.Time) error {
	var cur questionRow
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND deleted_at IS NULL", q.ID).Take(&cur).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errs.New(errs.NotFound, "题目 %d 不存在", q.ID)
	}
	if err != nil {
		return err
	}
	if expectVersion != 0 && expectVersion != cur.Version {
		return errs.New(errs.Conflict, "题目 %d 已被他人修改（当前为第 %d 版，而不是第 %d 版），请刷新后再编辑", q.ID, cur.Version, expectVersion)
	}
	now = now.UTC()
	if err := saveFiles(tx, q, now); err != nil {
		return err
	}
	b, err := body(q)
	if err != nil {
		return err
	}
	next := cur.Version + 1
	changes := map[string]any{
		"version": next, "type": string(q.Type), "unit": q.Unit, "difficulty": q.Difficulty,
		"stem": q.Stem, "body": b, "updated_at": now,
	}
	if packHash != nil {
		changes["pack_hash"] = *packHash
	}
	res := tx.Model(&questionRow{}).Where("id = ? AND version = ?", cur.ID, cur.Version).Updates(changes)
	if res.Error != nil {
		return fmt.Errorf("update question %d: %w", q.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return errs.New(errs.Conflict, "题目 %d 在保存时被他人修改，请刷新后再编辑", q.ID)
	}
	if err := tx.Create(&questionVersionRow{QuestionID: cur.ID, Version: next, Body: b, CreatedBy: by, CreatedAt: now}).Error; err != nil {
		return fmt.Errorf("insert question version: %w", err)
	}
	q.Version, q.CenterID, q.CreatedAt = next, cur.CenterID, now
	if cur.PackKey != nil {
		q.PackKey = *cur.PackKey
	}
	return nil
}

// DeleteQuestion retires a question: it leaves the bank, while attempts that used it keep
// reading their versions. An unknown or already deleted question is ErrNotFound.
func (s *Store) DeleteQuestion(ctx context.Context, id int64) error {
	now := s.now().UTC()
	res := s.db.WithContext(ctx).Model(&questionRow{}).Where("id = ? AND deleted_at IS NULL", id).
		Updates(map[string]any{"deleted_at": now, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("delete question %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.NotFound, "题目 %d 不存在", id)
	}
	return nil
}

func decodeQuestion(id int64, version int, centerID int64, packKey *string, b string, created time.Time) (*Question, error) {
	var q Question
	if err := json.Unmarshal([]byte(b), &q); err != nil {
		return nil, fmt.Errorf("question %d version %d: stored body: %w", id, version, err)
	}
	q.ID, q.Version, q.CenterID, q.CreatedAt = id, version, centerID, created
	if packKey != nil {
		q.PackKey = *packKey
	}
	if q.Type == TrueFalse {
		q.Options = slices.Clone(TrueFalseOptions)
	}
	return &q, nil
}

func (r *questionRow) question() (*Question, error) {
	return decodeQuestion(r.ID, r.Version, r.CenterID, r.PackKey, r.Body, r.UpdatedAt)
}

// Question returns the current version of a live question; ErrNotFound otherwise.
func (s *Store) Question(ctx context.Context, id int64) (*Question, error) {
	var r questionRow
	err := s.db.WithContext(ctx).Where("id = ? AND deleted_at IS NULL", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "题目 %d 不存在", id)
	}
	if err != nil {
		return nil, err
	}
	q, err := r.question()
	if err != nil {
		return nil, err
	}
	qs := []Question{*q}
	if err := s.calibrate(ctx, qs); err != nil {
		return nil, err
	}
	return &qs[0], nil
}

// QuestionVersion returns one version of a question, also of a deleted one: attempts
// keep what they were given. ErrNotFound if there is no such version.
func (s *Store) QuestionVersion(ctx context.Context, id int64, version int) (*Question, error) {
	var r struct {
		Body      string
		CreatedAt time.Time
		CenterID  int64
		PackKey   *string
	}
	err := s.db.WithContext(ctx).Table("question_versions v").
		Select("v.body, v.created_at, q.center_id, q.pack_key").Joins("JOIN questions q ON q.id = v.question_id").
		Where("v.question_id = ? AND v.version = ?", id, version).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "题目 %d 没有第 %d 版", id, version)
	}
	if err != nil {
		return nil, err
	}
	return decodeQuestion(id, version, r.CenterID, r.PackKey, r.Body, r.CreatedAt)
}

// QuestionVersions returns every version of a question, oldest first.
func (s *Store) QuestionVersions(ctx context.Context, id int64) ([]Question, error) {
	var head questionRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&head).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "题目 %d 不存在", id)
	}
	if err != nil {
		return nil, err
	}
	var rows []questionVersionRow
	if err := s.db.WithContext(ctx).Where("question_id = ?", id).Order("version").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Question, 0, len(rows))
	for _, r := range rows {
		q, err := decodeQuestion(id, r.Version, head.CenterID, head.PackKey, r.Body, r.CreatedAt)
		if err != nil {
			return nil, err
		}
		out = append(out, *q)
	}
	if err := s.calibrate(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// QuestionFilter selects bank questions. Centers lists whose questions are visible (the
// bundled bank is center 0); nil means every center's.
type QuestionFilter struct {
	Centers []int64
	Unit    string // a node code: its own questions and those of every node beneath it
	Type    Type
	// Difficulty 1–5 keeps that level only; 0 keeps all.
	Difficulty int
	Text       string // a substring of the stem
	Offset     int
	Limit      int
}

func (f QuestionFilter) apply(tx *gorm.DB) *gorm.DB {
	tx = tx.Where("deleted_at IS NULL")
	if f.Centers != nil {
		tx = tx.Where("center_id IN ?", f.Centers)
	}
	if f.Unit != "" {
		tx = tx.Where("(unit = ? OR unit LIKE ? ESCAPE '!')", f.Unit, db.EscapeLike(f.Unit)+".%")
	}
	if f.Type != "" {
		tx = tx.Where("type = ?", string(f.Type))
	}
	if f.Difficulty != 0 {
		tx = tx.Where("difficulty = ?", f.Difficulty)
	}
	if f.Text != "" {
		tx = tx.Where("stem LIKE ? ESCAPE '!'", "%"+db.EscapeLike(f.Text)+"%")
	}
	return tx
}

// ListQuestions returns one page of the current versions matching f, by id, and the
// number of all matches.
func (s *Store) ListQuestions(ctx context.Context, f QuestionFilter) ([]Question, int64, error) {
	var total int64
	if err := f.apply(s.db.WithContext(ctx).Model(&questionRow{})).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count questions: %w", err)
	}
	var rows []questionRow
	tx := f.apply(s.db.WithContext(ctx)).Order("id")
	if f.Limit > 0 {
		tx = tx.Offset(f.Offset).Limit(f.Limit)
	}
	if err := tx.Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list questions: %w", err)
	}
	out := make([]Question, 0, len(rows))
	for i := range rows {
		q, err := rows[i].question()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *q)
	}
	if err := s.calibrate(ctx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// PackResult counts what loading a pack did. Kept counts pack changes not applied because
// an administrator had edited the question.
type PackResult struct {
	Nodes, Added, Updated, Unchanged, Kept int
}

// LoadPack writes a bundled pack: the syllabus, then each question by its pack key. A
// question whose content is unchanged is left alone; a changed one becomes a new version.
// Loading the same pack twice changes nothing. Questions are validated first; the first
// invalid one stops the load before anything is written.
func (s *Store) LoadPack(ctx context.Context, nodes []Node, questions []Question) (PackResult, error) {
	res, now := PackResult{Nodes: len(nodes)}, s.now()
	if err := ValidateNodes(nodes); err != nil {
		return res, err
	}
	points := make(map[string]bool)
	for _, n := range nodes {
		if n.Kind == Point {
			points[n.Code] = true
		}
	}
	for i := range questions {
		q := &questions[i]
		q.Normalize()
		if q.PackKey == "" {
			return res, Invalid("key", "pack question %d has no key", i+1)
		}
		if err := q.Validate(func(c string) bool { return points[c] }); err != nil {
			return res, fmt.Errorf("pack question %s: %w", q.PackKey, err)
		}
	}
	err := db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		res = PackResult{Nodes: len(nodes)} // a run again after a deadlock counts afresh
		if err := (&Store{db: tx, now: s.now}).SaveSyllabus(ctx, nodes); err != nil {
			return err
		}
		var existing []questionRow
		if err := tx.Select("id, pack_key, pack_hash, version, deleted_at").Where("pack_key IS NOT NULL").Find(&existing).Error; err != nil {
			return err
		}
		byKey := make(map[string]questionRow, len(existing))
		for _, r := range existing {
			byKey[*r.PackKey] = r
		}
		for i := range questions {
			q := &questions[i]
			h, err := contentHash(q)
			if err != nil {
				return err
			}
			cur, ok := byKey[q.PackKey]
			switch {
			case !ok:
				if err := insertQuestion(tx, q, 0, h, now); err != nil {
					return err
				}
				res.Added++
			case cur.PackHash == h || cur.DeletedAt != nil:
				// Unchanged, or retired by an administrator: a pack edit does not revive it.
				res.Unchanged++
			default:
				// An administrator's edit through the API outranks the pack: keep it, and
				// remember this pack content so the question is not looked at again.
				var head questionVersionRow
				if err := tx.Select("created_by").Where("question_id = ? AND version = ?", cur.ID, cur.Version).Take(&head).Error; err != nil {
					return err
				}
				if head.CreatedBy != 0 {
					if err := tx.Model(&questionRow{}).Where("id = ?", cur.ID).Update("pack_hash", h).Error; err != nil {
						return err
					}
					res.Kept++
					continue
				}
				q.ID = cur.ID
				if err := updateQuestion(tx, q, 0, 0, &h, now); err != nil {
					return err
				}
				res.Updated++
			}
		}
		return nil
	})
	return res, err
}

// Bank returns the current version of every live question of the given centers (0 is
// the bundled bank), by id: the snapshot papers are assembled from.
func (s *Store) Bank(ctx context.Context, centers []int64) ([]Question, error) {
	items, _, err := s.ListQuestions(ctx, QuestionFilter{Centers: centers})
	return items, err
}

// BankRevision changes whenever any question is added, edited or retired, or an observed
// difficulty changes, so callers can keep a bank snapshot until it does.
func (s *Store) BankRevision(ctx context.Context) (string, error) {
	var r struct {
		N       int64
		MaxID   int64
		Changed *string // SQLite returns MAX of a time as text, MySQL as a time: compare as text
		// Calibrated moves when an observed difficulty changes, which assembly reads.
		Calibrated *string
	}
	err := s.db.WithContext(ctx).Model(&questionRow{}).
		Select("COUNT(*) AS n, COALESCE(MAX(id), 0) AS max_id, MAX(updated_at) AS changed, " +
			"(SELECT MAX(updated_at) FROM question_calibrations) AS calibrated").Scan(&r).Error
	if err != nil {
		return "", fmt.Errorf("bank revision: %w", err)
	}
	changed := ""
	if r.Changed != nil {
		changed = *r.Changed
	}
	calibrated := ""
	if r.Calibrated != nil {
		calibrated = *r.Calibrated
	}
	return fmt.Sprintf("%d/%d/%s/%s", r.N, r.MaxID, changed, calibrated), nil
}

// Ref names one version of one question.
type Ref struct {
	ID      int64
	Version int
}

// Versions loads the given question versions in one query; a missing one is ErrNotFound.
func (s *Store) Versions(ctx context.Context, refs []Ref) (map[Ref]*Question, error) {
	out := make(map[Ref]*Question, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(refs))
	for _, r := range refs {
		ids = append(ids, r.ID)
	}
	var rows []struct {
		QuestionID int64
		Version    int
		Body       string
		CreatedAt  time.Time
		CenterID   int64
		PackKey    *string
	}
	err := s.db.WithContext(ctx).Table("question_versions v").
		Select("v.question_id, v.version, v.body, v.created_at, q.center_id, q.pack_key").
		Joins("JOIN questions q ON q.id = v.question_id").Where("v.question_id IN ?", ids).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read question versions: %w", err)
	}
	want := make(map[Ref]bool, len(refs))
	for _, r := range refs {
		want[r] = true
	}
	for _, r := range rows {
		ref := Ref{r.QuestionID, r.Version}
		if !want[ref] {
			continue
		}
		q, err := decodeQuestion(r.QuestionID, r.Version, r.CenterID, r.PackKey, r.Body, r.CreatedAt)
		if err != nil {
			return nil, err
		}
		out[ref] = q
	}
	for _, r := range refs {
		if out[r] == nil {
			return nil, errs.New(errs.NotFound, "题目 %d 没有第 %d 版", r.ID, r.Version)
		}
	}
	return out, nil
}
