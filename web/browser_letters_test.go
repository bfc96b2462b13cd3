package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// lettersJSON is what the API says of each question's letters.
type lettersJSON struct {
	Sections []struct {
		Type      content.Type
		Title     string
		Questions []struct {
			ID            int64
			Stem          string
			Options       []struct{ Key, Letter, Text string }
			ChoiceLetters string   `json:"choice_letters"`
			KeyLetters    string   `json:"answer_letters"`
			Key           []string `json:"answer_key"`
		}
	}
	Result *exam.Result
}

// TestBrowserSameLettersEverywhere renders one attempt with shuffled options through the
// API, the result page (Chromium) and the PDF report (pdftotext): each question has the
// same candidate's and right letters in all three, the letters are the paper's (not the
// bank's), and every percentage is the same number.
func TestBrowserSameLettersEverywhere(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	bp := map[string]any{"code": "shuffled", "title": "乱序小测", "mode": "exam", "duration_s": 1800, "pass_score": 30,
		"shuffle_options": true, "overdue": "autosubmit", "sections": []map[string]any{
			{"type": "single", "count": 20, "points_each": 1}, {"type": "multiple", "count": 8, "points_each": 2},
			{"type": "truefalse", "count": 8, "points_each": 1}}}
	if s, body := b.h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 {
		t.Fatalf("blueprint: %d %s", s, body)
	}
	a, path := b.h.startAndPath("candidate", "shuffled")
	// Answer two questions in three: every third with the key, the others with the option
	// shown first (wrong unless it is the key); the rest stay unanswered.
	n := 0
	for _, sec := range a.Sections {
		for _, q := range sec.Questions {
			n++
			if n%3 == 0 {
				continue
			}
			choice := []string{q.Options[0].Key}
			if n%3 == 1 {
				_, body := b.h.do("GET", "/api/v1/questions/"+itoa(q.ID), "instructor", nil)
				choice = decode[content.Question](t, body).Answer
			}
			if s, body := b.h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"choice": choice}); s != 200 {
				t.Fatalf("answer %d: %d %s", q.ID, s, body)
			}
		}
	}
	if s, body := b.h.do("POST", path+"/submit", "candidate", nil); s != 200 {
		t.Fatalf("submit: %d %s", s, body)
	}

	// The API: letters per question, in paper order.
	_, body := b.h.do("GET", path, "candidate", nil)
	api := decode[lettersJSON](t, body)
	type shown struct{ stem, given, key string }
	var want []shown
	moved := 0
	for _, sec := range api.Sections {
		for _, q := range sec.Questions {
			want = append(want, shown{q.Stem, q.ChoiceLetters, q.KeyLetters})
			for i, o := range q.Options {
				if sec.Type != content.TrueFalse && o.Letter != string(rune('A'+i)) {
					t.Fatalf("question %d: option %d lettered %q", q.ID, i, o.Letter)
				}
				if sec.Type != content.TrueFalse && o.Key != o.Letter && len(q.Key) > 0 && q.Key[0] == o.Key {
					moved++ // the key is shown under another letter than the bank's
				}
			}
			if q.KeyLetters == "" {
				t.Fatalf("question %d: no answer_letters on a closed attempt", q.ID)
			}
		}
	}
	if moved == 0 {
		t.Fatal("no key moved: the paper is not shuffled, the test proves nothing")
	}

	// The result page shows the same letters for every question.
	b.login("candidate")
	b.open("/attempts/" + itoa(a.ID) + "/result?show=all") // every question, not only the wrong ones
	b.until("the review", `document.querySelectorAll(".review-item").length > 0`)
	page := eval[[][]string](b, `Array.from(document.querySelectorAll(".review-item")).map(li => [
		(li.querySelector(".given-letters") || {}).textContent || "", (li.querySelector(".key-letters") || {}).textContent || ""])`)
	if len(page) != len(want) {
		t.Fatalf("result page lists %d questions, the API %d", len(page), len(want))
	}
	for i, w := range want {
		given := w.given
		if given == "" {
			given = "未作答"
		}
		if page[i][0] != given || page[i][1] != w.key {
			t.Errorf("question %d: page says 你的答案 %s · 正确答案 %s, the API %s · %s", i+1, page[i][0], page[i][1], given, w.key)
		}
	}
	b.shoot("result-letters")

	// The PDF: each wrong answer's line carries the same two letters.
	status, _, pdf := b.h.download(path+"/report.pdf", "candidate")
	if status != 200 {
		t.Fatalf("report: %d", status)
	}
	text := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(text), "")
	wrong := 0
	for i, w := range want {
		if w.given == "" || w.given == w.key {
			continue
		}
		wrong++
		// "N." and the stem, then the options, then the two answers.
		at := strings.Index(flat, fmt.Sprintf("%d.%s", i+1, strings.Join(strings.Fields(w.stem), "")))
		if at < 0 {
			t.Errorf("the PDF lacks question %d's number and stem", i+1)
			continue
		}
		rest := flat[at:]
		line := fmt.Sprintf("你的答案%s·正确答案%s", w.given, w.key)
		if j := strings.Index(rest, "你的答案"); j < 0 || !strings.HasPrefix(rest[j:], line) {
			t.Errorf("question %d: the PDF lacks %q", i+1, line)
		}
	}
	if wrong == 0 {
		t.Fatal("no wrong answer to compare")
	}

	// Percentages: the page's by-type column and the PDF's 得分率 column agree with one rule.
	pagePct := eval[[]string](b, `Array.from(document.querySelectorAll(".breakdown")[0].querySelectorAll("tbody tr")).map(tr => tr.cells[2].textContent.trim())`)
	for i, s := range api.Result.Sections {
		pct, _ := content.Percent(s.Score, s.MaxScore)
		p := fmt.Sprintf("%d%%", pct)
		if i >= len(pagePct) || !strings.HasSuffix(pagePct[i], p) {
			t.Errorf("%s: the page shows %v, want %s", s.Type.Title(), pagePct, p)
		}
		row := regexp.MustCompile(regexp.QuoteMeta(s.Type.Title()) + `\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+(\d+%)`).FindStringSubmatch(text)
		if row == nil || row[1] != p {
			t.Errorf("%s: the PDF row says %v, want %s", s.Type.Title(), row, p)
		}
	}
	total, _ := content.Percent(api.Result.Score, api.Result.MaxScore)
	if !strings.Contains(flat, fmt.Sprintf("得分率%d%%", total)) {
		t.Errorf("the PDF lacks 得分率 %d%%", total)
	}
}
