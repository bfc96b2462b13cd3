package report

import (
	"slices"
	"strings"
	"testing"
)

// TestHeadingsKeepWithTheirContent: no page of a report ends in a section heading whose
// content starts on the next page (the five-page report put 案例分析 alone at the foot of
// page 2).
func TestHeadingsKeepWithTheirContent(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Report{"sample": sampleReport(), "five pages": fivePageReport()} {
		pages := strings.Split(run(t, "pdftotext", "-raw", "-enc", "UTF-8", encodeFile(t, r), "-"), "\f")
		for i, page := range pages[:len(pages)-1] {
			// The body's last line is the one above the footer's 第 N 页 / 共 M 页.
			lines := strings.Split(page, "\n")
			last := ""
			for j, l := range lines {
				if strings.HasPrefix(l, "第 ") && strings.Contains(l, " 页 / 共 ") && j > 0 {
					last = strings.TrimSpace(lines[j-1])
				}
			}
			if last == "" {
				t.Fatalf("%s: page %d has no footer:\n%s", name, i+1, page)
			}
			if slices.ContainsFunc([]string{"分题型得分", "分章得分", "错题", "未作答", "案例分析"}, func(h string) bool {
				return last == h || strings.HasPrefix(last, h+"（")
			}) {
				t.Errorf("%s: page %d ends in the heading %q:\n%s", name, i+1, last, page)
			}
		}
	}
}
