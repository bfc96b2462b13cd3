package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/content"
)

// TestBrowserCopyBuiltinQuestion: from a built-in question's page an instructor copies it
// into the center's bank and lands in the copy's editor; a pack upgrade of the origin
// then shows there as a diff, and 采用更新 takes it into the editor.
func TestBrowserCopyBuiltinQuestion(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	orig := b.h.builtinSingle()
	b.login("instructor")
	b.open("/questions/" + strconv.FormatInt(orig.ID, 10))
	b.until("the copy button", `!!document.querySelector("#copy-question")`)
	b.shoot("question-builtin")
	b.steps("copy", chromedp.Click(chromedp.CSS(`#copy-question`)))
	b.until("the copy's editor", `/^\/questions\/\d+\/edit$/.test(location.pathname) && document.querySelector("textarea[name=stem]").value === `+strconv.Quote(orig.Stem)+
		` && document.querySelector("#origin").innerText.includes("复制自内置题目 `+strconv.FormatInt(orig.ID, 10)+`") && !!document.querySelector("#origin-status")`)
	editPath := b.path()

	b.h.upgradePack(orig.PackKey, func(q *content.Question) {
		q.Stem = "（新版）" + q.Stem
		q.Explanation = "新版解析：" + q.Explanation
	})
	b.open(editPath)
	b.until("the diff", `document.querySelectorAll("#origin table.diff tbody tr").length === 2 && !!document.querySelector('#origin tr[data-field=stem] ins')`+
		` && document.querySelector('#origin tr[data-field=stem] ins').textContent.startsWith("（新版）") && !!document.querySelector('#origin tr[data-field=explanation]')`)
	b.shootAt("question-copy-diff", "#origin")
	b.steps("take the update", chromedp.Click(chromedp.CSS(`#origin-accept`)))
	b.until("the update in the editor", `!!document.querySelector("#origin-status") && document.querySelector("textarea[name=stem]").value.startsWith("（新版）")`)
	if eval[bool](b, `document.querySelector("#copy-question") !== null`) {
		t.Fatal("the copy's page offers to copy it again")
	}
}

// TestBrowserBlueprintPreview: the blueprint editor previews a sample paper with its
// coverage before saving (and the shortages of a draft the bank cannot fill), saves, edits
// the blueprint as version 2 and retires it from the list.
func TestBrowserBlueprintPreview(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.login("instructor")
	b.open("/blueprints/new")
	b.until("the blueprint editor", `!!document.querySelector("#blueprint-form")`)
	b.steps("fill the blueprint",
		chromedp.SendKeys(chromedp.CSS(`input[name=code]`), "a-weekly"),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "中心甲周测"),
		chromedp.SetValue(chromedp.CSS(`input[name=minutes]`), "15"),
		chromedp.SetValue(chromedp.CSS(`input[name=pass_score]`), "9"),
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=single] .count`), "10"),
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=single] .points`), "1"),
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=truefalse] .count`), "500"),
		chromedp.SetValue(chromedp.CSS(`input[name=target_difficulty]`), "2.5"),
		chromedp.SetValue(chromedp.CSS(`input[name=tolerance]`), "1"))
	b.steps("preview an unfillable draft", chromedp.Click(chromedp.CSS(`#preview-button`)))
	b.until("the shortage", `!document.querySelector("#preview").hidden && !!document.querySelector("#preview-short") && document.querySelector("#preview-body").innerText.includes("判断题：需要 500 道")`)
	b.steps("ask for five true/false questions",
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=truefalse] .count`), "5"),
		chromedp.Click(chromedp.CSS(`#preview-button`)))
	b.until("the sample paper", `!!document.querySelector("#preview-summary") && document.querySelector("#preview-summary").textContent.includes("共 15 题")`+
		` && document.querySelectorAll("#preview table.coverage").length === 3 && document.querySelectorAll("#preview .preview-section").length === 2`)
	b.shootAt("blueprint-preview", "#preview")
	b.steps("another sample", chromedp.Click(chromedp.CSS(`#preview-again`)))
	b.until("sample 2", `document.querySelector("#preview-summary").textContent.includes("样卷编号 2")`)
	if n := eval[int](b, `Array.from(document.querySelectorAll("#preview table.coverage")[1].tBodies[0].rows).reduce((t, r) => t + Number(r.cells[1].textContent), 0)`); n != 15 {
		t.Fatalf("the coverage by type counts %d questions", n)
	}
	if s, _ := b.h.do("GET", "/api/v1/blueprints/a-weekly", "instructor", nil); s != 404 {
		t.Fatal("previewing saved the blueprint")
	}
	b.steps("save", chromedp.Click(chromedp.CSS(`#blueprint-form button[type=submit]`)))
	b.until("the list", `location.pathname === "/blueprints" && !!document.querySelector('tr[data-code="a-weekly"]')`)

	// Edit: version 2, with the target difficulty loaded back into the form.
	b.steps("edit", chromedp.Click(chromedp.CSS(`tr[data-code="a-weekly"] a[href$="/edit"]`)))
	b.until("the loaded editor", `location.pathname === "/blueprints/a-weekly/edit" && document.querySelector("input[name=title]").value === "中心甲周测"`+
		` && document.querySelector("input[name=target_difficulty]").value === "2.5" && document.querySelector("#bp-version").textContent.includes("第 1 版")`)
	b.steps("lengthen it", chromedp.SetValue(chromedp.CSS(`input[name=minutes]`), "20"), chromedp.Click(chromedp.CSS(`#preview-button`)))
	b.until("the edit's preview", `!!document.querySelector("#preview-summary")`)
	b.shootAt("blueprint-edit-preview", "#blueprint-form")
	b.steps("save version 2", chromedp.Click(chromedp.CSS(`#blueprint-form button[type=submit]`)))
	b.until("version 2 listed", `location.pathname === "/blueprints" && document.querySelector('tr[data-code="a-weekly"]').innerText.includes("第 2 版")`+
		` && document.querySelector('tr[data-code="a-weekly"]').innerText.includes("20 分钟")`)
	b.steps("retire", chromedp.Click(chromedp.CSS(`tr[data-code="a-weekly"] button[data-action=retire]`)))
	b.until("retired", `!!document.querySelector('tr[data-code="a-weekly"] button[data-action=restore]') && document.querySelector('tr[data-code="a-weekly"]').innerText.includes("已停用")`)
	b.shootAt("blueprints-retired", `tr[data-code="a-weekly"]`)
	if strings.Contains(eval[string](b, `document.querySelector('tr[data-code="L2-theory"]').innerText`), "编辑") {
		t.Fatal("a bundled blueprint offers 编辑")
	}
}
