package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// Columns of a candidate import sheet; English names are accepted too.
const (
	ColUsername = "用户名"
	ColName     = "姓名"
	ColPassword = "密码"
	ColCohort   = "班级"
)

var importColumns = map[string]string{
	ColUsername: ColUsername, "username": ColUsername,
	ColName: ColName, "name": ColName,
	ColPassword: ColPassword, "password": ColPassword,
	ColCohort: ColCohort, "cohort": ColCohort,
}

// MaxImportRows bounds one import file.
const MaxImportRows = 2000

// ImportRow is one candidate to create. Row is its line in the sheet (the header is 1).
type ImportRow struct {
	Row      int
	Username string
	Name     string
	Password string // empty: generate one
	Cohort   string // empty: none; a missing cohort is created
}

// GeneratedPassword is a password the import made up, shown once.
type GeneratedPassword struct {
	Row      int    `json:"row"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// ImportReport is what an import did, or (with errors, or on a dry run) would do.
type ImportReport struct {
	Imported  int                 `json:"imported"`
	Valid     int                 `json:"valid"`
	DryRun    bool                `json:"dry_run,omitempty"`
	Errors    []content.RowError  `json:"errors"`
	Passwords []GeneratedPassword `json:"passwords"`
}

// ParseImport reads a sheet (header row first) into rows, checking each field on its
// own. Blank lines are skipped. It is pure: checks against the database come later.
func ParseImport(sheet [][]string) ([]ImportRow, []content.RowError) {
	if len(sheet) == 0 {
		return nil, []content.RowError{{Row: 1, Field: ColUsername, Message: "文件是空的：第一行应为表头 用户名, 姓名, 密码, 班级"}}
	}
	col := map[string]int{}
	for i, h := range sheet[0] {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			continue
		}
		name, ok := importColumns[strings.ToLower(h)]
		if !ok {
			return nil, []content.RowError{{Row: 1, Field: h, Message: fmt.Sprintf("未知的列 %q：表头应为 用户名, 姓名, 密码, 班级", h)}}
		}
		col[name] = i
	}
	if _, ok := col[ColUsername]; !ok {
		return nil, []content.RowError{{Row: 1, Field: ColUsername, Message: "表头缺少 用户名 列"}}
	}
	cell := func(r []string, name string) string {
		if i, ok := col[name]; ok && i < len(r) {
			return strings.TrimSpace(r[i])
		}
		return ""
	}
	var rows []ImportRow
	var problems []content.RowError
	seen := map[string]int{}
	for i, r := range sheet[1:] {
		n := i + 2
		if !slices.ContainsFunc(r, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		row := ImportRow{Row: n, Username: cell(r, ColUsername), Name: cell(r, ColName), Password: cell(r, ColPassword), Cohort: cell(r, ColCohort)}
		bad := func(field, format string, args ...any) {
			problems = append(problems, content.RowError{Row: n, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		switch first, dup := seen[strings.ToLower(row.Username)]; {
		case !usernamePattern.MatchString(row.Username):
			bad(ColUsername, "用户名需 2–64 位，由字母、数字和 . _ @ - 组成，且以字母或数字开头")
		case dup:
			bad(ColUsername, "用户名 %s 与第 %d 行重复", row.Username, first)
		default:
			seen[strings.ToLower(row.Username)] = n
		}
		if utf8.RuneCountInString(row.Name) > 64 {
			bad(ColName, "姓名不能超过 64 个字")
		}
		if row.Password != "" {
			var ve *errs.Error
			if errors.As(CheckPassword(row.Password, row.Username), &ve) {
				bad(ColPassword, "%s", ve.Message)
			}
		}
		if utf8.RuneCountInString(row.Cohort) > 64 {
			bad(ColCohort, "班级名称不能超过 64 个字")
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, content.RowError{Row: 2, Field: ColUsername, Message: "文件中没有考生"})
	}
	if len(rows) > MaxImportRows {
		problems = append(problems, content.RowError{Row: rows[MaxImportRows].Row, Field: ColUsername, Message: fmt.Sprintf("一次最多导入 %d 名考生", MaxImportRows)})
	}
	return rows, problems
}

// ImportCandidates creates the candidates of rows in actor's center, all or none, in one
// transaction: rows with errors (parse errors, usernames already taken) or a dry run
// create nothing and report what is wrong. Missing passwords are generated and reported
// once; a named cohort is created if the center lacks it. Passwords are hashed in
// parallel, bounded by the CPUs. Only center admins and admins may import
// (ErrForbidden).
func (s *Store) ImportCandidates(ctx context.Context, actor *User, rows []ImportRow, parseErrs []content.RowError, dryRun bool) (*ImportReport, error) {
	if !actor.mayGrant(Candidate) {
		return nil, errMayNotManage
	}
	rep := &ImportReport{DryRun: dryRun, Errors: parseErrs, Passwords: []GeneratedPassword{}}
	taken, err := s.takenUsernames(ctx, rows)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if taken[r.Username] {
			rep.Errors = append(rep.Errors, content.RowError{Row: r.Row, Field: ColUsername, Message: fmt.Sprintf("用户名 %s 已被使用", r.Username)})
		}
	}
	slices.SortStableFunc(rep.Errors, func(a, b content.RowError) int { return a.Row - b.Row })
	if rep.Errors == nil {
		rep.Errors = []content.RowError{}
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	rep.Valid = len(rows)
	if dryRun {
		return rep, nil
	}
	for i := range rows {
		if rows[i].Password == "" {
			rows[i].Password = GeneratePassword()
			rep.Passwords = append(rep.Passwords, GeneratedPassword{Row: rows[i].Row, Username: rows[i].Username, Password: rows[i].Password})
		}
	}
	hashes, err := hashAll(rows)
	if err != nil {
		return nil, err
	}
	center := &Center{ID: actor.CenterID, Code: actor.Center}
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		cohorts := map[string]int64{}
		for i, r := range rows {
			u, err := s.insertUser(tx, center, NewUser{Username: r.Username, Name: r.Name, Role: Candidate, Center: center.Code}, hashes[i])
			if err != nil {
				return errs.Within(err, "第 %d 行", r.Row)
			}
			if r.Cohort == "" {
				continue
			}
			id, ok := cohorts[r.Cohort]
			if !ok {
				if id, err = s.ensureCohort(tx, center.ID, r.Cohort); err != nil {
					return err
				}
				cohorts[r.Cohort] = id
			}
			if err := addMembers(tx, id, []int64{u.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Imported = len(rows)
	return rep, nil
}

func (s *Store) takenUsernames(ctx context.Context, rows []ImportRow) (map[string]bool, error) {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.Username
	}
	taken := map[string]bool{}
	for chunk := range slices.Chunk(names, 500) {
		var found []string
		if err := s.db.WithContext(ctx).Model(&userRow{}).Where("username IN ?", chunk).Pluck("username", &found).Error; err != nil {
			return nil, wrapf(err, "check usernames")
		}
		for _, n := range found {
			taken[n] = true
		}
	}
	return taken, nil
}

// hashAll hashes every row's password, one worker per CPU.
func hashAll(rows []ImportRow) ([]string, error) {
	hashes := make([]string, len(rows))
	problems := make([]error, len(rows))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				hashes[i], problems[i] = HashPassword(rows[i].Password)
			}
		})
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return hashes, errors.Join(problems...)
}

// ensureCohort returns the id of the center's cohort called name, creating it if missing.
func (s *Store) ensureCohort(tx *gorm.DB, center int64, name string) (int64, error) {
	var row cohortRow
	err := tx.Where("center_id = ? AND name = ?", center, name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = cohortRow{CenterID: center, Name: name, CreatedAt: s.now().UTC()}
		err = tx.Create(&row).Error
	}
	if err != nil {
		return 0, wrapf(err, "cohort %s", name)
	}
	return row.ID, nil
}
