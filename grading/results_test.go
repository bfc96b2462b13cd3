package grading_test

import (
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
)

func resultLines(n int) []grading.ResultLine {
	at := time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC)
	lines := make([]grading.ResultLine, n)
	for i := range lines {
		res := &exam.Result{Score: content.Pts(61.5), MaxScore: content.Pts(100), Passed: true,
			Sections: []exam.ScoreLine{{Type: content.Multiple, Score: content.Pts(12)}, {Type: content.Single, Score: content.Pts(45.5)}, {Type: content.TrueFalse, Score: content.Pts(4)}}}
		for c := 1; c <= 8; c++ {
			res.Chapters = append(res.Chapters, exam.ScoreLine{Code: fmt.Sprintf("L2.%d", 9-c), Title: fmt.Sprintf("第%d章", 9-c), Score: content.Pts(7.5)})
		}
		if i == 1 { // a paper without true/false or the last chapter
			res.Sections, res.Chapters, res.Passed = res.Sections[:2], res.Chapters[1:], false
		}
		lines[i] = grading.NewResultLine(exam.FinalAttempt{ID: int64(i + 1), Title: "二级理论知识模拟", Status: exam.Graded,
			StartedAt: at, SubmittedAt: at.Add(80 * time.Minute), Result: res}, fmt.Sprintf("stu%03d", i), "考生", []string{"一班", "周末班"})
	}
	return lines
}

func TestResultsTable(t *testing.T) {
	t.Parallel()
	header, rows := grading.ResultsTable(resultLines(2))
	want := []string{"用户名", "姓名", "班级", "试卷", "开始时间", "提交时间", "得分", "满分", "是否合格", "切屏次数", "切换设备次数", "单项选择题", "判断题", "多项选择题",
		"L2.1 第1章", "L2.2 第2章", "L2.3 第3章", "L2.4 第4章", "L2.5 第5章", "L2.6 第6章", "L2.7 第7章", "L2.8 第8章"}
	if !slices.Equal(header, want) {
		t.Fatalf("header %q", header)
	}
	first := []string{"stu000", "考生", "一班、周末班", "二级理论知识模拟", "2026-11-23 09:30:00", "2026-11-23 10:50:00", "61.5", "100", "是", "0", "0", "45.5", "4", "12"}
	if !slices.Equal(rows[0][:len(first)], first) || rows[0][14] != "7.5" {
		t.Fatalf("row 0 %q", rows[0])
	}
	// Cells of sections and chapters a paper lacks stay empty, not 0.
	if rows[1][8] != "否" || rows[1][12] != "" || rows[1][13] != "12" || rows[1][21] != "" || rows[1][20] != "7.5" {
		t.Fatalf("row 1 %q", rows[1])
	}
	for _, r := range rows {
		if len(r) != len(header) {
			t.Fatalf("row of %d cells under %d columns", len(r), len(header))
		}
	}
	pending := resultLines(1)
	pending[0].Status = exam.PendingReview
	if _, rows := grading.ResultsTable(pending); rows[0][8] != "待评阅" {
		t.Fatalf("pending review: %q", rows[0][8])
	}
}

// BenchmarkResultsExport lays out 500 L2-theory results and writes them as CSV and XLSX.
func BenchmarkResultsExport(b *testing.B) {
	lines := resultLines(500)
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			grading.ResultsTable(lines)
		}
	})
	header, rows := grading.ResultsTable(lines)
	b.Run("csv", func(b *testing.B) {
		for b.Loop() {
			if err := format.WriteCSV(io.Discard, header, rows); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xlsx", func(b *testing.B) {
		for b.Loop() {
			if err := format.WriteXLSX(io.Discard, "成绩", header, rows); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// An admin exporting reports reads each as staff of the attempt's center; staff read as
// staff of their own, whatever the attempt says (the filter kept them there).
func TestReportReader(t *testing.T) {
	t.Parallel()
	a := exam.FinalAttempt{ID: 9, CenterID: 2}
	admin := &account.User{ID: 1, CenterID: 1, Role: account.Admin}
	if got := grading.ReportReader(admin, a); got != (exam.Viewer{UserID: 1, CenterID: 2, Staff: true}) {
		t.Errorf("admin reads as %+v", got)
	}
	for _, role := range []account.Role{account.Instructor, account.CenterAdmin} {
		staff := &account.User{ID: 3, CenterID: 1, Role: role}
		if got := grading.ReportReader(staff, a); got != (exam.Viewer{UserID: 3, CenterID: 1, Staff: true}) {
			t.Errorf("%s reads as %+v", role, got)
		}
	}
}
