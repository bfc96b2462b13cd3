package format

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Moodle XML (<quiz><question type="…">): multichoice (single or multiple by <single>),
// truefalse; category entries set the category. The knowledge point comes from a tag,
// the question's name or the last part of the category, as for GIFT. HTML in texts is
// reduced to plain text. An essay is read only as part of a case this program exported
// (moodlexml_write.go); other question types are row errors. QTI is read in qti.go.
type moodleText struct {
	Format string       `xml:"format,attr"`
	Text   string       `xml:"text"`
	Files  []moodleFile `xml:"file"`
}

// moodleFile is a file stored with a Moodle text, addressed there as @@PLUGINFILE@@/name.
type moodleFile struct {
	Name     string `xml:"name,attr"`
	Encoding string `xml:"encoding,attr"`
	Data     string `xml:",chardata"`
}

type moodleQuestion struct {
	Type            string     `xml:"type,attr"`
	Name            moodleText `xml:"name"`
	QuestionText    moodleText `xml:"questiontext"`
	GeneralFeedback moodleText `xml:"generalfeedback"`
	Single          string     `xml:"single"`
	Category        moodleText `xml:"category"`
	Answers         []struct {
		moodleText
		Fraction string `xml:"fraction,attr"`
	} `xml:"answer"`
	Tags []moodleText `xml:"tags>tag"`
	// Moodle 1.9 kept a question's one image apart from its text; Moodle shows it after
	// the text, and so do we.
	Image       string `xml:"image"`
	ImageBase64 string `xml:"image_base64"`
}

// plainText is the text of a Moodle field that carries no image (a name, tag, category
// or true/false answer), read by the one HTML policy.
func (t moodleText) plainText() string {
	s, err := t.read(&richText{}, "name")
	if err != nil {
		return cleanLines(t.Text)
	}
	return s
}

// richText is a reader of the question's texts with every file the question carries.
func (mq *moodleQuestion) richText() (*richText, error) {
	r := &richText{files: map[string][]byte{}}
	texts := []moodleText{mq.QuestionText, mq.GeneralFeedback}
	for _, a := range mq.Answers {
		texts = append(texts, a.moodleText)
	}
	for _, t := range texts {
		for _, f := range t.Files {
			data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(f.Data), ""))
			if err != nil || (f.Encoding != "" && f.Encoding != "base64") {
				return nil, content.Invalid("file", "附带的文件 %s 无法读取（应为 base64 编码）", f.Name)
			}
			r.files[f.Name] = data
		}
	}
	if name := strings.TrimSpace(mq.Image); name != "" && strings.TrimSpace(mq.ImageBase64) != "" {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(mq.ImageBase64), ""))
		if err != nil {
			return nil, content.Invalid("image", "图片 %s 无法读取（应为 base64 编码）", name)
		}
		r.files[path.Base(name)] = data
	}
	return r, nil
}

// read is the text of a field of the question as a candidate reads it (see richText).
func (t moodleText) read(r *richText, field string) (string, error) {
	format := t.Format
	if format == "" {
		format = textHTML
	}
	return r.read(field, t.Text, format)
}

func readMoodleXML(b []byte, syl *Syllabus) (*Result, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var items []Item
	var problems []content.RowError
	category := ""
	root := ""
	n := 0
	pending := ""  // the csmexam comment before the next question
	restParts := 0 // essays still to come of the case just read
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, content.Invalid("file", "XML 格式错误（第 %d 行）：%s", line, err)
		}
		if c, ok := tok.(xml.Comment); ok {
			if m, ok := strings.CutPrefix(strings.TrimSpace(string(c)), moodleMetaPrefix); ok {
				pending = m
			}
			continue
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = start.Name.Local
			if root != "quiz" {
				return nil, content.Invalid("file", "只支持 Moodle XML（根元素 <quiz>）或 QTI 题目（根元素 assessmentItem），而这个文件的根元素是 <%s>", root)
			}
			continue
		}
		if start.Name.Local != "question" {
			continue
		}
		line, _ := dec.InputPos()
		var mq moodleQuestion
		if err := dec.DecodeElement(&mq, &start); err != nil {
			return nil, content.Invalid("file", "XML 格式错误（第 %d 行）：%s", line, err)
		}
		if mq.Type == "category" {
			category = mq.Category.plainText()
			continue
		}
		meta, rerr := decodeMoodleMeta(pending, line)
		pending = ""
		if rerr == nil && mq.Type == "essay" && meta.Part > 1 {
			// A later part of the case read at its first essay.
			if restParts == 0 {
				problems = append(problems, content.RowError{Row: line, Field: "csmexam", Message: fmt.Sprintf("第 %d 小题前面没有它所属案例的第 1 小题", meta.Part)})
			}
			restParts = max(0, restParts-1)
			continue
		}
		restParts = max(0, len(meta.Parts)-1)
		if n++; n > MaxRows {
			return nil, tooManyRows()
		}
		if rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		q, faults := mq.question(line, category, meta, syl)
		if len(faults) > 0 {
			problems = append(problems, faults...)
			continue
		}
		items = append(items, Item{Row: line, Question: q})
	}
	if root == "" {
		return nil, content.Invalid("file", "文件是空的")
	}
	return dedupe(items, problems, "stem"), nil
}

// question reads one question; its faults name the API field and the line it starts
// on. A fault that leaves the question unreadable (its files, a type we do not import)
// ends the reading; the others are all reported.
func (mq *moodleQuestion) question(line int, category string, meta moodleMeta, syl *Syllabus) (content.Question, []content.RowError) {
	f := &questionFaults{line: line, name: mq.Name.plainText()}
	fail := func(field, format string, args ...any) (content.Question, []content.RowError) {
		f.add(field, format, args...)
		return content.Question{}, f.list
	}
	rt, err := mq.richText()
	if err != nil {
		f.text("", err)
		return content.Question{}, f.list
	}
	stemHTML := mq.QuestionText
	if name := strings.TrimSpace(mq.Image); name != "" {
		stemHTML.Text += `<p><img src="` + pluginFile + html.EscapeString(url.PathEscape(path.Base(name))) + `"></p>`
	}
	q := content.Question{Difficulty: DefaultDifficulty}
	if q.Stem, err = stemHTML.read(rt, "stem"); err != nil {
		f.text("", err)
	}
	if q.Explanation, err = mq.GeneralFeedback.read(rt, "explanation"); err != nil {
		f.text("", err)
	}
	switch mq.Type {
	case "truefalse":
		q.Type = content.TrueFalse
		for _, a := range mq.Answers {
			if fraction, _ := strconv.ParseFloat(a.Fraction, 64); fraction <= 0 {
				continue
			}
			tf, err := trueFalseAnswer(a.plainText(), nil)
			if err != nil {
				return fail("answer", "%s", err)
			}
			q.Answer = []string{tf}
		}
	case "multichoice":
		q.Type = content.Multiple
		if strings.TrimSpace(mq.Single) == "true" || mq.Single == "1" {
			q.Type = content.Single
		}
		answers := mq.Answers
		if len(answers) > len(optionLetters) {
			f.add("options", "选项不能超过 %d 个", len(optionLetters))
			answers = answers[:len(optionLetters)]
		}
		for i, a := range answers {
			key := optionLetters[i : i+1]
			text, err := a.read(rt, "options")
			if err != nil {
				f.text("选项 "+key+"：", err)
			}
			q.Options = append(q.Options, content.Option{Key: key, Text: text})
			fraction, err := strconv.ParseFloat(strings.TrimSpace(a.Fraction), 64)
			if err != nil && strings.TrimSpace(a.Fraction) != "" {
				f.add("answer", "选项 %s 的 fraction“%s”不是数字", key, a.Fraction)
			}
			if fraction > 0 {
				q.Answer = append(q.Answer, key)
			}
		}
	case "essay":
		if meta.Part != 1 || len(meta.Parts) == 0 {
			return fail("type", "不支持的题型：论述题（Moodle essay 只能作为本系统导出的案例分析题导入，题前带 csmexam 注释）")
		}
		q.Type, q.Stem, q.Form, q.Material, q.Parts = content.Case, meta.Stem, meta.Form, meta.Material, meta.Parts
	default:
		name, ok := moodleTypeNames[mq.Type]
		if !ok {
			name = mq.Type
		}
		return fail("type", "不支持的题型：%s（Moodle %s；只导入 multichoice 与 truefalse）", name, mq.Type)
	}
	if meta.Difficulty != 0 {
		q.Difficulty = meta.Difficulty
	}
	q.Source, q.Attachments = meta.Source, rt.images
	if meta.Unit != "" {
		unit, err := syl.unit(meta.Unit)
		return f.finish(q, unit, err, syl)
	}
	var tags []string
	for _, t := range mq.Tags {
		tags = append(tags, t.plainText())
	}
	unit, err := moodleUnit(tags, f.name, category, syl)
	return f.finish(q, unit, err, syl)
}

// moodleTypeNames name Moodle's other question types in the report.
var moodleTypeNames = map[string]string{
	"matching": "匹配题", "cloze": "完形填空题", "multianswer": "完形填空题", "numerical": "数值题",
	"shortanswer": "填空/简答题", "description": "说明（不是题目）", "calculated": "计算题",
	"calculatedsimple": "计算题", "calculatedmulti": "计算题", "ddwtos": "拖放题", "ddimageortext": "拖放题",
	"ddmarker": "拖放题", "gapselect": "选词填空题", "randomsamatch": "随机匹配题", "ordering": "排序题",
}

// moodleUnit is the first tag naming a knowledge point, else as for GIFT.
func moodleUnit(tags []string, name, category string, syl *Syllabus) (string, error) {
	for _, t := range tags {
		if u, err := syl.unit(t); err == nil {
			return u, nil
		}
	}
	return giftUnit("", name, category, syl)
}

// decodeMoodleMeta reads the csmexam comment before the question at line, if any.
func decodeMoodleMeta(s string, line int) (moodleMeta, *content.RowError) {
	var meta moodleMeta
	if s == "" {
		return meta, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return meta, &content.RowError{Row: line, Field: "csmexam", Message: "注释中的题目信息无法读取（" + jsonProblem(err) + "）"}
	}
	return meta, nil
}
