package format

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Moodle XML export. Objective questions are Moodle's own multichoice (single or multiple,
// wrong options at -100 % so that guessing every option earns nothing) and truefalse; a
// case becomes one essay per part whose text holds the stem, the material and the part,
// with the reference answer and the 采分点 as grader information. Each question is in
// the category of its chapter (the first two parts of its knowledge point's code), and
// the general feedback is the explanation. What Moodle has no field for (knowledge point,
// difficulty, source, form, the rubric's keywords) travels in an XML comment before the
// question, as in the GIFT export, so that the file reads back into the same questions.

// moodleMetaPrefix starts the comment that carries a question's moodleMeta.
const moodleMetaPrefix = "csmexam:"

// moodleMeta is what Moodle XML cannot say itself. The first essay of a case carries the
// whole case (Part 1, Stem, Material, Parts); the essays after it only their Part.
type moodleMeta struct {
	giftMeta
	Stem string `json:"stem,omitempty"`
	Part int    `json:"part,omitempty"`
}

func writeBankMoodleXML(w io.Writer, qs []content.Question) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header + "<quiz>\n")
	category := ""
	for i := range qs {
		q := &qs[i]
		if c := chapterOf(q.Unit); c != category {
			category = c
			fmt.Fprintf(bw, "<question type=\"category\">\n  <category><text>%s</text></category>\n</question>\n", xmlText("$course$/top/客户服务管理师/"+c))
		}
		meta := moodleMeta{giftMeta: giftMeta{Unit: q.Unit, Difficulty: q.Difficulty, Source: q.Source}}
		if q.Type == content.Case {
			meta.Form, meta.Material, meta.Parts, meta.Stem, meta.Part = q.Form, q.Material, q.Parts, q.Stem, 1
			for k := range q.Parts {
				if k > 0 {
					meta = moodleMeta{Part: k + 1}
				}
				if err := writeMoodleComment(bw, meta); err != nil {
					return err
				}
				writeMoodleEssay(bw, q, k)
			}
			continue
		}
		if err := writeMoodleComment(bw, meta); err != nil {
			return err
		}
		writeMoodleObjective(bw, q)
	}
	bw.WriteString("</quiz>\n")
	return bw.Flush()
}

// chapterOf is the chapter code of a knowledge point's code ("JC.1" of "JC.1.2.1").
func chapterOf(unit string) string {
	parts := strings.SplitN(unit, ".", 3)
	return strings.Join(parts[:min(2, len(parts))], ".")
}

// writeMoodleComment writes meta as an XML comment, which may not hold "--": JSON
// strings can say it as "-\u002d".
func writeMoodleComment(w *bufio.Writer, meta moodleMeta) error {
	m, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "<!-- %s %s -->\n", moodleMetaPrefix, strings.ReplaceAll(string(m), "--", `-\u002d`))
	return nil
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// moodleHTML is s as the text of a Moodle field in HTML format: escaped, lines as <br>,
// ready for XML.
func moodleHTML(s string) string {
	return xmlText(htmlLines(s))
}

// moodleField is the inside of a Moodle field holding h, HTML made of q's texts: <text>
// with each image marker as an <img> of the file, then the <file>s it shows.
func moodleField(q *content.Question, h string) string {
	var files strings.Builder
	for _, name := range uniqueNames(content.ImageMarkers(html.UnescapeString(h))) {
		a, ok := q.Attachment(name)
		if !ok {
			continue
		}
		h = strings.ReplaceAll(h, html.EscapeString(content.ImageMarker(name)), `<img src="`+pluginFile+html.EscapeString(url.PathEscape(name))+`" alt="">`)
		fmt.Fprintf(&files, "<file name=\"%s\" path=\"/\" encoding=\"base64\">%s</file>", xmlText(name), base64.StdEncoding.EncodeToString(a.Data))
	}
	return "<text>" + xmlText(h) + "</text>" + files.String()
}

func uniqueNames(names []string) []string {
	slices.Sort(names)
	return slices.Compact(names)
}

// htmlLines is s as HTML: escaped, lines as <br>.
func htmlLines(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}

func writeMoodleObjective(w *bufio.Writer, q *content.Question) {
	typ := "multichoice"
	if q.Type == content.TrueFalse {
		typ = "truefalse"
	}
	fmt.Fprintf(w, "<question type=\"%s\">\n  <name><text>%s</text></name>\n", typ, xmlText(q.Unit))
	fmt.Fprintf(w, "  <questiontext format=\"html\">%s</questiontext>\n", moodleField(q, htmlLines(q.Stem)))
	fmt.Fprintf(w, "  <generalfeedback format=\"html\">%s</generalfeedback>\n", moodleField(q, htmlLines(q.Explanation)))
	w.WriteString("  <defaultgrade>1</defaultgrade>\n  <penalty>0</penalty>\n  <hidden>0</hidden>\n")
	switch q.Type {
	case content.TrueFalse:
		for _, a := range []struct{ key, text string }{{"T", "true"}, {"F", "false"}} {
			fraction := "0"
			if slices.Contains(q.Answer, a.key) {
				fraction = "100"
			}
			fmt.Fprintf(w, "  <answer fraction=\"%s\" format=\"moodle_auto_format\"><text>%s</text></answer>\n", fraction, a.text)
		}
	default:
		single := q.Type == content.Single
		fmt.Fprintf(w, "  <single>%t</single>\n  <shuffleanswers>false</shuffleanswers>\n  <answernumbering>ABCD</answernumbering>\n", single)
		// Moodle accepts weights such as 33.33333: five places.
		right := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(100/float64(max(1, len(q.Answer))), 'f', 5, 64), "0"), ".")
		for _, o := range q.Options {
			fraction := "0"
			if !single {
				fraction = "-100"
			}
			if slices.Contains(q.Answer, o.Key) {
				fraction = right
			}
			fmt.Fprintf(w, "  <answer fraction=\"%s\" format=\"html\">%s</answer>\n", fraction, moodleField(q, htmlLines(o.Text)))
		}
	}
	fmt.Fprintf(w, "  <tags><tag><text>%s</text></tag></tags>\n</question>\n", xmlText(q.Unit))
}

// writeMoodleEssay writes part k of case q as an essay worth the part's points.
func writeMoodleEssay(w *bufio.Writer, q *content.Question, k int) {
	p := &q.Parts[k]
	fmt.Fprintf(w, "<question type=\"essay\">\n  <name><text>%s</text></name>\n", xmlText(fmt.Sprintf("%s 第%d/%d小题", q.Unit, k+1, len(q.Parts))))
	text := "<p>" + htmlLines(q.Stem) + "</p>"
	if q.Material != "" {
		text += "<p>" + htmlLines(q.Material) + "</p>"
	}
	text += "<p>" + htmlLines(fmt.Sprintf("第%d小题（%s分）：%s", k+1, p.Points, p.Prompt)) + "</p>"
	fmt.Fprintf(w, "  <questiontext format=\"html\">%s</questiontext>\n", moodleField(q, text))
	explanation := ""
	if k == 0 {
		explanation = q.Explanation
	}
	fmt.Fprintf(w, "  <generalfeedback format=\"html\">%s</generalfeedback>\n", moodleField(q, htmlLines(explanation)))
	fmt.Fprintf(w, "  <defaultgrade>%s</defaultgrade>\n  <penalty>0</penalty>\n  <hidden>0</hidden>\n", p.Points)
	w.WriteString("  <responseformat>plain</responseformat>\n  <responserequired>1</responserequired>\n  <responsefieldlines>15</responsefieldlines>\n  <attachments>0</attachments>\n")
	fmt.Fprintf(w, "  <graderinfo format=\"html\"><text>%s</text></graderinfo>\n", moodleHTML(partGuide(p)))
	fmt.Fprintf(w, "  <tags><tag><text>%s</text></tag></tags>\n</question>\n", xmlText(q.Unit))
}

// partGuide is the reference answer and the 采分点 of p in the lines of the 小题 cell.
func partGuide(p *content.CasePart) string {
	lines := []string{"参考答案：" + p.Reference}
	for _, r := range p.Rubric {
		l := fmt.Sprintf("采分点（%s分）：%s；关键词：%s", r.Score, r.Point, strings.Join(r.Keywords, "、"))
		if len(r.Synonyms) > 0 {
			l += "；同义词：" + strings.Join(r.Synonyms, "、")
		}
		for _, pair := range r.Pairs {
			l += "；搭配：" + strings.Join(pair, "—")
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}
