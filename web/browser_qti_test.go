package web_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
)

// TestBrowserQuestionFilesQTI: the files panel offers Moodle XML and both QTI exports,
// each a download of the right kind, and a QTI package chosen in the page checks clean.
func TestBrowserQuestionFilesQTI(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	pkg := filepath.Join(t.TempDir(), "题库.zip")
	var buf bytes.Buffer
	q := content.Question{Type: content.Single, Stem: "QTI 导入：客户服务的核心是（ ）。", Options: []content.Option{{Key: "A", Text: "客户"}, {Key: "B", Text: "产品"}},
		Answer: []string{"A"}, Unit: "JC.1.2.1", Difficulty: 2}
	if err := format.WriteBank(&buf, "qti30", []content.Question{q}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pkg, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b.login("instructor")
	b.open("/questions")
	b.steps("open the files panel", chromedp.Click(chromedp.CSS(`#files summary`)))
	for _, c := range []struct{ format, mediaType, head string }{
		{"moodle", "application/xml", "3c3f786d"}, {"qti21", "application/zip", "504b0304"}, {"qti30", "application/zip", "504b0304"},
	} {
		href := eval[string](b, `document.querySelector('#files a[href*="format=`+c.format+`"]').getAttribute("href")`)
		typ, head := b.fetchHead(href)
		if !strings.Contains(typ, c.mediaType) || head != c.head {
			t.Errorf("%s answers %q starting %s", c.format, typ, head)
		}
	}
	b.steps("check a QTI package", chromedp.SetUploadFiles(chromedp.CSS(`#question-import input[type=file]`), []string{pkg}),
		chromedp.Click(chromedp.ID("import-check")))
	b.until("the check passed", `document.querySelector("#import-report").textContent.includes("检查通过：共 1 道题") && !document.querySelector("#import-run").disabled`)
	b.shoot("questions-files-qti")
}
