package exam_test

import (
	"reflect"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// TestPreviewPaperCoverage: a sample paper counts every question and point once by
// chapter, by type and by difficulty, draws the same paper for the same seed, and a draft
// the bank cannot fill previews its shortages and no paper.
func TestPreviewPaperCoverage(t *testing.T) {
	t.Parallel()
	var bank []content.Question
	for i := range 12 {
		unit := []string{"JC.1.1", "JC.2.1", "L2.3.1"}[i%3]
		typ := content.Single
		if i >= 8 {
			typ = content.TrueFalse
		}
		bank = append(bank, content.Question{ID: int64(i + 1), Version: 1, Type: typ, Unit: unit, Difficulty: 1 + i%5, Stem: "题"})
	}
	titles := map[string]string{"JC.1": "基础一", "JC.2": "基础二", "L2.3": "客户信息管理"}
	bp := exam.Blueprint{Code: "preview", Title: "预览", Mode: exam.ModeExam, DurationS: 60,
		Sections: []exam.Section{{Type: content.Single, Count: 6, PointsEach: 100}, {Type: content.TrueFalse, Count: 3, PointsEach: 50}}}
	bp.Normalize()
	p, err := exam.PreviewPaper(bank, titles, bp, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Feasible || p.MaxScore != 750 || len(p.Sections) != 2 || len(p.Sections[0].Questions) != 6 || len(p.Sections[1].Questions) != 3 {
		t.Fatalf("preview %+v", p)
	}
	for name, rows := range map[string][]exam.CoverageRow{"chapters": p.Coverage.Chapters, "types": p.Coverage.Types, "difficulties": p.Coverage.Difficulties} {
		n, pts := 0, content.Points(0)
		for _, r := range rows {
			if r.Title == "" || r.Count == 0 {
				t.Errorf("%s: row %+v", name, r)
			}
			n, pts = n+r.Count, pts+r.Points
		}
		if n != 9 || pts != 750 {
			t.Errorf("%s count %d questions, %s points", name, n, pts)
		}
	}
	if got := p.Coverage.Types; got[0].Title != "单项选择题" || got[0].Points != 600 || got[1].Points != 150 {
		t.Errorf("by type %+v", got)
	}
	if c := p.Coverage.Chapters; c[0].Key != "JC.1" || c[0].Title != "基础一" {
		t.Errorf("chapters not in code order with titles: %+v", c)
	}
	again, _ := exam.PreviewPaper(bank, titles, bp, 3)
	if !reflect.DeepEqual(p, again) {
		t.Error("the same seed previewed another paper")
	}

	bp.Sections[1].Count = 5
	short, err := exam.PreviewPaper(bank, titles, bp, 3)
	if err != nil || short.Feasible || len(short.Sections) != 0 || len(short.Shortages) != 1 || short.Shortages[0].Message != "判断题：需要 5 道，范围内只有 4 道" {
		t.Fatalf("an unfillable draft: %+v %v", short, err)
	}
}
