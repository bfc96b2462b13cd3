package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/xuri/excelize/v2"
)

// uploadFields posts a file with the import form's other fields.
func (h *harness) uploadFields(path, who, filename string, fields [][2]string, body []byte) (int, []byte) {
	h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(body)
	mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+h.tokens[who])
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// upload posts body as the multipart field "file" named filename.
func (h *harness) upload(path, who, filename string, body []byte) (int, []byte) {
	h.t.Helper()
	return h.uploadFields(path, who, filename, nil, body)
}

// importReport is the answer of both imports: questions and candidates (who also get
// their generated passwords).
type importReport struct {
	Error    string             `json:"error"`
	Imported int                `json:"imported"`
	Valid    int                `json:"valid"`
	DryRun   bool               `json:"dry_run"`
	Partial  bool               `json:"partial"`
	Errors   []content.RowError `json:"errors"`
	Repeats  []content.RowError `json:"repeats"`
	Unmapped []struct {
		Category  string `json:"category"`
		Questions int    `json:"questions"`
	} `json:"unmapped"`
	Passwords []struct {
		Row                int
		Username, Password string
	} `json:"passwords"`
}

const importCSV = "\uFEFF题型,题目,选项A,选项B,选项C,正确答案,解析,难度,知识点\n" +
	"单选,中心导入：客户服务的特点不包括（  ）。,层次性,垄断性,多样性,B,,2,JC.1.2.1\n" +
	"多选题,中心导入：属于客户服务特点的有（  ）。,层次性,垄断性,多样性,\"A,C\",,,JC.1.2.1\n" +
	"判断,中心导入：=垄断性是客户服务的特点。,,,,×,,,客户服务的五个特点\n"

func TestImportAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		count := func(who string) int {
			_, b := h.do("GET", "/api/v1/questions?q=中心导入", who, nil)
			return decode[struct{ Total int }](t, b).Total
		}

		// A bad row: the report names row and column of each of its faults, and nothing
		// is imported.
		bad := importCSV + "单选,中心导入：坏题,甲,乙,,D,,9,JC.1.2.1\n"
		s, b := h.upload("/api/v1/questions/import", "instructor", "题库.csv", []byte(bad))
		r := decode[importReport](t, b)
		if s != 422 || r.Imported != 0 || len(r.Errors) != 2 || decode[apiError](t, b).Error == "" || r.Errors[0].Row != 5 || r.Errors[1].Row != 5 || r.Errors[0].Field+r.Errors[1].Field != "难度正确答案" && r.Errors[0].Field+r.Errors[1].Field != "正确答案难度" {
			t.Fatalf("bad file: %d %s", s, b)
		}
		if n := count("instructor"); n != 0 {
			t.Fatalf("%d questions imported from a bad file", n)
		}

		// dry_run validates only.
		s, b = h.upload("/api/v1/questions/import?dry_run=1", "instructor", "题库.csv", []byte(importCSV))
		if r := decode[importReport](t, b); s != 200 || !r.DryRun || r.Valid != 3 || r.Imported != 0 || r.Errors == nil {
			t.Fatalf("dry run: %d %s", s, b)
		}
		if n := count("instructor"); n != 0 {
			t.Fatalf("dry run imported %d", n)
		}

		s, b = h.upload("/api/v1/questions/import", "instructor", "题库.csv", []byte(importCSV))
		if r := decode[importReport](t, b); s != 200 || r.Imported != 3 {
			t.Fatalf("import: %d %s", s, b)
		}
		if a, b := count("instructor"), count("instructor-b"); a != 3 || b != 0 {
			t.Fatalf("center a sees %d, center b %d", a, b)
		}
		_, b = h.do("GET", "/api/v1/questions?q=%3D垄断性", "centeradmin", nil)
		if l := decode[struct{ Items []content.Question }](t, b); len(l.Items) != 1 || l.Items[0].Answer[0] != "F" || l.Items[0].Stem != "中心导入：=垄断性是客户服务的特点。" {
			t.Fatalf("imported true/false: %s", b)
		}

		// The same file again: every row is already in the bank, skipped and counted.
		s, b = h.upload("/api/v1/questions/import", "instructor", "题库.csv", []byte(importCSV))
		if r := decode[importReport](t, b); s != 200 || r.Imported != 0 || len(r.Errors) != 0 || len(r.Repeats) != 3 || !strings.Contains(r.Repeats[0].Message, "题库中已有") {
			t.Fatalf("re-import: %d %s", s, b)
		}
		if n := count("instructor"); n != 3 {
			t.Fatalf("re-import left %d questions", n)
		}
		// Another center may import the same questions into its own bank.
		if s, b := h.upload("/api/v1/questions/import", "instructor-b", "q.csv", []byte(importCSV)); s != 200 {
			t.Fatalf("center b import: %d %s", s, b)
		}

		// An admin imports into the shared bank, which every center reads.
		shared := strings.ReplaceAll(importCSV, "中心导入", "共享导入")
		if s, b := h.upload("/api/v1/questions/import", "admin", "shared.csv", []byte(shared)); s != 200 {
			t.Fatalf("admin import: %d %s", s, b)
		}
		_, b = h.do("GET", "/api/v1/questions?q=共享导入", "instructor-b", nil)
		if l := decode[struct{ Items []content.Question }](t, b); len(l.Items) != 3 || l.Items[0].CenterID != 0 {
			t.Fatalf("shared import seen by center b: %s", b)
		}
		if s, b := h.upload("/api/v1/questions/import?dry_run=1", "centeradmin", "shared.csv", []byte(strings.ReplaceAll(importCSV, "中心导入", "管理员导入"))); s != 200 {
			t.Fatalf("center admin dry run: %d %s", s, b)
		}

		_, b = h.do("GET", "/api/v1/openapi.json", "", nil)
		paths := decode[struct{ Paths map[string]any }](t, b).Paths
		for _, p := range []string{"/api/v1/questions/import", "/api/v1/questions/export", "/api/v1/questions/template.xlsx"} {
			if paths[p] == nil {
				t.Errorf("openapi.json lacks %s", p)
			}
		}
		h.expectError(403, "", "POST", "/api/v1/questions/import", "candidate", nil)
		h.expectError(422, "file", "POST", "/api/v1/questions/import", "instructor", nil)
		if s, b := h.upload("/api/v1/questions/import", "instructor", "q.pdf", []byte("%PDF")); s != 422 || decode[apiError](t, b).Field != "file" {
			t.Fatalf("pdf: %d %s", s, b)
		}
	})
}

// TestExportRoundTrip: center a's bank exported as XLSX, CSV and JSON imports into
// center b unchanged.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		if s, b := h.upload("/api/v1/questions/import", "instructor", "q.csv", []byte(importCSV)); s != 200 {
			t.Fatalf("import: %d %s", s, b)
		}
		cs := map[string]any{"type": "case", "stem": "-阅读案例，回答问题。", "unit": "JC.1.2.1", "difficulty": 4, "source": "讲师自编",
			"material": "@某连锁超市的客服中心只处理退换货……", "explanation": "考查客户服务的系统性。",
			"parts": []map[string]any{{"prompt": "存在什么问题？", "points": 10, "reference": "……", "rubric": []map[string]any{
				{"point": "服务观念停留在售后", "score": 5, "keywords": []string{"售后"}},
				{"point": "缺少部门协作", "score": 5, "keywords": []string{"协作", "配合"}, "synonyms": []string{"合作"}}}}}}
		if s, b := h.do("POST", "/api/v1/questions", "instructor", cs); s != 201 {
			t.Fatalf("case: %d %s", s, b)
		}
		// own lists the questions of the caller's center, by id.
		own := func(who string) []content.Question {
			var out []content.Question
			for page := 1; ; page++ {
				_, b := h.do("GET", "/api/v1/questions?per_page=200&page="+itoa(int64(page)), who, nil)
				l := decode[struct{ Items []content.Question }](t, b)
				if len(l.Items) == 0 {
					return out
				}
				for _, q := range l.Items {
					if q.CenterID != 0 {
						out = append(out, q)
					}
				}
			}
		}
		want := own("instructor")
		if len(want) != 4 {
			t.Fatalf("center a has %d own questions", len(want))
		}
		for _, f := range []string{"xlsx", "csv", "json"} {
			s, file := h.do("GET", "/api/v1/questions/export?own=1&format="+f, "instructor", nil)
			if s != 200 {
				t.Fatalf("export %s: %d %s", f, s, file)
			}
			s, b := h.upload("/api/v1/questions/import?dry_run=1", "instructor-b", "bank."+f, file)
			if r := decode[importReport](t, b); s != 200 || r.Valid != 4 {
				t.Fatalf("%s export does not import back: %d %s", f, s, b)
			}
		}
		// Import the XLSX for real into center b and compare.
		_, file := h.do("GET", "/api/v1/questions/export?own=1&format=xlsx", "instructor", nil)
		if s, b := h.upload("/api/v1/questions/import", "instructor-b", "bank.xlsx", file); s != 200 {
			t.Fatalf("import into b: %d %s", s, b)
		}
		got := own("instructor-b")
		if len(got) != len(want) {
			t.Fatalf("center b has %d", len(got))
		}
		for i := range want {
			w, g := want[i], got[i]
			w.ID, w.CenterID, w.CreatedAt, g.ID, g.CenterID = 0, 0, g.CreatedAt, 0, 0
			if !reflect.DeepEqual(w, g) {
				t.Fatalf("question changed on the way:\n%+v\n%+v", w, g)
			}
		}

		// The whole visible bank exports too, as a spreadsheet with text cells.
		s, file := h.do("GET", "/api/v1/questions/export", "instructor", nil)
		f, err := excelize.OpenReader(bytes.NewReader(file))
		if s != 200 || err != nil {
			t.Fatalf("full export %d %v", s, err)
		}
		rows, _ := f.GetRows("题库")
		if len(rows) < 100 || rows[0][0] != "题型" {
			t.Fatalf("full export has %d rows", len(rows))
		}
		h.expectError(422, "format", "GET", "/api/v1/questions/export?format=pdf", "instructor", nil)
		h.expectError(403, "", "GET", "/api/v1/questions/export", "candidate", nil)

		s, file = h.do("GET", "/api/v1/questions/template.xlsx", "instructor", nil)
		if f, err := excelize.OpenReader(bytes.NewReader(file)); s != 200 || err != nil || len(f.GetSheetList()) != 2 {
			t.Fatalf("template %d %v", s, err)
		}
	})
}
