package web_test

import (
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserImportPublished: Moodle's GIFT fixture, checked with a default knowledge
// point in partial mode, lists each question it will skip (line, name, reason) and the
// repeat; import stores the good ones. Without partial the same check refuses the file.
func TestBrowserImportPublished(t *testing.T) {
	b := newBrowser(t)
	gift, err := filepath.Abs("../content/format/testdata/moodle/gift_questions.gift")
	if err != nil {
		t.Fatal(err)
	}
	b.login("instructor")
	b.open("/questions")
	b.steps("open the files panel", chromedp.Click(chromedp.CSS(`#files summary`)))
	b.steps("check without partial", chromedp.SetUploadFiles(chromedp.CSS(`#question-import input[type=file]`), []string{gift}),
		chromedp.SetValue(chromedp.CSS(`#question-import input[name=unit]`), "JC.1.2.1"),
		chromedp.Click(chromedp.ID("import-check")))
	b.until("refused, every skipped question listed", `document.querySelector("#import-report .error-message") && document.querySelectorAll("#import-report table.report")[0].querySelectorAll("tbody tr").length === 4 && document.querySelector("#import-run").disabled`)
	b.steps("partial", chromedp.Click(chromedp.CSS(`#question-import input[name=partial]`)), chromedp.Click(chromedp.ID("import-check")))
	b.until("the partial check", `document.querySelector("#import-report").textContent.includes("检查通过：共 4 道题，可以导入；将跳过有错的 4 道题；1 道题重复（题库或文件中已有），将跳过") && !document.querySelector("#import-run").disabled`)
	b.until("a skipped question by line and name", `Array.from(document.querySelectorAll("#import-report table.report tbody tr")[1].cells).map(c => c.textContent).join("|") === "5（Moodle activities）|type|不支持的题型：匹配题"`)
	b.shootAt("questions-import-partial", "#import-report")
	b.steps("import", chromedp.Click(chromedp.ID("import-run")))
	b.until("imported", `document.querySelector("#import-report").textContent.includes("已导入 4 道题；跳过有错的 4 道题")`)
}
