package format

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// One HTML policy for every format that may carry HTML (Moodle XML, GIFT [html] and
// [moodle], QTI item bodies, Aiken): a question's text is stored as plain text, and pages
// and reports escape it, so no markup ever reaches a browser from the bank.
//
//   - A text with no HTML tag (content.HTMLTag) and no character reference is literal:
//     "a<b", "满意度 < 80%" and "<客户>" read as they are, whatever the format.
//   - Otherwise it is HTML. A "<" that starts no tag is text first, then bluemonday keeps
//     only the elements below (script and style go with their content, attributes other
//     than a link's href and an image's src and alt go), and the tree becomes text:
//     paragraphs, blocks and <br> are line breaks, list items start with "• " or "1. ",
//     a table row is one line of cells joined by " | ", emphasis keeps its words,
//     sub- and superscripts become Unicode (H₂O, m²) or _(…) and ^(…), a link to a web
//     page keeps its address after the words.
//   - An image becomes an attachment of the question (PNG, JPEG or GIF, checked by its
//     content, at most content.MaxAttachmentBytes) and its place in the text a
//     content.ImageMarker. It must travel in the file: a Moodle <file>, a data: address,
//     or a file of the QTI package. An image on the web is refused: the question would
//     change or break with someone else's site, and exams run offline.
//   - Audio, video, embedded objects and links to files of the question refuse the
//     question: it cannot be answered without them.
var htmlPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "span", "section", "center", "blockquote", "pre", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
		"b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "small", "big", "font",
		"tt", "code", "kbd", "samp", "var", "cite", "q", "abbr", "sub", "sup", "figure", "figcaption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true) // @@PLUGINFILE@@/x.png, a package's images/x.png
	p.AllowDataURIImages()
	return p
}()

var (
	charRef    = regexp.MustCompile(`&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)
	mediaTag   = regexp.MustCompile(`(?i)<(audio|video|source|track|object|embed|iframe)\b`)
	layoutRuns = regexp.MustCompile(`[ \t\r\n\f]+`)
	mediaFile  = regexp.MustCompile(`(?i)\.(mp3|wav|ogg|oga|m4a|aac|flac|mp4|m4v|webm|ogv|avi|mov|wmv|flv|mkv|swf)$`)
)

// errMedia is the reason a question with sound or film is refused.
const errMedia = "本题含音频/视频，暂不支持"

// pluginFile is how Moodle addresses a file stored with the text.
const pluginFile = "@@PLUGINFILE@@/"

// richText reads the texts of one question: the files that came with it (by name, as
// its texts address them) and the images found so far, which become its attachments.
type richText struct {
	files  map[string][]byte
	images []content.Attachment
}

// Text formats a file may declare for a text (GIFT's [markers], Moodle's format attribute).
const (
	textHTML     = "html"
	textMoodle   = "moodle_auto_format" // Moodle's own format: HTML, where a line end is a break
	textPlain    = "plain_text"
	textMarkdown = "markdown"
)

// read returns s, the text of field, as question text, format being one of the text formats above ("" is
// HTML). The error is an Invalid *errs.Error naming what the question cannot carry.
func (r *richText) read(field, s, format string) (string, error) {
	switch format {
	case textPlain, textMarkdown:
		return cleanLines(s), nil
	}
	if content.HTMLTag(s) == "" && !charRef.MatchString(s) {
		return cleanLines(s), nil
	}
	if mediaTag.MatchString(s) {
		return "", content.Invalid(field, errMedia)
	}
	if format == textMoodle {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "<br>")
	}
	doc, err := html.ParseFragment(strings.NewReader(htmlPolicy.Sanitize(escapeStrayLT(s))), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		return "", content.Invalid(field, "HTML 无法读取（%s）", err)
	}
	w := textWriter{r: r, field: field}
	for _, n := range doc {
		if err := w.node(n); err != nil {
			return "", err
		}
	}
	return cleanLines(w.b.String()), nil
}

// escapeStrayLT turns every "<" that starts no HTML tag into "&lt;", so "a<b" stays text.
func escapeStrayLT(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range content.HTMLTagIndex(s) {
		b.WriteString(strings.ReplaceAll(s[last:m[0]], "<", "&lt;"))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(strings.ReplaceAll(s[last:], "<", "&lt;"))
	return b.String()
}

// cleanLines trims every line, drops empty ones and reads no-break spaces as spaces.
func cleanLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\u00a0", " "), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// textWriter writes a sanitised HTML tree as text.
type textWriter struct {
	r     *richText
	field string
	b     strings.Builder
	pre   int // inside <pre>: the layout is the text's own
}

var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Center: true, atom.Blockquote: true, atom.Pre: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Caption: true, atom.Tr: true, atom.Figure: true, atom.Figcaption: true,
}

func (w *textWriter) node(n *html.Node) error {
	switch n.Type {
	case html.TextNode:
		if w.pre > 0 {
			w.b.WriteString(n.Data)
		} else {
			w.b.WriteString(layoutRuns.ReplaceAllString(n.Data, " "))
		}
		return nil
	case html.ElementNode:
	default:
		return w.kids(n)
	}
	switch n.DataAtom {
	case atom.Br, atom.Hr:
		w.b.WriteByte('\n')
		return nil
	case atom.Img:
		marker, err := w.r.image(w.field, attr(n, "src"))
		w.b.WriteString(marker)
		return err
	case atom.Sub, atom.Sup:
		var inner textWriter
		inner.r, inner.field, inner.pre = w.r, w.field, w.pre
		if err := inner.kids(n); err != nil {
			return err
		}
		w.b.WriteString(script(strings.TrimSpace(inner.b.String()), n.DataAtom == atom.Sup))
		return nil
	case atom.Td, atom.Th:
		if n.PrevSibling != nil && hasElementBefore(n) {
			w.b.WriteString(" | ")
		}
		return w.kids(n)
	case atom.A:
		if err := w.kids(n); err != nil {
			return err
		}
		return w.link(attr(n, "href"), textContent(n))
	case atom.Li:
		w.b.WriteString("\n" + listMark(n))
		err := w.kids(n)
		w.b.WriteByte('\n')
		return err
	}
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	block := blockElements[n.DataAtom]
	if block {
		w.b.WriteByte('\n')
	}
	if err := w.kids(n); err != nil {
		return err
	}
	if block {
		w.b.WriteByte('\n')
	}
	return nil
}

func (w *textWriter) kids(n *html.Node) error {
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		if err := w.node(k); err != nil {
			return err
		}
	}
	return nil
}

// link keeps a web address after the link's words; a link to a file of the question
// (a handout, a recording) refuses the question, as the file would be lost.
func (w *textWriter) link(href, words string) error {
	if strings.HasPrefix(href, pluginFile) || (href != "" && !strings.Contains(href, ":") && !strings.HasPrefix(href, "#")) {
		name := fileName(href)
		if mediaFile.MatchString(name) {
			return content.Invalid(w.field, errMedia+"（%s）", name)
		}
		return content.Invalid(w.field, "本题链接了附带的文件 %s，暂不支持（只支持题目中的图片）", name)
	}
	if (strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) && strings.TrimSpace(words) != href {
		if mediaFile.MatchString(href) {
			return content.Invalid(w.field, errMedia+"（%s）", href)
		}
		w.b.WriteString("（" + href + "）")
	}
	return nil
}

func hasElementBefore(n *html.Node) bool {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode {
			return true
		}
	}
	return false
}

// listMark is "• " in an unordered list and "n. " for the n-th item of an ordered one.
func listMark(li *html.Node) string {
	if li.Parent == nil || li.Parent.DataAtom != atom.Ol {
		return "• "
	}
	n := 1
	for p := li.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode && p.DataAtom == atom.Li {
			n++
		}
	}
	return fmt.Sprintf("%d. ", n)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return b.String()
}

var (
	superscripts = strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹", "+", "⁺", "-", "⁻", "=", "⁼", "(", "⁽", ")", "⁾", "n", "ⁿ", "i", "ⁱ")
	subscripts   = strings.NewReplacer("0", "₀", "1", "₁", "2", "₂", "3", "₃", "4", "₄", "5", "₅", "6", "₆", "7", "₇", "8", "₈", "9", "₉", "+", "₊", "-", "₋", "=", "₌", "(", "₍", ")", "₎")
	scriptable   = regexp.MustCompile(`^[0-9+\-=()]+$`)
	superOnly    = regexp.MustCompile(`^[0-9+\-=()ni]+$`)
)

// script writes a sub- or superscript in Unicode where every character has a form
// (H₂O, m², xⁿ), else as _(…) or ^(…).
func script(s string, sup bool) string {
	switch {
	case s == "":
		return ""
	case sup && superOnly.MatchString(s):
		return superscripts.Replace(s)
	case !sup && scriptable.MatchString(s):
		return subscripts.Replace(s)
	case sup:
		return "^(" + s + ")"
	}
	return "_(" + s + ")"
}

// fileName is the file's name in a Moodle or package address.
func fileName(src string) string {
	src = strings.TrimPrefix(src, pluginFile)
	if i := strings.IndexAny(src, "?#"); i >= 0 {
		src = src[:i]
	}
	if u, err := url.PathUnescape(src); err == nil {
		src = u
	}
	return src
}

// image makes the image at src an attachment of the question and returns its marker.
func (r *richText) image(field, src string) (string, error) {
	var name string
	var data []byte
	switch {
	case strings.HasPrefix(src, "data:"):
		meta, payload, ok := strings.Cut(src[len("data:"):], ",")
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
		if !ok || !strings.HasSuffix(meta, ";base64") || err != nil {
			return "", content.Invalid(field, "题中图片的 data: 地址无法读取（只支持 base64 编码的图片）")
		}
		data = b
	case strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "//"):
		return "", content.Invalid(field, "本题引用了网上的图片 %s：请把图片嵌入文件（Moodle XML 的 <file>、data: 地址或 QTI 包中的文件）后再导入", src)
	case src == "":
		return "", nil
	default:
		name = fileName(src)
		b, ok := r.files[name]
		if !ok {
			return "", content.Invalid(field, "题中图片 %s 没有随文件附上", name)
		}
		data = b
	}
	name = path.Base(name)
	label := name
	if label == "." {
		label = "data: 图片"
	}
	a, err := content.NewAttachment(label, data)
	if err != nil {
		return "", err
	}
	if name == "." {
		a.Name = "image-" + a.SHA256[:8] + "." + strings.TrimPrefix(a.Type, "image/")
		name = a.Name
	}
	for _, have := range r.images {
		switch {
		case have.SHA256 == a.SHA256:
			return content.ImageMarker(have.Name), nil // the same image shown twice
		case have.Name == name:
			return "", content.Invalid("attachments", "题中有两张不同的图片都叫 %s", name)
		}
	}
	r.images = append(r.images, a)
	return content.ImageMarker(name), nil
}

// textFail is the row error at row for err, an error of richText.read (or of a file the
// question carries), its message after prefix.
func textFail(row int, prefix string, err error) (content.Question, *content.RowError) {
	field, msg := "stem", err.Error()
	if e, ok := errs.As(err); ok {
		field, msg = e.Field, e.Message
	}
	return content.Question{}, &content.RowError{Row: row, Field: field, Message: prefix + msg}
}
