package format

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// publishedFile is a file kept as test data and the verdict on each of its questions.
type publishedFile struct {
	format, path string // path under testdata
	verdicts     []verdict
}

// publishedFiles are the files of other systems kept as test data, with their licences
// beside them: Moodle 4.5's importer fixtures (testdata/moodle), 1EdTech's QTI sample
// items (testdata/qti/samples) and sheets in the layouts of Chinese exam systems
// (testdata/templates: our questions in their columns). TestPublishedFiles reads each.
var publishedFiles = []publishedFile{
	{"GIFT", "moodle/gift_questions.gift", []verdict{
		{row: 2, reason: "不支持的题型：论述题"},
		{row: 5, reason: "不支持的题型：匹配题"},
		{row: 14, key: "A"},
		{row: 22, key: "AC"},
		{row: 31, reason: "不支持的题型：数值题"},
		{row: 34, reason: "不支持的题型：填空/简答题"},
		{row: 41, key: "F"},
		{row: 46, key: "T"},
		{row: 49, repeat: true},
	}},
	{"GIFT", "moodle/gift_questions_in_category.gift", []verdict{
		{row: 5, reason: "不支持的题型：匹配题"},
		{row: 14, reason: "本题含音频/视频"}, // a link to an mp3 to listen to
		{row: 22, reason: "不支持的题型：填空/简答题"},
		{row: 27, key: "T"},
	}},
	{"Aiken", "moodle/aiken_questions.txt", []verdict{{row: 1, key: "B"}, {row: 8, key: "A"}}},
	{"Aiken", "moodle/aiken_errors.txt", []verdict{
		{row: 1, reason: "选择题至少要有 2 个选项"},
		{row: 5, reason: "缺少答案行"},
		{row: 7, reason: "ANSWER 前面没有题目"},
		{row: 9, key: "A"},
		{row: 14, reason: "缺少答案行"},
		{row: 18, key: "B"},
	}},
	{"Moodle XML", "moodle/xml_nested_categories_with_questions.xml", []verdict{
		{row: 15, key: "T"}, {row: 55, reason: "不支持的题型：论述题"}, {row: 83, key: "T"}, {row: 123, key: "T"}, {row: 163, key: "T"},
	}},
	{"Moodle XML", "moodle/xml_error_invalid_grades.xml", []verdict{{row: 4, key: "BCE"}}},
	{"Moodle XML", "moodle/xml_old_format_file.xml", []verdict{{row: 11, key: "T"}, {row: 46, key: "T"}}},
	{"Moodle XML", "moodle/html/sample_questions_with_old_image_tag.xml", []verdict{
		{row: 16, reason: "不支持的题型：完形填空题"}, {row: 36, key: "C"}, // the image becomes an attachment
	}},
	{"QTI 2.1", "qti/samples/qti21-choice.xml", []verdict{{row: 1, reason: "题中图片 images/sign.png 没有随文件附上"}}},
	{"QTI 2.1", "qti/samples/qti21-choice_multiple.xml", []verdict{{row: 1, key: "AD"}}},
	{"QTI 2.1", "qti/samples/qti21-extended_text_rubric.xml", []verdict{{row: 1, reason: "含有 <object>"}}},
	{"QTI 2.1", "qti/samples/qti21-hotspot.xml", []verdict{{row: 1, reason: "不支持 QTI 的 hotspotInteraction"}}},
	{"QTI 3.0", "qti/samples/qti30-QTI3-inline-choice.xml", []verdict{{row: 1, reason: "不支持 QTI 的 inlineChoiceInteraction"}}},
	{"QTI 3.0", "qti/samples/qti30-QTI3multiplechoice2.xml", []verdict{{row: 1, key: "AD"}}},
	{"QTI 3.0", "qti/samples/qti30-essay.xml", []verdict{{row: 1, reason: "第 1 小题的分值必须为正数"}}},
	{"PHPEMS 表格", "templates/phpems.csv", []verdict{
		{row: 2, key: "B"}, {row: 3, key: "AC"}, {row: 4, key: "F"}, {row: 5, key: "A"}, {row: 6, reason: "选项应按 A、B、C 的顺序排列"},
	}},
	{"yf-exam 表格", "templates/yf-exam.csv", []verdict{{row: 2, key: "B"}, {row: 6, key: "AC"}, {row: 10, key: "T"}, {row: 12, reason: "是否正确项不能为空"}}},
	{"考试星/问卷星式表格", "templates/kaoshixing.csv", []verdict{{row: 2, key: "A"}, {row: 3, key: "BD"}, {row: 4, key: "T"}, {row: 5, reason: "不支持的题型：填空题"}}},
}

// publishedMapping is the category mapping the files are read with (the templates'
// 知识点/所属题库/试题分类); publishedUnit is the default point (Moodle and QTI files name
// none): csmexam import --partial --unit JC.1.2.1 --map 客户服务概述=JC.1.2.1 …
var (
	publishedMapping = map[string]string{"客户服务概述": "JC.1.2.1", "客户服务管理": "JC.1.2.2"}
	publishedUnit    = "JC.1.2.1"
)

// markdownText escapes what Markdown would read as HTML or as a cell's end.
var markdownText = strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", "\\|")

// The table of TestPublishedFiles is kept in docs/API.md between these lines.
const (
	publishedDoc      = "../../docs/API.md"
	publishedDocBegin = "<!-- published files: written by TestPublishedFiles -->\n"
	publishedDocEnd   = "<!-- end of published files -->\n"
)

// TestPublishedFiles reads every file kept as test data, as a partial import with a
// default point and the mapping reads it, and checks the verdict on each question: what
// is imported carries the right key, what is refused says why, and no question is
// without a verdict. The table it makes (by format: files, questions, imported with the
// right key, repeats, refused with the reasons) must be the one in docs/API.md: a
// changed count fails here, and `go test -run TestPublishedFiles -v ./content/format/`
// prints the table to paste.
func TestPublishedFiles(t *testing.T) {
	t.Parallel()
	_, base := bundled(t)
	listed := map[string]bool{}
	for _, f := range publishedFiles {
		listed[f.path] = true
	}
	for _, dir := range []string{"moodle", "qti/samples", "templates"} {
		err := filepath.WalkDir(filepath.Join("testdata", filepath.FromSlash(dir)), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "README.md" || d.Name() == "LICENSE" {
				return err
			}
			if rel, _ := filepath.Rel("testdata", path); !listed[filepath.ToSlash(rel)] {
				t.Errorf("testdata/%s has no verdicts in publishedFiles", filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	type tally struct{ files, questions, right, repeats, refused int }
	byFormat := map[string]*tally{}
	var formats []string
	var files strings.Builder
	files.WriteString("| 格式 | 文件 | 题数 | 导入且答案正确 | 重复（跳过） | 拒绝 | 拒绝的题与原因 |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, f := range publishedFiles {
		syl, err := base.ForFile(publishedUnit, publishedMapping)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(f.path)))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Read(f.path, strings.NewReader(string(b)), syl)
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		t.Run(f.path, func(t *testing.T) { checkVerdicts(t, res, f.verdicts) })
		if byFormat[f.format] == nil {
			byFormat[f.format] = &tally{}
			formats = append(formats, f.format)
		}
		n := byFormat[f.format]
		var right, repeats int
		var reasons []string
		for _, it := range res.Items {
			if i := slices.IndexFunc(f.verdicts, func(v verdict) bool { return v.row == it.Row }); i >= 0 && f.verdicts[i].key == strings.Join(it.Question.Answer, "") {
				right++
			}
		}
		for _, v := range f.verdicts {
			switch {
			case v.repeat && slices.ContainsFunc(res.Repeats, func(r content.RowError) bool { return r.Row == v.row }):
				repeats++
			case v.reason != "" && slices.ContainsFunc(res.Errors, func(e content.RowError) bool { return e.Row == v.row }):
				reasons = append(reasons, fmt.Sprintf("%d：%s", v.row, markdownText.Replace(v.reason)))
			}
		}
		n.files++
		n.questions += len(f.verdicts)
		n.right += right
		n.repeats += repeats
		n.refused += len(reasons)
		fmt.Fprintf(&files, "| %s | `%s` | %d | %d | %d | %d | %s |\n", f.format, f.path, len(f.verdicts), right, repeats, len(reasons), strings.Join(reasons, "；"))
	}
	var table strings.Builder
	table.WriteString("| 格式 | 文件 | 题数 | 导入且答案正确 | 重复（跳过） | 拒绝 |\n|---|---:|---:|---:|---:|---:|\n")
	for _, name := range formats {
		n := byFormat[name]
		fmt.Fprintf(&table, "| %s | %d | %d | %d | %d | %d |\n", name, n.files, n.questions, n.right, n.repeats, n.refused)
	}
	want := table.String() + "\n" + files.String()
	t.Logf("\n%s", want)
	doc, err := os.ReadFile(publishedDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), publishedDocBegin)
	got, _, ok2 := strings.Cut(rest, publishedDocEnd)
	if !ok || !ok2 {
		t.Fatalf("%s lacks the lines %q and %q around the table", publishedDoc, publishedDocBegin, publishedDocEnd)
	}
	if got != want {
		t.Errorf("the table in %s is not what the files give; it should read:\n%s", publishedDoc, want)
	}
}
