package format

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/csmexam/csmexam/content"
	"golang.org/x/text/width"
)

// The 小题 cell of a case analysis takes the API's parts as JSON (what the export writes)
// or, easier to type, lines like these:
//
//	第1小题（4分）：该公司的做法体现了客户服务的哪些特点？
//	参考答案：及时性、多样性。
//	采分点（2分）：及时性；关键词：及时、迅速；同义词：马上
//	采分点（2分）：多样性；关键词：多样
//	采分点（2分）：竞争者类型与实例；关键词：直接竞争者；配对：直接竞争者=同城超市、替代品=网购
//
// A line that starts none of these continues the prompt or the reference above it.
// Brackets, colons and separators may be full-width, as typed on a Chinese keyboard.
var (
	casePartLine   = regexp.MustCompile(`^(?:第\s*[0-9０-９]+\s*小题|小题\s*[0-9０-９]*)\s*[(（]\s*([0-9.０-９．]+)\s*分\s*[)）]\s*[:：]\s*(.*)$`)
	caseRefLine    = regexp.MustCompile(`^参考答案\s*[:：]\s*(.*)$`)
	caseRubricLine = regexp.MustCompile(`^采分点\s*[(（]\s*([0-9.０-９．]+)\s*分\s*[)）]\s*[:：]\s*(.*)$`)
	caseWordsLine  = regexp.MustCompile(`^(关键词|同义词|配对)\s*[:：]?\s*(.*)$`)
	casePairSep    = regexp.MustCompile(`\s*(?:=|＝|↔)\s*`)
	caseSegmentSep = regexp.MustCompile(`[;；]`)
	caseListSep    = regexp.MustCompile(`[、,，/／]`)
)

// caseTextParts reads the line form of the 小题 cell.
func caseTextParts(s string) ([]content.CasePart, error) {
	var parts []content.CasePart
	var cont *string // the text a plain line continues
	for i, raw := range strings.Split(s, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		n := i + 1
		if m := casePartLine.FindStringSubmatch(line); m != nil {
			pts, err := content.ParsePoints(width.Fold.String(m[1]))
			if err != nil {
				return nil, fmt.Errorf("小题第 %d 行：分值“%s”不是数字", n, m[1])
			}
			parts = append(parts, content.CasePart{Prompt: m[2], Points: pts})
			cont = &parts[len(parts)-1].Prompt
			continue
		}
		if len(parts) == 0 {
			return nil, fmt.Errorf("小题第 %d 行：应以“第1小题（4分）：问题”开头，或填写 JSON", n)
		}
		p := &parts[len(parts)-1]
		switch m := caseRefLine.FindStringSubmatch(line); {
		case m != nil:
			p.Reference = m[1]
			cont = &p.Reference
		case caseRubricLine.MatchString(line):
			r, err := rubricLine(caseRubricLine.FindStringSubmatch(line))
			if err != nil {
				return nil, fmt.Errorf("小题第 %d 行：%s", n, err)
			}
			p.Rubric = append(p.Rubric, r)
			cont = nil
		case cont != nil:
			*cont += "\n" + line
		default:
			return nil, fmt.Errorf("小题第 %d 行“%s”无法识别：采分点之后只能是新的采分点或小题", n, line)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("案例分析题需要小题")
	}
	return parts, nil
}

// rubricLine reads "采分点（2分）：说明；关键词：甲、乙；同义词：丙；配对：甲=丁、乙=戊".
func rubricLine(m []string) (content.RubricPoint, error) {
	score, err := content.ParsePoints(width.Fold.String(m[1]))
	if err != nil {
		return content.RubricPoint{}, fmt.Errorf("采分点分值“%s”不是数字", m[1])
	}
	r := content.RubricPoint{Score: score}
	for i, seg := range caseSegmentSep.Split(m[2], -1) {
		seg = strings.TrimSpace(seg)
		w := caseWordsLine.FindStringSubmatch(seg)
		switch {
		case i == 0:
			r.Point = seg
		case w != nil && w[1] == "关键词":
			r.Keywords = splitList(w[2])
		case w != nil && w[1] == "同义词":
			r.Synonyms = splitList(w[2])
		case w != nil:
			for _, p := range splitList(w[2]) {
				pair := casePairSep.Split(p, -1)
				if len(pair) != 2 || pair[0] == "" || pair[1] == "" {
					return r, fmt.Errorf("配对“%s”应写作 类型=实例，两项之间用等号", p)
				}
				r.Pairs = append(r.Pairs, pair)
			}
		case seg != "":
			return r, fmt.Errorf("“%s”无法识别：采分点写作 说明；关键词：甲、乙；同义词：丙；配对：甲=丁", seg)
		}
	}
	if len(r.Keywords) == 0 {
		return r, fmt.Errorf("采分点“%s”缺少关键词（；关键词：甲、乙）", r.Point)
	}
	return r, nil
}

// splitList reads "甲、乙，丙/丁".
func splitList(s string) []string {
	var out []string
	for _, w := range caseListSep.Split(s, -1) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}
