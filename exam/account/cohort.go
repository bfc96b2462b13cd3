package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Cohort is a class (班级) of candidates in one center; exams are assigned to cohorts.
type Cohort struct {
	ID        int64     `json:"id"`
	CenterID  int64     `json:"-"`
	Name      string    `json:"name"`
	Members   int       `json:"members"`
	CreatedAt time.Time `json:"created_at"`
}

type cohortRow struct {
	ID        int64 `gorm:"primaryKey"`
	CenterID  int64
	Name      string
	CreatedAt time.Time
}

func (cohortRow) TableName() string { return "cohorts" }

type memberRow struct {
	CohortID int64 `gorm:"primaryKey"`
	UserID   int64 `gorm:"primaryKey"`
}

func (memberRow) TableName() string { return "cohort_members" }

func checkCohortName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return "", content.Invalid("name", "班级名称需 1–64 个字")
	}
	return name, content.CheckLine("name", name)
}

func cohortConflict(name string) error {
	return errs.New(errs.Conflict, "本中心已有名为 %s 的班级", name)
}

// CreateCohort makes a cohort in actor's center. A name the center already uses is
// ErrConflict.
func (s *Store) CreateCohort(ctx context.Context, actor *User, name string) (*Cohort, error) {
	name, err := checkCohortName(name)
	if err != nil {
		return nil, err
	}
	row := cohortRow{CenterID: actor.CenterID, Name: name, CreatedAt: s.now().UTC()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, cohortConflict(name)
		}
		return nil, wrapf(err, "create cohort")
	}
	return &Cohort{ID: row.ID, CenterID: row.CenterID, Name: row.Name, CreatedAt: row.CreatedAt}, nil
}

// cohortsQuery selects cohorts with their member counts.
func (s *Store) cohortsQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("cohorts k").
		Select("k.id, k.center_id, k.name, k.created_at, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = k.id) AS members")
}

// Cohorts lists the cohorts of actor's center by name.
func (s *Store) Cohorts(ctx context.Context, actor *User) ([]Cohort, error) {
	out := []Cohort{}
	if err := s.cohortsQuery(ctx).Where("k.center_id = ?", actor.CenterID).Order("k.name").Find(&out).Error; err != nil {
		return nil, wrapf(err, "list cohorts")
	}
	return out, nil
}

// Cohort returns cohort id if actor may see it; another center's is ErrNotFound.
func (s *Store) Cohort(ctx context.Context, actor *User, id int64) (*Cohort, error) {
	var k Cohort
	err := s.cohortsQuery(ctx).Where("k.id = ?", id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !actor.SeesCenter(k.CenterID) {
		return nil, errs.New(errs.NotFound, "班级 %d 不存在", id)
	}
	if err != nil {
		return nil, wrapf(err, "cohort %d", id)
	}
	return &k, nil
}

// RenameCohort renames cohort id; errors as Cohort and CreateCohort.
func (s *Store) RenameCohort(ctx context.Context, actor *User, id int64, name string) (*Cohort, error) {
	k, err := s.Cohort(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if k.Name, err = checkCohortName(name); err != nil {
		return nil, err
	}
	if err := s.db.WithContext(ctx).Model(&cohortRow{}).Where("id = ?", id).Update("name", k.Name).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, cohortConflict(k.Name)
		}
		return nil, wrapf(err, "rename cohort %d", id)
	}
	return k, nil
}

// CohortAssignments is what deleting a cohort asks the exam domain, which keeps the
// assignments: CheckCohortUnassigned returns ErrConflict while cohort has any, since
// they would lose their candidates with it. exam's Service is one; account takes it as
// an interface because exam imports account, not the other way round.
type CohortAssignments interface {
	CheckCohortUnassigned(ctx context.Context, cohort int64) error
}

// DeleteCohort deletes cohort id and its memberships (not the accounts). Another
// center's cohort is ErrNotFound; a cohort that still has assignments (asked of
// assignments) is ErrConflict and is kept.
func (s *Store) DeleteCohort(ctx context.Context, actor *User, id int64, assignments CohortAssignments) error {
	if _, err := s.Cohort(ctx, actor, id); err != nil {
		return err
	}
	if err := assignments.CheckCohortUnassigned(ctx, id); err != nil {
		return err
	}
	return db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := tx.Where("cohort_id = ?", id).Delete(&memberRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", id).Delete(&cohortRow{}).Error
	})
}

// MemberRef names a user by id or by username, as a client sends it.
type MemberRef struct {
	ID       int64
	Username string
}

func (r MemberRef) String() string {
	if r.Username != "" {
		return r.Username
	}
	return fmt.Sprint(r.ID)
}

// ChangeMembers adds and removes members of cohort id in one transaction. Only
// candidates of the cohort's center can be members; a reference to anyone else is a
// *errs.Error naming "add[i]" or "remove[i]". Adding a member twice or
// removing a non-member changes nothing.
func (s *Store) ChangeMembers(ctx context.Context, actor *User, id int64, add, remove []MemberRef) (*Cohort, error) {
	k, err := s.Cohort(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		addIDs, err := s.resolveMembers(tx, k.CenterID, "add", add)
		if err != nil {
			return err
		}
		removeIDs, err := s.resolveMembers(tx, k.CenterID, "remove", remove)
		if err != nil {
			return err
		}
		if len(removeIDs) > 0 {
			if err := tx.Where("cohort_id = ? AND user_id IN ?", id, removeIDs).Delete(&memberRow{}).Error; err != nil {
				return err
			}
		}
		return addMembers(tx, id, addIDs)
	})
	if err != nil {
		return nil, err
	}
	return s.Cohort(ctx, actor, id)
}

func addMembers(tx *gorm.DB, cohort int64, users []int64) error {
	if len(users) == 0 {
		return nil
	}
	rows := make([]memberRow, len(users))
	for i, u := range users {
		rows[i] = memberRow{CohortID: cohort, UserID: u}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
}

// resolveMembers turns refs into ids of candidates of center, naming the first bad one.
func (s *Store) resolveMembers(tx *gorm.DB, center int64, field string, refs []MemberRef) ([]int64, error) {
	ids := make([]int64, 0, len(refs))
	for i, r := range refs {
		var row userRow
		q := tx.Select("id, role").Where("center_id = ?", center)
		if r.Username != "" {
			q = q.Where("username = ?", r.Username)
		} else {
			q = q.Where("id = ?", r.ID)
		}
		err := q.Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, content.Invalid(fmt.Sprintf("%s[%d]", field, i), "本中心没有用户 %s", r)
		}
		if err != nil {
			return nil, err
		}
		if Role(row.Role) != Candidate {
			return nil, content.Invalid(fmt.Sprintf("%s[%d]", field, i), "%s 不是考生，不能加入班级", r)
		}
		ids = append(ids, row.ID)
	}
	return ids, nil
}

// Members lists the members of cohort id by username.
func (s *Store) Members(ctx context.Context, actor *User, id int64) ([]User, error) {
	if _, err := s.Cohort(ctx, actor, id); err != nil {
		return nil, err
	}
	users, _, err := s.ListUsers(ctx, actor, UserFilter{Cohort: id, Limit: 10000})
	return users, err
}

// CohortsOf returns the ids of the cohorts user belongs to.
func (s *Store) CohortsOf(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&memberRow{}).Where("user_id = ?", userID).Order("cohort_id").Pluck("cohort_id", &ids).Error
	return ids, err
}

// CohortNames maps each of users to the names of their cohorts, for result tables.
func (s *Store) CohortNames(ctx context.Context, users []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	for chunk := range slices.Chunk(users, 500) {
		var rows []struct {
			UserID int64
			Name   string
		}
		if err := s.db.WithContext(ctx).Table("cohort_members m").Select("m.user_id, k.name").
			Joins("JOIN cohorts k ON k.id = m.cohort_id").Where("m.user_id IN ?", chunk).Order("k.name").Find(&rows).Error; err != nil {
			return nil, wrapf(err, "cohort names")
		}
		for _, r := range rows {
			out[r.UserID] = append(out[r.UserID], r.Name)
		}
	}
	return out, nil
}

// Users returns users by id, for result tables; missing ids are left out.
func (s *Store) Users(ctx context.Context, ids []int64) (map[int64]User, error) {
	out := make(map[int64]User, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var rows []struct {
			Row        userRow `gorm:"embedded"`
			CenterCode string
		}
		if err := s.db.WithContext(ctx).Table("users u").Select("u.*, c.code AS center_code").
			Joins("JOIN centers c ON c.id = u.center_id").Where("u.id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, wrapf(err, "users")
		}
		for i := range rows {
			out[rows[i].Row.ID] = *rows[i].Row.user(rows[i].CenterCode)
		}
	}
	return out, nil
}
