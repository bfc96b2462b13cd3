package format

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// QTI 2.1 and 3.0 (1EdTech Question and Test Interoperability), items in an IMS content
// package: a zip whose imsmanifest.xml lists one resource per item, each item in the
// folder of its chapter. Objective questions are a choiceInteraction (maxChoices 1 or
// none) scored by the standard match_correct template; a case is one
// extendedTextInteraction per part, each followed by a scorer's rubricBlock with the
// reference answer and the 采分点 in the lines of the 小题 cell; the explanation is a
// tutor's rubricBlock. What QTI has no place for (knowledge point, difficulty, source,
// form, keyword synonyms and pairs) travels in a comment, as in the GIFT and Moodle
// exports. 3.0 spells the same elements qti-kebab-case; the reader folds both spellings
// into one, so one reader reads both versions.

// qtiVersion is what differs between the two versions' files.
type qtiVersion struct {
	ns, schemaLocation, template string
	resourceType, cpNS, cpSchema string
	kebab                        bool // 3.0: qti-choice-interaction, response-identifier
}

var (
	qti21 = qtiVersion{
		ns:             "http://www.imsglobal.org/xsd/imsqti_v2p1",
		schemaLocation: "http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
		template:       "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
		resourceType:   "imsqti_item_xmlv2p1",
		cpNS:           "http://www.imsglobal.org/xsd/imscp_v1p1",
		cpSchema:       "QTIv2.1 Package",
	}
	qti30 = qtiVersion{
		ns:             "http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
		schemaLocation: "http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd",
		template:       "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
		resourceType:   "imsqti_item_xmlv3p0",
		cpNS:           "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
		cpSchema:       "QTI Package",
		kebab:          true,
	}
)

// htmlElements are the XHTML elements the items use; every other element is QTI's.
var htmlElements = []string{"p", "div", "br", "ul", "li", "span", "em", "strong", "b", "i", "sub", "sup", "table", "tr", "td", "th", "tbody", "thead", "ol", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "a", "img", "object", "audio", "video", "math", "code", "small", "big", "q", "abbr", "cite", "dfn", "kbd", "samp", "var", "tt", "hr", "col", "colgroup", "caption", "tfoot", "dl", "dt", "dd", "address"}

// qnode is an element of an item, or (name "") a run of text.
type qnode struct {
	name  string
	attrs [][2]string
	text  string
	kids  []*qnode
}

func qel(name string, attrs ...string) *qnode {
	n := &qnode{name: name}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attrs = append(n.attrs, [2]string{attrs[i], attrs[i+1]})
	}
	return n
}

func (n *qnode) add(kids ...*qnode) *qnode {
	n.kids = append(n.kids, kids...)
	return n
}

func (n *qnode) attr(name string) string {
	for _, a := range n.attrs {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}

// qpara is a <p> of s, its lines separated by <br/>.
func qpara(s string) *qnode {
	p := qel("p")
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			p.add(qel("br"))
		}
		if line != "" {
			p.add(&qnode{text: line})
		}
	}
	return p
}

// kebab is a camelCase name in kebab-case ("responseIdentifier" → "response-identifier").
func kebab(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('-')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camel is a kebab-case name in camelCase.
func camel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '-':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// spell names element or attribute name (2.1 spelling) as version v writes it.
func (v qtiVersion) spell(name string, element bool) string {
	if !v.kebab || strings.Contains(name, ":") || slices.Contains(htmlElements, name) && element || name == "class" {
		return name
	}
	if element {
		return "qti-" + kebab(name)
	}
	return kebab(name)
}

// write writes n and its subtree to b, each element on a line of its own at depth, except
// in mixed content, where added whitespace would change the text.
func (v qtiVersion) write(b *bytes.Buffer, n *qnode, depth int, inline bool) {
	switch n.name {
	case "":
		xml.EscapeText(b, []byte(n.text))
		return
	case "!--":
		if !inline {
			b.WriteString(strings.Repeat("  ", depth))
		}
		b.WriteString("<!--" + n.text + "-->")
		if !inline {
			b.WriteByte('\n')
		}
		return
	}
	if !inline {
		b.WriteString(strings.Repeat("  ", depth))
	}
	b.WriteString("<" + v.spell(n.name, true))
	for _, a := range n.attrs {
		b.WriteString(" " + v.spell(a[0], false) + `="`)
		xml.EscapeText(b, []byte(a[1]))
		b.WriteByte('"')
	}
	mixed := inline || slices.ContainsFunc(n.kids, func(k *qnode) bool { return k.name == "" }) || n.name == "p"
	switch {
	case len(n.kids) == 0:
		b.WriteString("/>")
	case mixed:
		b.WriteByte('>')
		for _, k := range n.kids {
			v.write(b, k, depth+1, true)
		}
		b.WriteString("</" + v.spell(n.name, true) + ">")
	default:
		b.WriteString(">\n")
		for _, k := range n.kids {
			v.write(b, k, depth+1, false)
		}
		b.WriteString(strings.Repeat("  ", depth) + "</" + v.spell(n.name, true) + ">")
	}
	if !inline {
		b.WriteByte('\n')
	}
}

// rubricBlock is a rubric for view holding blocks; 3.0 says what it is for (use:
// "scoring", or an "ext:" word of ours) and wraps the blocks in a content body.
func (v qtiVersion) rubricBlock(view, use string, blocks ...*qnode) *qnode {
	rb := qel("rubricBlock", "view", view)
	if v.kebab {
		rb.attrs = append(rb.attrs, [2]string{"use", use})
		return rb.add(qel("contentBody").add(blocks...))
	}
	return rb.add(blocks...)
}

// metaComment is meta as a comment ("--" may not occur in one; JSON says it "-\u002d").
func metaComment(meta any) (*qnode, error) {
	m, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	return &qnode{name: "!--", text: " " + moodleMetaPrefix + " " + strings.ReplaceAll(string(m), "--", `-\u002d`) + " "}, nil
}

// item is question q as the item id.
func (v qtiVersion) item(q *content.Question, id string) (*qnode, error) {
	meta := giftMeta{Unit: q.Unit, Difficulty: q.Difficulty, Source: q.Source, Form: q.Form, Material: q.Material, Parts: q.Parts}
	comment, err := metaComment(meta)
	if err != nil {
		return nil, err
	}
	root := qel("assessmentItem", "xmlns", v.ns, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance", "xsi:schemaLocation", v.schemaLocation,
		"identifier", id, "title", q.Unit+" "+q.Type.Name(), "adaptive", "false", "timeDependent", "false", "xml:lang", "zh-CN")
	root.add(comment)
	body := qel("itemBody")
	body.add(qel("div", "class", "stem").add(qpara(q.Stem)))
	if q.Type == content.Case {
		for k := range q.Parts {
			root.add(qel("responseDeclaration", "identifier", fmt.Sprintf("RESPONSE_%d", k+1), "cardinality", "single", "baseType", "string"))
		}
		if q.Material != "" {
			body.add(qel("div", "class", "material").add(qpara(q.Material)))
		}
		for k := range q.Parts {
			p := &q.Parts[k]
			body.add(qel("extendedTextInteraction", "responseIdentifier", fmt.Sprintf("RESPONSE_%d", k+1)).
				add(qel("prompt").add(&qnode{text: fmt.Sprintf("第%d小题（%s分）：%s", k+1, p.Points, p.Prompt)})))
			var guide []*qnode
			for _, line := range strings.Split(partGuide(p), "\n") {
				guide = append(guide, qpara(line))
			}
			body.add(v.rubricBlock("scorer", "scoring", guide...))
		}
	} else {
		card, maxChoices := "single", "1"
		if q.Type == content.Multiple {
			card, maxChoices = "multiple", "0"
		}
		correct := qel("correctResponse")
		for _, a := range q.Answer {
			correct.add(qel("value").add(&qnode{text: a}))
		}
		root.add(qel("responseDeclaration", "identifier", "RESPONSE", "cardinality", card, "baseType", "identifier").add(correct))
		choices := qel("choiceInteraction", "responseIdentifier", "RESPONSE", "shuffle", "false", "maxChoices", maxChoices)
		for _, o := range q.OptionKeys() {
			choices.add(qel("simpleChoice", "identifier", o).add(&qnode{text: optionText(q, o)}))
		}
		body.add(choices)
	}
	if q.Explanation != "" {
		body.add(v.rubricBlock("tutor", "ext:explanation", qpara(q.Explanation)))
	}
	root.add(qel("outcomeDeclaration", "identifier", "SCORE", "cardinality", "single", "baseType", "float"))
	root.add(body)
	if q.Type != content.Case {
		root.add(qel("responseProcessing", "template", v.template))
	}
	placeImages(body, q)
	return root, nil
}

// qtiImagePath is where a package keeps attachment a, relative to its item's file: one
// folder per content, so equal names of different images do not collide.
func qtiImagePath(a content.Attachment) string {
	return path.Join("images", a.SHA256[:16], a.Name)
}

// placeImages turns the image markers in the texts under n into <img>s of q's attachments.
func placeImages(n *qnode, q *content.Question) {
	var kids []*qnode
	for _, k := range n.kids {
		if k.name != "" {
			placeImages(k, q)
			kids = append(kids, k)
			continue
		}
		rest := k.text
		for _, name := range content.ImageMarkers(k.text) {
			a, ok := q.Attachment(name)
			before, after, _ := strings.Cut(rest, content.ImageMarker(name))
			if !ok {
				continue
			}
			if before != "" {
				kids = append(kids, &qnode{text: before})
			}
			kids = append(kids, qel("img", "src", (&url.URL{Path: qtiImagePath(a)}).String(), "alt", "图："+name))
			rest = after
		}
		if rest != "" {
			kids = append(kids, &qnode{text: rest})
		}
	}
	n.kids = kids
}

// optionText is the text of q's option key (true/false questions have fixed options).
func optionText(q *content.Question, key string) string {
	opts := q.Options
	if q.Type == content.TrueFalse {
		opts = content.TrueFalseOptions
	}
	for _, o := range opts {
		if o.Key == key {
			return o.Text
		}
	}
	return ""
}

// xmlDoc is n as an XML document.
func (v qtiVersion) xmlDoc(n *qnode) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	v.write(&buf, n, 0, false)
	return buf.Bytes()
}

// writePackage writes qs as an IMS content package of items of version v.
func (v qtiVersion) writePackage(w io.Writer, qs []content.Question) error {
	zw := zip.NewWriter(w)
	resources := qel("resources")
	images := map[string]bool{} // files of the package so far
	for i := range qs {
		id := fmt.Sprintf("Q%04d", i+1)
		href := path.Join("items", chapterOf(qs[i].Unit), id+".xml")
		item, err := v.item(&qs[i], id)
		if err != nil {
			return err
		}
		f, err := zw.Create(href)
		if err != nil {
			return err
		}
		if _, err := f.Write(v.xmlDoc(item)); err != nil {
			return err
		}
		res := qel("resource", "identifier", "RES-"+id, "type", v.resourceType, "href", href).add(qel("file", "href", href))
		for _, a := range qs[i].Attachments {
			name := path.Join(path.Dir(href), qtiImagePath(a))
			if _, written := images[name]; !written {
				images[name] = true
				f, err := zw.Create(name)
				if err != nil {
					return err
				}
				if _, err := f.Write(a.Data); err != nil {
					return err
				}
			}
			res.add(qel("file", "href", name))
		}
		resources.add(res)
	}
	manifest := qel("manifest", "xmlns", v.cpNS, "identifier", "csmexam-bank").add(
		qel("metadata").add(qel("schema").add(&qnode{text: v.cpSchema}), qel("schemaversion").add(&qnode{text: map[bool]string{false: "2.1", true: "3.0.0"}[v.kebab]})),
		qel("organizations"),
		resources)
	f, err := zw.Create("imsmanifest.xml")
	if err != nil {
		return err
	}
	// The manifest is IMS CP's, spelled as is in both versions.
	if _, err := f.Write(qtiVersion{}.xmlDoc(manifest)); err != nil {
		return err
	}
	return zw.Close()
}

func writeBankQTI21(w io.Writer, qs []content.Question) error { return qti21.writePackage(w, qs) }
func writeBankQTI30(w io.Writer, qs []content.Question) error { return qti30.writePackage(w, qs) }

// ---- reading ----

// parseQTI reads an XML document into a tree, 3.0 names folded into 2.1's, comments
// kept as "!--" nodes.
func parseQTI(b []byte) (*qnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*qnode
	var root *qnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, fmt.Errorf("XML 格式错误（第 %d 行）：%s", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &qnode{name: foldName(t.Name.Local, true)}
			for _, a := range t.Attr {
				if a.Name.Space == "" {
					n.attrs = append(n.attrs, [2]string{foldName(a.Name.Local, false), a.Value})
				}
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("XML 有不止一个根元素")
				}
				root = n
			} else {
				stack[len(stack)-1].add(n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].add(&qnode{text: string(t)})
			}
		case xml.Comment:
			if len(stack) > 0 {
				stack[len(stack)-1].add(&qnode{name: "!--", text: string(t)})
			}
		}
	}
	if root == nil {
		return nil, errors.New("文件是空的")
	}
	return root, nil
}

// foldName is a 3.0 name in 2.1's spelling.
func foldName(s string, element bool) string {
	if element {
		if rest, ok := strings.CutPrefix(s, "qti-"); ok {
			return camel(rest)
		}
		return s
	}
	return camel(s)
}

// qtiReject is why an item is refused, with the field it is about.
type qtiReject struct{ field, msg string }

func (r *qtiReject) Error() string { return r.msg }

func reject(field, format string, args ...any) error {
	return &qtiReject{field, fmt.Sprintf(format, args...)}
}

// sourceBreaks are the line breaks and indentation of an XML file's layout; spaces
// within a line are the text's own ("（  ）" is a blank to fill in).
var sourceBreaks = regexp.MustCompile(`[ ]*[\r\n\t][\s]*`)

// textOf is the text a candidate reads in n: the file's layout read as one space, <br>
// and blocks as line breaks. An image, media or formula in it refuses the item.
func textOf(n *qnode) (string, error) {
	var b strings.Builder
	var walk func(n *qnode) error
	walk = func(n *qnode) error {
		switch n.name {
		case "":
			b.WriteString(sourceBreaks.ReplaceAllString(n.text, " "))
			return nil
		case "!--":
			return nil
		case "br":
			b.WriteByte('\n')
			return nil
		case "audio", "video":
			return reject("stem", "%s", errMedia)
		case "img", "object", "math", "printedVariable", "include":
			return reject("stem", "含有 <%s>（媒体或公式），尚不能导入", n.name)
		}
		if strings.HasSuffix(n.name, "Interaction") {
			return reject("type", "不支持 QTI 的 %s（只导入 choiceInteraction 与 extendedTextInteraction）", n.name)
		}
		block := slices.Contains([]string{"p", "div", "li", "tr", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "prompt", "simpleChoice"}, n.name)
		if block {
			b.WriteByte('\n')
		}
		for _, k := range n.kids {
			if err := walk(k); err != nil {
				return err
			}
		}
		if block {
			b.WriteByte('\n')
		}
		return nil
	}
	if err := walk(n); err != nil {
		return "", err
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), nil
}

// qtiItem is what an item's body holds, in order.
type qtiItem struct {
	stem, material, explanation []string
	choices                     []*qnode // choiceInteractions
	essays                      []*qnode // extendedTextInteractions
	guides                      [][]string
	meta                        string
}

// collect walks the item body.
func (it *qtiItem) collect(n *qnode) error {
	for _, k := range n.kids {
		switch {
		case k.name == "" || k.name == "!--":
			if k.name == "" && strings.TrimSpace(k.text) != "" {
				it.stem = append(it.stem, strings.TrimSpace(k.text))
			}
		case k.name == "choiceInteraction":
			it.choices = append(it.choices, k)
		case k.name == "extendedTextInteraction":
			it.essays = append(it.essays, k)
			it.guides = append(it.guides, nil)
		case strings.HasSuffix(k.name, "Interaction"):
			return reject("type", "不支持 QTI 的 %s（只导入 choiceInteraction 与 extendedTextInteraction）", k.name)
		case k.name == "rubricBlock" || k.name == "feedbackBlock" || k.name == "modalFeedback" || k.name == "templateBlock":
			t, err := textOf(k)
			if err != nil {
				return err
			}
			switch {
			case k.name == "rubricBlock" && strings.Contains(" "+k.attr("view")+" ", " scorer ") && len(it.essays) > 0:
				g := &it.guides[len(it.guides)-1]
				*g = append(*g, t)
			case k.name == "rubricBlock" && strings.Contains(k.attr("view"), "candidate"):
				it.stem = append(it.stem, t)
			default:
				it.explanation = append(it.explanation, t)
			}
		case k.name == "div" && k.attr("class") == "material":
			t, err := textOf(k)
			if err != nil {
				return err
			}
			it.material = append(it.material, t)
		case k.attr("class") != "stem" && containsInteraction(k):
			if err := it.collect(k); err != nil {
				return err
			}
		default:
			t, err := textOf(k)
			if err != nil {
				return err
			}
			if t != "" {
				it.stem = append(it.stem, t)
			}
		}
	}
	return nil
}

func containsInteraction(n *qnode) bool {
	for _, k := range n.kids {
		if strings.HasSuffix(k.name, "Interaction") || k.name == "rubricBlock" || containsInteraction(k) {
			return true
		}
	}
	return false
}

// qtiQuestion reads one item. The error is a *qtiReject or a problem of the XML.
func qtiQuestion(root *qnode) (content.Question, giftMeta, error) {
	var meta giftMeta
	if root.name != "assessmentItem" {
		return content.Question{}, meta, reject("file", "不是 QTI 题目：根元素是 <%s>，应为 assessmentItem 或 qti-assessment-item", root.name)
	}
	it := qtiItem{}
	var body *qnode
	declared := map[string]*qnode{}
	for _, k := range root.kids {
		switch k.name {
		case "!--":
			if m, ok := strings.CutPrefix(strings.TrimSpace(k.text), moodleMetaPrefix); ok {
				it.meta = strings.TrimSpace(m)
			}
		case "itemBody":
			body = k
		case "responseDeclaration":
			declared[k.attr("identifier")] = k
		case "modalFeedback":
			if t, err := textOf(k); err == nil && t != "" {
				it.explanation = append(it.explanation, t)
			}
		}
	}
	if it.meta != "" {
		dec := json.NewDecoder(strings.NewReader(it.meta))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&meta); err != nil {
			return content.Question{}, meta, reject("csmexam", "注释中的题目信息无法读取（%s）", jsonProblem(err))
		}
	}
	if body == nil {
		return content.Question{}, meta, reject("stem", "没有 itemBody")
	}
	if err := it.collect(body); err != nil {
		return content.Question{}, meta, err
	}
	q := content.Question{Stem: strings.Join(it.stem, "\n"), Explanation: strings.Join(it.explanation, "\n"), Difficulty: DefaultDifficulty, Source: meta.Source}
	if meta.Difficulty != 0 {
		q.Difficulty = meta.Difficulty
	}
	switch {
	case len(it.choices) == 1 && len(it.essays) == 0:
		if err := readChoice(&q, it.choices[0], declared); err != nil {
			return q, meta, err
		}
	case len(it.essays) > 0 && len(it.choices) == 0:
		q.Type, q.Form, q.Material = content.Case, meta.Form, strings.Join(it.material, "\n")
		if len(meta.Parts) > 0 {
			q.Parts, q.Material = meta.Parts, meta.Material
			break
		}
		if q.Material == "" && q.Form == "" {
			q.Form = content.Essay // asked on its own, as a 论述, not about material
		}
		for k, e := range it.essays {
			prompt, err := textOf(qel("div").add(e.kids...))
			if err != nil {
				return q, meta, err
			}
			if !casePartLine.MatchString(prompt) {
				prompt = fmt.Sprintf("第%d小题（0分）：%s", k+1, prompt)
			}
			parts, err := caseTextParts(strings.Join(append([]string{prompt}, it.guides[k]...), "\n"))
			if err != nil {
				return q, meta, reject("parts", "%s", err)
			}
			q.Parts = append(q.Parts, parts...)
		}
	case len(it.choices)+len(it.essays) == 0:
		return q, meta, reject("type", "没有可作答的 interaction")
	default:
		return q, meta, reject("type", "一道题里有 %d 个选择和 %d 个作答框：只导入一个选择，或只有作答框的案例分析题", len(it.choices), len(it.essays))
	}
	return q, meta, nil
}

// readChoice reads a choiceInteraction and its declared correct response into q.
func readChoice(q *content.Question, ci *qnode, declared map[string]*qnode) error {
	decl := declared[ci.attr("responseIdentifier")]
	if decl == nil {
		return reject("answer", "choiceInteraction 的 responseIdentifier“%s”没有 responseDeclaration", ci.attr("responseIdentifier"))
	}
	var correct []string
	for _, k := range decl.kids {
		if k.name == "correctResponse" {
			for _, v := range k.kids {
				if v.name == "value" {
					t, _ := textOf(v)
					correct = append(correct, t)
				}
			}
		}
	}
	if len(correct) == 0 {
		return reject("answer", "没有正确答案（correctResponse）")
	}
	var ids, texts []string
	for _, k := range ci.kids {
		switch k.name {
		case "prompt":
			t, err := textOf(k)
			if err != nil {
				return err
			}
			q.Stem = strings.TrimSpace(q.Stem + "\n" + t)
		case "simpleChoice":
			t, err := textOf(k)
			if err != nil {
				return err
			}
			ids, texts = append(ids, k.attr("identifier")), append(texts, t)
		}
	}
	if slices.Equal(ids, []string{"T", "F"}) && slices.Equal(texts, []string{"正确", "错误"}) {
		q.Type, q.Answer = content.TrueFalse, correct
		return nil
	}
	if len(ids) > len(optionLetters) {
		return reject("options", "选项不能超过 %d 个", len(optionLetters))
	}
	q.Type = content.Single
	if decl.attr("cardinality") == "multiple" {
		q.Type = content.Multiple
	}
	for i, id := range ids {
		key := optionLetters[i : i+1]
		q.Options = append(q.Options, content.Option{Key: key, Text: texts[i]})
		if slices.Contains(correct, id) {
			q.Answer = append(q.Answer, key)
		}
	}
	if len(q.Answer) != len(correct) {
		return reject("answer", "正确答案“%s”不是这道题的选项", strings.Join(correct, ","))
	}
	return nil
}

// qtiImages replaces every <img> under n with the marker of its attachment in rt. The
// image is a data: address or a file of the package, its src relative to the item's
// file name; files reads the package (nil for a lone item file).
func qtiImages(n *qnode, rt *richText, name string, files func(string) ([]byte, error)) error {
	for i, k := range n.kids {
		if k.name != "img" {
			if err := qtiImages(k, rt, name, files); err != nil {
				return err
			}
			continue
		}
		src := k.attr("src")
		if local := fileName(src); files != nil && src != "" && !strings.Contains(src, ":") {
			data, err := files(path.Join(path.Dir(name), local))
			if err != nil {
				return reject("stem", "题中图片 %s 不在包中", local)
			}
			rt.files[local] = data
		}
		marker, err := rt.image("stem", src)
		if e, ok := errs.As(err); ok {
			return reject(e.Field, "%s", e.Message)
		}
		n.kids[i] = &qnode{text: marker}
	}
	return nil
}

// qtiRow reads the item at row (its file named name) into an item of the result; files
// reads the other files of its package (nil for a lone item).
func qtiRow(b []byte, name string, row int, syl *Syllabus, files func(string) ([]byte, error)) (Item, *content.RowError) {
	fail := func(field, msg string) (Item, *content.RowError) {
		if name != "" {
			msg = name + "：" + msg
		}
		return Item{}, &content.RowError{Row: row, Field: field, Message: msg}
	}
	root, err := parseQTI(b)
	if err != nil {
		return fail("file", err.Error())
	}
	rt := &richText{files: map[string][]byte{}}
	err = qtiImages(root, rt, name, files)
	var q content.Question
	var meta giftMeta
	if err == nil {
		q, meta, err = qtiQuestion(root)
		q.Attachments = rt.images
	}
	var rj *qtiReject
	if errors.As(err, &rj) {
		return fail(rj.field, rj.msg)
	}
	if err != nil {
		return fail("file", err.Error())
	}
	// A package's folder is the item's category.
	category := path.Dir(name)
	if category == "." || name == "" {
		category = ""
	}
	unit, uerr := giftUnit(meta.Unit, root.attr("title"), category, syl)
	q, rerr := withUnit(q, row, unit, uerr, syl)
	if rerr != nil {
		return fail(rerr.Field, rerr.Message)
	}
	return Item{Row: row, Question: q}, nil
}

// readQTIItem reads a lone item file.
func readQTIItem(b []byte, syl *Syllabus) (*Result, error) {
	it, rerr := qtiRow(b, "", 1, syl, nil)
	if rerr != nil {
		return &Result{Errors: []content.RowError{*rerr}, stemField: "stem"}, nil
	}
	return dedupe([]Item{it}, nil, "stem"), nil
}

// readQTIPackage reads the items an IMS content package lists, in its manifest's order;
// row n is the package's n-th item.
func readQTIPackage(b []byte, syl *Syllabus) (*Result, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, content.Invalid("file", "不是有效的 zip 文件（%s）", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[path.Clean(f.Name)] = f
	}
	unzipped := 0
	readFile := func(name string) ([]byte, error) {
		f := files[path.Clean(name)]
		if f == nil {
			return nil, fmt.Errorf("包中没有文件 %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, int64(MaxFileBytes-unzipped)+1))
		if err != nil {
			return nil, err
		}
		if unzipped += len(data); unzipped > MaxFileBytes {
			return nil, content.Invalid("file", "解压后超过 %d MB，请拆分后分批导入", MaxFileBytes>>20)
		}
		return data, nil
	}
	mb, err := readFile("imsmanifest.xml")
	if err != nil {
		return nil, content.Invalid("file", "不是 IMS 内容包：zip 的根目录没有 imsmanifest.xml")
	}
	manifest, err := parseQTI(mb)
	if err != nil || manifest.name != "manifest" {
		return nil, content.Invalid("file", "imsmanifest.xml 无法读取（%v）", err)
	}
	var hrefs []string
	for _, k := range manifest.kids {
		if k.name != "resources" {
			continue
		}
		for _, r := range k.kids {
			if r.name == "resource" && strings.HasPrefix(r.attr("type"), "imsqti_item_xmlv") {
				hrefs = append(hrefs, r.attr("href"))
			}
		}
	}
	if len(hrefs) == 0 {
		return nil, content.Invalid("file", "imsmanifest.xml 没有列出 QTI 题目（type 为 imsqti_item_xmlv2p1 或 imsqti_item_xmlv3p0 的 resource）")
	}
	if len(hrefs) > MaxRows {
		return nil, tooManyRows()
	}
	var items []Item
	var problems []content.RowError
	for i, href := range hrefs {
		data, err := readFile(href)
		if _, tooLarge := errs.As(err); tooLarge {
			return nil, err
		}
		if err != nil {
			problems = append(problems, content.RowError{Row: i + 1, Field: "file", Message: href + "：" + err.Error()})
			continue
		}
		it, rerr := qtiRow(data, href, i+1, syl, readFile)
		if rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		items = append(items, it)
	}
	return dedupe(items, problems, "stem"), nil
}

// readXML tells Moodle XML from a QTI item by the root element.
func readXML(b []byte, syl *Syllabus) (*Result, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return readMoodleXML(b, syl) // its reader says what is wrong
		}
		if start, ok := tok.(xml.StartElement); ok {
			switch foldName(start.Name.Local, true) {
			case "assessmentItem":
				return readQTIItem(b, syl)
			case "manifest":
				return nil, content.Invalid("file", "imsmanifest.xml 要与它列出的题目文件一起打成 .zip 上传")
			}
			return readMoodleXML(b, syl)
		}
	}
}

// ExportFor is the export format a file name's extension stands for: .xlsx, .csv,
// .json and .gift their own, .xml Moodle XML, .zip a QTI 2.1 package; "" for none.
func ExportFor(name string) string {
	switch ext := strings.TrimPrefix(strings.ToLower(path.Ext(name)), "."); ext {
	case "xml":
		return "moodle"
	case "zip":
		return "qti21"
	default:
		if _, ok := Exports[ext]; ok {
			return ext
		}
		return ""
	}
}

// ImportName is the name under which Read reads a file named name that its sender says
// is in format (an export's name: moodle, qti21, qti30, xlsx …): the format's extension,
// except that a QTI file keeps .xml (one item) or .zip (a package). An empty format keeps
// the name.
func ImportName(name, format string) (string, error) {
	if format == "" {
		return name, nil
	}
	e, ok := Exports[format]
	if !ok {
		return "", content.Invalid("format", "format 必须是 %s，而不是“%s”", exportNames(), format)
	}
	ext := strings.ToLower(path.Ext(name))
	if strings.HasPrefix(format, "qti") && (ext == ".xml" || ext == ".zip") {
		return name, nil
	}
	return strings.TrimSuffix(name, path.Ext(name)) + e.Ext, nil
}

// exportNames lists the export formats for messages.
func exportNames() string {
	return "xlsx、csv、json、gift、moodle、qti21 或 qti30"
}
