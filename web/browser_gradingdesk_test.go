package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// TestBrowserGradingDesk: two candidates answer the same case, one with a rubric keyword,
// one by pasting the case material back. The queue shows the reasons beside the
// highlights, flags the pasted answer, says when a comment is required, counts what
// remains, hides the names under blind grading (kept across a reload); a third attempt
// handed in blank grades to 0 in one click, and the instructor accepts both other
// suggestions at once: every attempt leaves the queue, graded.
func TestBrowserGradingDesk(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	caseBP := map[string]any{"code": "desk-case", "title": "案例阅卷练习", "mode": "exam", "duration_s": 1800, "pass_score": 1,
		"sections": []map[string]any{{"type": "case", "count": 1, "points_each": 20}}, "overdue": "autosubmit"}
	if s, body := b.h.do("POST", "/api/v1/blueprints", "instructor", caseBP); s != 201 {
		t.Fatalf("blueprint %d %s", s, body)
	}
	var ids []int64
	for _, who := range []string{"candidate", "candidate2"} {
		a, path := b.h.startAndPath(who, "desk-case")
		qid := a.Sections[0].Questions[0].ID
		_, body := b.h.do("GET", "/api/v1/questions/"+itoa(qid), "instructor", nil)
		q := decode[content.Question](t, body)
		parts := make([]string, len(q.Parts))
		if who == "candidate" {
			parts[0] = "我的看法：" + q.Parts[0].Rubric[0].Keywords[0] + "，因为这样能解决问题。"
		} else {
			given := q.Material + q.Stem
			if given == "" {
				t.Fatalf("case %d has neither material nor stem to paste", qid)
			}
			parts[0] = given
		}
		if s, body := b.h.do("PUT", path+"/answers/"+itoa(qid), who, map[string]any{"parts": parts}); s != 200 {
			t.Fatalf("answer %d %s", s, body)
		}
		if s, body := b.h.do("POST", path+"/submit", who, nil); s != 200 {
			t.Fatalf("submit %d %s", s, body)
		}
		ids = append(ids, a.ID)
	}

	// A third attempt handed in blank.
	blank, blankPath := b.h.startAndPath("candidate", "desk-case")
	if s, body := b.h.do("POST", blankPath+"/submit", "candidate", nil); s != 200 {
		t.Fatalf("submit blank %d %s", s, body)
	}
	blankID := blank.ID

	b.login("instructor")
	b.open("/grading")
	item := func(id int64) string {
		return fmt.Sprintf(`document.querySelector('.grading-item[data-attempt="%d"]')`, id)
	}
	b.until("both attempts in the queue", `!!`+item(ids[0])+` && !!`+item(ids[1]))
	if got := eval[string](b, item(ids[0])+`.querySelector(".reasons .reason.matched").textContent`); got == "" {
		t.Fatal("no matched reason beside the keyword answer")
	}
	b.until("the pasted answer flagged", `!!`+item(ids[1])+`.querySelector(".copied-flag") && !`+item(ids[0])+`.querySelector(".copied-flag")`)
	b.until("what remains", `document.querySelector("#remaining-summary").textContent.includes("剩余待评 3 题") && document.querySelector("#remaining-blueprints").textContent.includes("案例阅卷练习")`)
	b.until("the comment optional at the suggestion", item(ids[0])+`.querySelector("label span").textContent.includes("可选")`)
	b.steps("change a score", chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`.grading-item[data-attempt="%d"] input[type=number]`, ids[0])), "0"))
	eval[bool](b, item(ids[0])+`.querySelector("input[type=number]").dispatchEvent(new Event("input"))`)
	b.until("the comment required once the score differs", item(ids[0])+`.querySelector("label span").textContent.includes("必填")`)
	b.steps("click save without a comment", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.grading-item[data-attempt="%d"] .save-grade`, ids[0]))))
	b.until("refused on the page", item(ids[0])+`.querySelector(".grading-case .error-message").textContent.includes("评语")`)
	eval[bool](b, `(function(){const i = `+item(ids[0])+`.querySelector("input[type=number]"); i.value = i.closest("tr").querySelector("td[data-label='建议']").textContent; return i.dispatchEvent(new Event("input"));})()`)
	b.until("the comment optional again", item(ids[0])+`.querySelector("label span").textContent.includes("可选")`)

	b.steps("grade blind", chromedp.Click(chromedp.ID("blind-toggle")))
	b.until("names hidden", `document.body.classList.contains("blind") && !document.querySelector(".grading-list, #grading-list").innerText.includes("candidate2") && document.querySelector("#grading-list").innerText.includes("考生（作答")`)
	b.open("/grading")
	b.until("blind kept after a reload", `document.body.classList.contains("blind") && document.querySelector("#blind-toggle").checked && !!`+item(ids[1]))
	b.shoot("grading-desk")
	b.shootAt("grading-desk-copied", fmt.Sprintf(`.grading-item[data-attempt="%d"] .copied-flag`, ids[1]))

	b.steps("zero the blank attempt", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.grading-item[data-attempt="%d"] .zero-case`, blankID))))
	b.until("the blank attempt graded", `!`+item(blankID)+` && document.querySelectorAll(".done").length === 1 && document.querySelector("#remaining-summary").textContent.includes("剩余待评 2 题")`)
	b.steps("select all", chromedp.Click(chromedp.ID("select-all")))
	b.until("two selected", `document.querySelector("#accept-selected").textContent.includes("2 题") && !document.querySelector("#accept-selected").disabled`)
	b.steps("accept the suggestions", chromedp.Click(chromedp.ID("accept-selected")))
	b.until("both attempts graded and gone", `document.querySelectorAll(".grading-item").length === 0 && document.querySelectorAll(".done").length === 3 && !document.querySelector("#grading-empty").hidden`)
	b.shoot("grading-desk-accepted")
	for i, who := range []string{"candidate", "candidate2", "candidate"} {
		id := append(ids, blankID)[i]
		s, body := b.h.do("GET", "/api/v1/attempts/"+itoa(id)+"/result", who, nil)
		if res := decode[exam.Result](t, body); s != 200 || res.Status != exam.Graded || id == blankID && res.Score != 0 {
			t.Fatalf("%s's result %d after grading: %d %s", who, id, s, body)
		}
	}
}

// TestBrowserCaseEditorPairs: the question editor writes a case's form (论述) and a
// 采分点's synonyms and pairs, and reads them back when the question is edited.
func TestBrowserCaseEditorPairs(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.login("instructor")
	b.open("/questions/new")
	b.until("the editor", `!!document.querySelector("select[name=type]")`)
	b.steps("switch to case", chromedp.SetValue(chromedp.CSS(`select[name=type]`), "case"))
	eval[bool](b, `document.querySelector("select[name=type]").dispatchEvent(new Event("change"))`)
	b.until("the case fields", `!document.querySelector("#case-fields").hidden && document.querySelectorAll(".part-edit").length === 1`)
	b.steps("fill the case",
		chromedp.SetValue(chromedp.CSS(`select[name=unit]`), "JC.1.2.1"),
		chromedp.SetValue(chromedp.CSS(`select[name=case_form]`), "essay"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=stem]`), "试论述竞争者的类型，并各举一例。"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .prompt`), "竞争者有哪些类型？各举一例。"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .points`), "4"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .reference`), "直接竞争者如同城超市；替代品竞争者如网购平台。"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .point`), "类型与实例对应"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .score`), "4"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .keywords`), "直接竞争者、替代品"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .synonyms`), "同类竞争者"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .pairs`), "直接竞争者=同城超市、替代品 = 网购"))
	b.shoot("question-new-case-pairs")
	b.steps("save", chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the question page", `/^\/questions\/\d+$/.test(location.pathname)`)
	qpath := eval[string](b, `location.pathname`)
	_, body := b.h.do("GET", "/api/v1"+qpath, "instructor", nil)
	q := decode[content.Question](t, body)
	r := q.Parts[0].Rubric[0]
	if q.Form != content.Essay || len(r.Synonyms) != 1 || r.Synonyms[0] != "同类竞争者" || len(r.Pairs) != 2 || r.Pairs[1][0] != "替代品" || r.Pairs[1][1] != "网购" {
		t.Fatalf("saved %s", body)
	}
	b.open(qpath + "/edit")
	b.until("the pairs read back", `document.querySelector(".rubric-row .pairs").value === "直接竞争者=同城超市、替代品=网购" && document.querySelector("select[name=case_form]").value === "essay"`)
}
