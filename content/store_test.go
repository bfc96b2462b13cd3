package content_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

var testNodes = []content.Node{
	{Code: "JC", Kind: content.Level, Title: "基础知识"},
	{Code: "JC.1", Parent: "JC", Kind: content.Chapter, Title: "客户服务概述"},
	{Code: "JC.1.1", Parent: "JC.1", Kind: content.Section, Title: "客户服务的特点"},
	{Code: "JC.1.1.1", Parent: "JC.1.1", Kind: content.Point, Title: "五个特点", Text: "层次性、系统性、及时性、多样性、变革性。"},
	{Code: "JC.2", Parent: "JC", Kind: content.Chapter, Title: "客户服务部门和个人"},
	{Code: "JC.2.1", Parent: "JC.2", Kind: content.Section, Title: "客户服务管理师"},
	{Code: "JC.2.1.1", Parent: "JC.2.1", Kind: content.Point, Title: "定义"},
}

func newStore(t testing.TB, dsn string) *content.Store {
	t.Helper()
	g := dbtest.Open(t, dsn)
	if err := content.Migrate(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	s := content.NewStore(g, time.Now)
	if err := s.SaveSyllabus(context.Background(), testNodes); err != nil {
		t.Fatal(err)
	}
	return s
}

func single(stem, unit string) *content.Question {
	return &content.Question{Type: content.Single, Stem: stem, Unit: unit, Difficulty: 2,
		Options: []content.Option{{Key: "A", Text: "层次性"}, {Key: "B", Text: "垄断性"}}, Answer: []string{"B"},
		Explanation: "垄断性不是客户服务的特点。", Source: "000"}
}

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		ctx := context.Background()
		for range 2 {
			if err := content.Migrate(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		if v, err := db.Version(ctx, g, "content"); err != nil || v != 3 { // the newest step
			t.Fatalf("version = %d, %v", v, err)
		}
		if db.DialectOf(g) == db.MySQL {
			var collation string
			g.Raw("SELECT table_collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'questions'").Scan(&collation)
			if collation != "utf8mb4_bin" {
				t.Fatalf("questions collation %q, want utf8mb4_bin whatever the database default", collation)
			}
		}
	})
}

func TestSyllabusRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		// Saving again, with one title changed, updates in place.
		nodes := append([]content.Node(nil), testNodes...)
		nodes[3].Title = "客户服务的五个特点"
		if err := s.SaveSyllabus(ctx, nodes); err != nil {
			t.Fatal(err)
		}
		got, err := s.Syllabus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(testNodes) {
			t.Fatalf("%d nodes, want %d", len(got), len(testNodes))
		}
		for i := range got {
			if got[i].Code != nodes[i].Code || got[i].Title != nodes[i].Title || got[i].Text != nodes[i].Text {
				t.Fatalf("node %d = %+v, want %+v", i, got[i], nodes[i])
			}
		}
		if ok, _ := s.IsPoint(ctx, "JC.1.1.1"); !ok {
			t.Error("JC.1.1.1 is a point")
		}
		if ok, _ := s.IsPoint(ctx, "JC.1.1"); ok {
			t.Error("JC.1.1 is a section, not a point")
		}
	})
}

func TestQuestionVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		q := single("客户服务的特点不包括（ ）。", "JC.1.1.1")
		if err := s.CreateQuestion(ctx, q, 7); err != nil {
			t.Fatal(err)
		}
		if q.ID == 0 || q.Version != 1 {
			t.Fatalf("created %d v%d", q.ID, q.Version)
		}
		edit := single("下列哪一项不是客户服务的特点？", "JC.1.1.1")
		edit.ID = q.ID
		if err := s.UpdateQuestion(ctx, edit, 7, 1); err != nil {
			t.Fatal(err)
		}
		if edit.Version != 2 {
			t.Fatalf("version after edit = %d", edit.Version)
		}
		// A second editor who started from version 1 is told, not silently overwritten.
		stale := single("过时的修改", "JC.1.1.1")
		stale.ID = q.ID
		if err := s.UpdateQuestion(ctx, stale, 8, 1); !errors.Is(err, content.ErrConflict) {
			t.Fatalf("stale edit: %v", err)
		}
		cur, err := s.Question(ctx, q.ID)
		if err != nil || cur.Version != 2 || cur.Stem != edit.Stem {
			t.Fatalf("current = %+v, %v", cur, err)
		}
		v1, err := s.QuestionVersion(ctx, q.ID, 1)
		if err != nil || v1.Stem != q.Stem || v1.Answer[0] != "B" || len(v1.Options) != 2 {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}
		all, err := s.QuestionVersions(ctx, q.ID)
		if err != nil || len(all) != 2 || all[0].Version != 1 || all[1].Version != 2 {
			t.Fatalf("versions = %+v, %v", all, err)
		}
		if _, err := s.QuestionVersion(ctx, q.ID, 3); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("v3: %v", err)
		}
		// Retired: gone from the bank, its versions still readable for attempts.
		if err := s.DeleteQuestion(ctx, q.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Question(ctx, q.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("deleted question: %v", err)
		}
		if _, err := s.QuestionVersion(ctx, q.ID, 1); err != nil {
			t.Fatalf("version of a deleted question: %v", err)
		}
		if err := s.DeleteQuestion(ctx, q.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		edit.ID = 999999
		if err := s.UpdateQuestion(ctx, edit, 7, 0); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("update unknown: %v", err)
		}
	})
}

func TestInvalidQuestionStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		q := single("不存在的知识点", "JC.9.9.9")
		var ve *content.ValidationError
		if err := s.CreateQuestion(ctx, q, 1); !errors.As(err, &ve) || ve.Field != "unit" {
			t.Fatalf("err = %v", err)
		}
		if _, n, _ := s.ListQuestions(ctx, content.QuestionFilter{}); n != 0 {
			t.Fatalf("%d questions stored", n)
		}
	})
}

func TestListQuestionsFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		mk := func(stem, unit string, center int64) {
			q := single(stem, unit)
			q.CenterID = center
			if err := s.CreateQuestion(ctx, q, 1); err != nil {
				t.Fatal(err)
			}
		}
		mk("特点一", "JC.1.1.1", 0)
		mk("特点二 100%满意", "JC.1.1.1", 0)
		mk("管理师的定义", "JC.2.1.1", 0)
		mk("中心甲的私有题", "JC.2.1.1", 5)
		mk("中心乙的私有题", "JC.2.1.1", 6)
		tf := &content.Question{Type: content.TrueFalse, Stem: "判断一下", Unit: "JC.1.1.1", Difficulty: 1, Answer: []string{"T"}}
		if err := s.CreateQuestion(ctx, tf, 1); err != nil {
			t.Fatal(err)
		}
		count := func(f content.QuestionFilter) int64 {
			_, n, err := s.ListQuestions(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		checks := []struct {
			name string
			f    content.QuestionFilter
			want int64
		}{
			{"all", content.QuestionFilter{}, 6},
			{"center 5 sees bundled and own", content.QuestionFilter{Centers: []int64{0, 5}}, 5},
			{"chapter includes its points", content.QuestionFilter{Unit: "JC.1"}, 3},
			{"point", content.QuestionFilter{Unit: "JC.2.1.1", Centers: []int64{0}}, 1},
			{"prefix is not a code", content.QuestionFilter{Unit: "JC.1.1.1.", Centers: []int64{0}}, 0},
			{"type", content.QuestionFilter{Type: content.TrueFalse}, 1},
			{"text", content.QuestionFilter{Text: "特点"}, 2},
			{"percent is literal", content.QuestionFilter{Text: "0%满"}, 1},
			{"underscore is literal", content.QuestionFilter{Text: "_"}, 0},
		}
		for _, c := range checks {
			if got := count(c.f); got != c.want {
				t.Errorf("%s: %d, want %d", c.name, got, c.want)
			}
		}
		page, total, err := s.ListQuestions(ctx, content.QuestionFilter{Offset: 2, Limit: 2})
		if err != nil || total != 6 || len(page) != 2 || page[0].Stem != "管理师的定义" {
			t.Fatalf("page = %+v, total %d, %v", page, total, err)
		}
	})
}

func TestLoadPackIsIdempotentAndVersionsChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		pack := func(stem string) []content.Question {
			q := single(stem, "JC.1.1.1")
			q.PackKey = "JC.1.1.1-01"
			q2 := single("第二题", "JC.2.1.1")
			q2.PackKey = "JC.2.1.1-01"
			return []content.Question{*q, *q2}
		}
		res, err := s.LoadPack(ctx, testNodes, pack("原题干"))
		if err != nil || res.Added != 2 {
			t.Fatalf("first load: %+v, %v", res, err)
		}
		res, err = s.LoadPack(ctx, testNodes, pack("原题干"))
		if err != nil || res.Unchanged != 2 || res.Added+res.Updated != 0 {
			t.Fatalf("second load: %+v, %v", res, err)
		}
		res, err = s.LoadPack(ctx, testNodes, pack("改过的题干"))
		if err != nil || res.Updated != 1 || res.Unchanged != 1 {
			t.Fatalf("changed load: %+v, %v", res, err)
		}
		items, _, _ := s.ListQuestions(ctx, content.QuestionFilter{Text: "题干"})
		if len(items) != 1 || items[0].Version != 2 || items[0].PackKey != "JC.1.1.1-01" {
			t.Fatalf("after change: %+v", items)
		}
		if v1, err := s.QuestionVersion(ctx, items[0].ID, 1); err != nil || v1.Stem != "原题干" {
			t.Fatalf("v1 = %+v, %v", v1, err)
		}
		// An administrator's edit survives the next start, even when the pack changes too.
		admin := single("管理员修订的题干", "JC.1.1.1")
		admin.ID = items[0].ID
		if err := s.UpdateQuestion(ctx, admin, 42, 0); err != nil {
			t.Fatal(err)
		}
		for _, stem := range []string{"改过的题干", "包又改了一次"} {
			res, err = s.LoadPack(ctx, testNodes, pack(stem))
			if err != nil || res.Updated != 0 {
				t.Fatalf("reload over an admin edit: %+v, %v", res, err)
			}
		}
		if cur, _ := s.Question(ctx, admin.ID); cur.Stem != "管理员修订的题干" || cur.Version != 3 {
			t.Fatalf("admin edit lost: %q v%d", cur.Stem, cur.Version)
		}
		// An invalid pack question stops the load before anything is written.
		bad := pack("又改了")
		bad[1].Difficulty = 9
		if _, err := s.LoadPack(ctx, testNodes, bad); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("bad pack: %v", err)
		}
		if items, _, _ := s.ListQuestions(ctx, content.QuestionFilter{Text: "又改了"}); len(items) != 0 {
			t.Fatal("a failed pack load wrote a question")
		}
	})
}

func TestImportQuestionsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		bad := single("第二题", "JC.9.9.9")
		qs := []content.Question{*single("第一题", "JC.1.1.1"), *bad}
		err := s.ImportQuestions(ctx, qs, 7, 1)
		var ve *content.ValidationError
		if !errors.As(err, &ve) || ve.Field != "unit" || !strings.Contains(err.Error(), "第 2 题") {
			t.Fatalf("invalid second question: %v", err)
		}
		if items, total, _ := s.ListQuestions(ctx, content.QuestionFilter{}); total != 0 {
			t.Fatalf("half-imported: %+v", items)
		}
		qs = []content.Question{*single("第一题", "JC.1.1.1"), *single("第二题", "JC.2.1.1")}
		if err := s.ImportQuestions(ctx, qs, 7, 1); err != nil {
			t.Fatal(err)
		}
		items, total, err := s.ListQuestions(ctx, content.QuestionFilter{Centers: []int64{7}})
		if err != nil || total != 2 || items[1].Stem != "第二题" || items[1].Version != 1 || items[1].CenterID != 7 || qs[1].ID != items[1].ID {
			t.Fatalf("imported %+v, %v", items, err)
		}
		vs, err := s.QuestionVersions(ctx, qs[0].ID)
		if err != nil || len(vs) != 1 {
			t.Fatalf("versions %v %v", vs, err)
		}
	})
}

// TestStoreReadsItsClock: versions are stamped with the injected clock, not the machine's.
func TestStoreReadsItsClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		ctx := context.Background()
		if err := content.Migrate(ctx, g); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
		s := content.NewStore(g, func() time.Time { return at })
		if err := s.SaveSyllabus(ctx, testNodes); err != nil {
			t.Fatal(err)
		}
		q := single("客户服务的特点不包括（ ）。", "JC.1.1.1")
		if err := s.CreateQuestion(ctx, q, 7); err != nil {
			t.Fatal(err)
		}
		got, err := s.Question(ctx, q.ID)
		if err != nil || !q.CreatedAt.Equal(at) || !got.CreatedAt.Equal(at) {
			t.Fatalf("created at %v (stored %v, %v), want %v", q.CreatedAt, got, err, at)
		}
	})
}

// TestShortAnswerRoundTrip: a 问题 (case of form short, no material) is stored and read
// back with its form, from the current and the versioned copy alike.
func TestShortAnswerRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		q := &content.Question{Type: content.Case, Form: content.Short, Stem: "问题", Unit: "JC.1.1.1", Difficulty: 3,
			Parts: []content.CasePart{{Prompt: "客户服务有哪些特点？", Points: content.Pts(5), Reference: "层次性、系统性……",
				Rubric: []content.RubricPoint{{Point: "特点", Score: content.Pts(5), Keywords: []string{"层次性"}}}}}}
		if err := s.CreateQuestion(ctx, q, 1); err != nil {
			t.Fatal(err)
		}
		cur, err := s.Question(ctx, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		old, err := s.QuestionVersion(ctx, q.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []*content.Question{cur, old} {
			if got.Form != content.Short || got.CaseForm() != content.Short || got.Material != "" {
				t.Fatalf("read back form %q material %q, want short and none", got.Form, got.Material)
			}
		}
	})
}
