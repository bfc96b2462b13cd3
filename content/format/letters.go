package format

import (
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// citeByReference rewrites an imported choice question's explanation that names options
// by bare letters ("B 项错误") as {{opt:N}} references, so a shuffled paper shows the
// letter the candidate sees. Several letters run together ("故选 ACD") may be an answer or
// a name (ABC 分类法): that is an Invalid error on "explanation" for the import report,
// and a person rewrites it.
func citeByReference(q *content.Question) error {
	if q.Type != content.Single && q.Type != content.Multiple {
		return nil
	}
	text, ok := q.CiteByReference(q.Explanation)
	if !ok {
		var runs []string
		for _, c := range q.CitedLetters(q.Explanation) {
			if len([]rune(c.Letters)) > 1 {
				runs = append(runs, c.Letters)
			}
		}
		return errs.Invalidf("explanation", "解析用字母 %s 指称选项，但选项在每份试卷中顺序不同：请写出选项内容，或写 {{opt:N}}（N 为第几个选项，显示为考生看到的字母）", strings.Join(runs, "、"))
	}
	q.Explanation = text
	return nil
}
