package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// paperDownload fetches a paper PDF as who and returns status, Content-Disposition and body.
func (h *harness) paperDownload(path, who string) (int, string, []byte) {
	h.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens[who])
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && (resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-"))) {
		h.t.Fatalf("%s: %q %.20q", path, resp.Header.Get("Content-Type"), b)
	}
	return resp.StatusCode, resp.Header.Get("Content-Disposition"), b
}

// rawPDFText is pdftotext -raw of pdf (poppler-utils) with every space removed.
func rawPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, string(out))
}

func TestBlueprintPaperPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		base := "/api/v1/blueprints/" + exam.L2Theory + "/paper.pdf"
		s, disp, paper := h.paperDownload(base+"?seed=7&part=paper", "instructor")
		if s != 200 || !strings.Contains(disp, `filename="csmexam-L2-theory-7-paper.pdf"`) || !strings.Contains(disp, "filename*=UTF-8''") {
			t.Fatalf("paper: %d %q", s, disp)
		}
		text := rawPDFText(t, paper)
		for _, w := range []string{"二级理论知识模拟试卷", "姓名", "一、单项选择题（第1～140题，每题0.5分，共70分）", "三、多项选择题（第161～180题，每题1分，共20分）", "180.", "L2-theory·种子7·卷码"} {
			if !strings.Contains(text, w) {
				t.Errorf("paper: no %q", w)
			}
		}
		// The same seed again: the same paper, byte for byte, for another member of staff.
		if _, _, again := h.paperDownload(base+"?seed=7", "centeradmin"); !bytes.Equal(again, paper) {
			t.Errorf("seed 7 printed twice differs")
		}
		if _, _, other := h.paperDownload(base+"?seed=8", "instructor"); bytes.Equal(other, paper) {
			t.Errorf("seeds 7 and 8 print the same paper")
		}
		s, _, key := h.paperDownload(base+"?seed=7&part=key", "instructor")
		if kt := rawPDFText(t, key); s != 200 || !strings.Contains(kt, "参考答案及评分标准") || !strings.Contains(kt, "180.") {
			t.Fatalf("key: %d", s)
		}
		s, _, sheet := h.paperDownload(base+"?seed=7&part=sheet", "admin")
		if st := rawPDFText(t, sheet); s != 200 || !strings.Contains(st, "答题卡") || !strings.Contains(st, "第1页共1页") {
			t.Fatalf("sheet: %d", s)
		}

		// Candidates may print nothing, not even the paper: it comes with its key.
		h.expectError(403, "", "GET", base+"?seed=7&part=key", "candidate", nil)
		h.expectError(403, "", "GET", base+"?seed=7", "candidate", nil)
		h.expectError(401, "", "GET", base+"?seed=7", "", nil)
		h.expectError(422, "seed", "GET", base, "instructor", nil)
		h.expectError(422, "seed", "GET", base+"?seed=-1", "instructor", nil)
		h.expectError(422, "seed", "GET", base+"?seed=abc", "instructor", nil)
		h.expectError(422, "part", "GET", base+"?seed=7&part=answers", "instructor", nil)
		h.expectError(404, "", "GET", "/api/v1/blueprints/no-such-paper/paper.pdf?seed=7", "instructor", nil)
	})
}

func TestAttemptPaperPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		_, path := h.startAndPath("candidate", exam.QuickQuiz)
		// The paper as the candidate sees it: its stems and options in order.
		_, b := h.do("GET", path, "candidate", nil)
		seen := decode[struct {
			Sections []struct {
				Questions []struct {
					Stem    string
					Options []struct{ Letter, Text string }
				}
			}
		}](t, b)
		s, disp, pdf := h.paperDownload(path+"/paper.pdf", "instructor")
		if s != 200 || !strings.Contains(disp, "csmexam-attempt-") {
			t.Fatalf("attempt paper: %d %q", s, disp)
		}
		text := rawPDFText(t, pdf)
		at, no := 0, 0
		for _, sec := range seen.Sections {
			for _, q := range sec.Questions {
				no++
				want := []string{fmt.Sprintf("%d.%s", no, strings.ReplaceAll(q.Stem, " ", ""))}
				for _, o := range q.Options {
					if o.Letter != "" {
						want = append(want, o.Letter+"."+strings.ReplaceAll(o.Text, " ", ""))
					}
				}
				for _, w := range want {
					i := strings.Index(text[at:], w)
					if i < 0 {
						t.Fatalf("question %d: %q missing or out of order", no, w)
					}
					at += i + len(w)
				}
			}
		}
		if no != 10 || !strings.Contains(text, "作答") {
			t.Fatalf("%d questions", no)
		}
		if s, _, _ := h.paperDownload(path+"/paper.pdf?part=key", "centeradmin"); s != 200 {
			t.Fatalf("key of the attempt: %d", s)
		}
		// Not the candidate's, even their own; not another center's staff.
		h.expectError(403, "", "GET", path+"/paper.pdf?part=key", "candidate", nil)
		h.expectError(404, "", "GET", path+"/paper.pdf", "instructor-b", nil)
		h.expectError(404, "", "GET", "/api/v1/attempts/99999999/paper.pdf", "instructor", nil)
		h.expectError(422, "part", "GET", path+"/paper.pdf?part=x", "instructor", nil)
	})
}
