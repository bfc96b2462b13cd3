package format

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// qtiSchemas is testdata/qti/xsd, the 1EdTech XSDs and the files that stand in for the
// imports not found (layout, sources and licences in testdata/qti/README.md), as an
// absolute path. Without xmllint the validation is skipped on a developer's machine but
// fails under CI=true (.ci/run installs libxml2-utils); a missing schema always fails.
func qtiSchemas(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("xmllint is not installed (Debian: libxml2-utils): %v", err)
		}
		t.Skip("xmllint is not installed (Debian: libxml2-utils)")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "qti", "xsd"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range qtiSchemaFiles {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Fatalf("a schema of testdata/qti/xsd is missing (see testdata/qti/README.md): %v", err)
		}
	}
	return dir
}

// qtiSchemaFiles are the files under testdata/qti/xsd that the validation loads.
var qtiSchemaFiles = []string{
	"driver-qtiv2p1.xsd",
	"qtiv2p1/imsqti_v2p1.xsd",
	"apipv1p0/apipv1p0_qtiextv2p1_v1p0.xsd",
	"imscp_v1p1.xsd",
	"w3/xml.xsd",
	"substitutes/xinclude-bcfg2.xsd",
	"substitutes/mathml4-core.xsd",
}

// xmllint runs xmllint --noout --nonet with args (a --schema, or none: well-formedness
// only) on files and fails t unless every file passes.
func xmllint(t *testing.T, args, files []string) {
	t.Helper()
	cmd := append(append([]string{"--noout", "--nonet"}, args...), files...)
	out, err := exec.Command("xmllint", cmd...).CombinedOutput()
	if len(args) == 0 {
		if err != nil || len(out) != 0 {
			t.Fatalf("xmllint: not well-formed (%v):\n%s", err, out)
		}
		return
	}
	valid := strings.Count(string(out), " validates\n")
	if err != nil || valid != len(files) {
		lines := strings.Split(string(out), "\n")
		t.Fatalf("xmllint: %d of %d files validate (%v):\n%s", valid, len(files), err, strings.Join(lines[:min(len(lines), 30)], "\n"))
	}
}

// unzipTo writes the files of the package b under dir and lists the items and the manifest.
func unzipTo(t *testing.T, b []byte, dir string) (items []string, manifest string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if f.Name == "imsmanifest.xml" {
			manifest = name
		} else {
			items = append(items, name)
		}
	}
	return items, manifest
}

// TestQTIExportValidates: every item and the manifest of the QTI 2.1 export of the whole
// bundled bank validate against the 1EdTech XSDs with xmllint (--nonet: every import is
// a file of testdata/qti/xsd); a broken item does not, so the schema does bite. QTI 3.0
// is only checked to be well-formed: the 1EdTech QTI 3.0 schemas are not in the
// repository yet (testdata/qti/README.md).
func TestQTIExportValidates(t *testing.T) {
	t.Parallel()
	xsd := qtiSchemas(t)
	p, _ := bundled(t)
	itemXSD := filepath.Join(xsd, "driver-qtiv2p1.xsd")
	export := func(t *testing.T, format string) (items []string, manifest string) {
		var buf bytes.Buffer
		if err := WriteBank(&buf, format, p.Questions); err != nil {
			t.Fatal(err)
		}
		items, manifest = unzipTo(t, buf.Bytes(), t.TempDir())
		if len(items) != len(p.Questions) || manifest == "" {
			t.Fatalf("%d items and manifest %q for %d questions", len(items), manifest, len(p.Questions))
		}
		return items, manifest
	}
	t.Run("qti21", func(t *testing.T) {
		items, manifest := export(t, "qti21")
		xmllint(t, []string{"--schema", itemXSD}, items)
		xmllint(t, []string{"--schema", filepath.Join(xsd, "imscp_v1p1.xsd")}, []string{manifest})
		b, err := os.ReadFile(items[0])
		if err != nil {
			t.Fatal(err)
		}
		broken := filepath.Join(t.TempDir(), "broken.xml")
		if err := os.WriteFile(broken, bytes.Replace(b, []byte("<responseDeclaration "), []byte("<responseDeclaration bogus=\"1\" "), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", itemXSD, broken).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "bogus") {
			t.Errorf("an item with an undeclared attribute: %v\n%s", err, out)
		}
	})
	t.Run("qti30", func(t *testing.T) {
		items, manifest := export(t, "qti30")
		xmllint(t, nil, append(items, manifest))
	})
}

// TestQTISamplesValidate: the public QTI 2.1 sample items (testdata/qti/samples) validate
// against the same schemas, a check of the schemas and the driver more than of the
// samples; the QTI 3.0 samples are only checked to be well-formed.
func TestQTISamplesValidate(t *testing.T) {
	t.Parallel()
	xsd := qtiSchemas(t)
	v21, err := filepath.Glob(filepath.Join("testdata", "qti", "samples", "qti21-*.xml"))
	if err != nil || len(v21) != 4 {
		t.Fatalf("QTI 2.1 samples %v: %v", v21, err)
	}
	xmllint(t, []string{"--schema", filepath.Join(xsd, "driver-qtiv2p1.xsd")}, v21)
	v30, err := filepath.Glob(filepath.Join("testdata", "qti", "samples", "qti30-*.xml"))
	if err != nil || len(v30) != 3 {
		t.Fatalf("QTI 3.0 samples %v: %v", v30, err)
	}
	xmllint(t, nil, v30)
}

// TestQTIItemShape: what another QTI player reads: the match_correct template, a choice
// per option, each case part an extendedTextInteraction followed by its scorer's rubric,
// the explanation for tutors, items in their chapter's folder.
func TestQTIItemShape(t *testing.T) {
	t.Parallel()
	qs := []content.Question{
		{Type: content.Multiple, Stem: "甲\n乙", Options: []content.Option{{Key: "A", Text: "一"}, {Key: "B", Text: "二"}}, Answer: []string{"A", "B"}, Unit: "JC.1.2.1", Difficulty: 3, Explanation: "因为"},
		{Type: content.Case, Stem: "阅读以下案例，回答问题。", Material: "某公司", Unit: "JC.2.1.1", Difficulty: 3, Parts: []content.CasePart{
			{Prompt: "问一", Points: content.Pts(4), Reference: "答一", Rubric: []content.RubricPoint{{Point: "要点", Score: content.Pts(4), Keywords: []string{"及时", "迅速"}}}},
		}},
	}
	for _, c := range []struct {
		format string
		want   []string
	}{
		{"qti21", []string{`<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">`, `<value>A</value>`, `<simpleChoice identifier="B">二</simpleChoice>`,
			`<p>甲<br/>乙</p>`, `template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"`, `<rubricBlock view="tutor">`,
			`<extendedTextInteraction responseIdentifier="RESPONSE_1">`, `<prompt>第1小题（4分）：问一</prompt>`, `<rubricBlock view="scorer">`, `<p>采分点（4分）：要点；关键词：及时、迅速</p>`,
			`href="items/JC.1/Q0001.xml"`, `type="imsqti_item_xmlv2p1"`}},
		{"qti30", []string{`<qti-choice-interaction response-identifier="RESPONSE" shuffle="false" max-choices="0">`, `<qti-simple-choice identifier="B">二</qti-simple-choice>`,
			`template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"`, `<qti-rubric-block view="scorer" use="scoring"><qti-content-body>`,
			`<qti-extended-text-interaction response-identifier="RESPONSE_1">`, `href="items/JC.2/Q0002.xml"`, `type="imsqti_item_xmlv3p0"`}},
	} {
		var buf bytes.Buffer
		if err := WriteBank(&buf, c.format, qs); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, f := range zr.File {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			all.Write(b.Bytes())
		}
		layout := regexp.MustCompile(`>\s+<`)
		got := layout.ReplaceAllString(all.String(), "><")
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %s", c.format, w)
			}
		}
	}
}

// qtiSample reads a public sample item without the knowledge point step: whether its
// content is read right, or why it is refused.
func qtiSample(t *testing.T, name string) (content.Question, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "qti", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	root, err := parseQTI(b)
	if err != nil {
		return content.Question{}, err
	}
	q, _, err := qtiQuestion(root)
	return q, err
}

// TestQTIPublicSamples: the 1EdTech sample items (testdata/qti/samples, licences in
// testdata/qti/README.md) each get a clear verdict: the two multiple-choice items are read
// with their options and answers; an essay without points, images, objects and other
// interactions are refused with the reason. Through Read every item still needs a
// knowledge point, which these files do not name.
func TestQTIPublicSamples(t *testing.T) {
	t.Parallel()
	water := []content.Option{{Key: "A", Text: "Hydrogen"}, {Key: "B", Text: "Helium"}, {Key: "C", Text: "Carbon"}, {Key: "D", Text: "Oxygen"}, {Key: "E", Text: "Nitrogen"}, {Key: "F", Text: "Chlorine"}}
	for _, name := range []string{"qti21-choice_multiple.xml", "qti30-QTI3multiplechoice2.xml"} {
		q, err := qtiSample(t, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if q.Type != content.Multiple || q.Stem != "Which of the following elements are used to form water?" || !slices.Equal(q.Options, water) || !slices.Equal(q.Answer, []string{"A", "D"}) {
			t.Errorf("%s read as %+v", name, q)
		}
	}
	refused := map[string]string{
		"qti21-choice.xml":               "<img>",
		"qti21-extended_text_rubric.xml": "<object>",
		"qti21-hotspot.xml":              "hotspotInteraction",
		"qti30-QTI3-inline-choice.xml":   "inlineChoiceInteraction",
	}
	for name, why := range refused {
		if _, err := qtiSample(t, name); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want a refusal naming %s", name, err, why)
		}
	}
	// The essay reads as a case of one part worth nothing, which validation refuses.
	q, err := qtiSample(t, "qti30-essay.xml")
	if err != nil || q.Type != content.Case || len(q.Parts) != 1 || q.Parts[0].Prompt != "Write an abstract about the life of this historical figure." ||
		q.Stem != "In the classroom, we discovered Martin Luther King Jr. and his devotion." {
		t.Fatalf("essay: %v %+v", err, q)
	}
	_, syl := bundled(t)
	if _, rerr := withUnit(q, 1, "JC.1.2.1", nil, syl); rerr == nil || !strings.HasPrefix(rerr.Field, "parts") {
		t.Errorf("the essay without points, given a knowledge point: %v", rerr)
	} else {
		t.Logf("essay verdict with a knowledge point: %v", rerr)
	}
	for _, name := range []string{"qti21-choice_multiple.xml", "qti30-essay.xml", "qti21-hotspot.xml"} {
		f, err := os.Open(filepath.Join("testdata", "qti", "samples", name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Read(name, f, syl)
		f.Close()
		if err != nil || len(res.Items) != 0 || len(res.Errors) != 1 || res.Errors[0].Message == "" {
			t.Errorf("%s through Read: %v %+v", name, err, res)
		}
	}
}

// TestQTIReadErrors: files that are not a package of items are refused whole, naming
// the fault; a package's bad item is its row.
func TestQTIReadErrors(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	zipOf := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for n, s := range files {
			f, _ := zw.Create(n)
			f.Write([]byte(s))
		}
		zw.Close()
		return buf.Bytes()
	}
	for name, c := range map[string]struct {
		file []byte
		want string
	}{
		"none.zip":     {zipOf(map[string]string{"a.xml": "<x/>"}), "imsmanifest.xml"},
		"empty.zip":    {zipOf(map[string]string{"imsmanifest.xml": `<manifest><resources/></manifest>`}), "没有列出 QTI 题目"},
		"notzip.zip":   {[]byte("PK no"), "zip"},
		"manifest.xml": {[]byte(`<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"/>`), ".zip"},
		"other.xml":    {[]byte(`<assessmentTest/>`), "QTI 题目（根元素 assessmentItem）"},
	} {
		_, err := Read(name, bytes.NewReader(c.file), syl)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, c.want)
		}
	}
	// A package that unzips past the limit is refused whole, however small the zip.
	bomb := zipOf(map[string]string{"imsmanifest.xml": `<manifest><resources><resource type="imsqti_item_xmlv2p1" href="a.xml"/></resources></manifest>`,
		"a.xml": strings.Repeat(" ", MaxFileBytes+1)})
	if _, err := Read("bomb.zip", bytes.NewReader(bomb), syl); err == nil || !strings.Contains(err.Error(), "解压后超过") {
		t.Errorf("bomb: %v", err)
	}
	var good bytes.Buffer
	q := content.Question{Type: content.TrueFalse, Stem: "对吗？", Answer: []string{"T"}, Unit: "JC.1.2.1", Difficulty: 2}
	if err := WriteBank(&good, "qti30", []content.Question{q}); err != nil {
		t.Fatal(err)
	}
	pkg := zipOf(map[string]string{
		"imsmanifest.xml": `<manifest><resources>
<resource type="imsqti_item_xmlv3p0" href="a.xml"/><resource type="webcontent" href="x.css"/>
<resource type="imsqti_item_xmlv2p1" href="missing.xml"/><resource type="imsqti_item_xmlv2p1" href="b.xml"/></resources></manifest>`,
		"a.xml": string(mustItem(t, good.Bytes())),
		"b.xml": `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"><itemBody><p>x</p><sliderInteraction responseIdentifier="R"/></itemBody></assessmentItem>`,
	})
	res, err := Read("p.zip", bytes.NewReader(pkg), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Question.Type != content.TrueFalse || res.Items[0].Question.Difficulty != 2 {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Errors) != 2 || res.Errors[0].Row != 2 || !strings.Contains(res.Errors[0].Message, "missing.xml") ||
		res.Errors[1].Row != 3 || !strings.Contains(res.Errors[1].Message, "b.xml：不支持 QTI 的 sliderInteraction") {
		t.Errorf("errors %+v", res.Errors)
	}
}

// mustItem is the one item file of a package.
func mustItem(t *testing.T, pkg []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "imsmanifest.xml" {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			return b.Bytes()
		}
	}
	t.Fatal("no item")
	return nil
}

// FuzzReadQTIItem: whatever an item file holds, reading it does not panic, and it is
// either one question that validates or one row error with a message.
func FuzzReadQTIItem(f *testing.F) {
	for _, name := range []string{"qti21-choice.xml", "qti21-choice_multiple.xml", "qti30-essay.xml", "qti30-QTI3-inline-choice.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "qti", "samples", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<assessmentItem><!-- csmexam: {"unit":"JC.1.2.1"} --><itemBody><div><p>甲<br/>乙</p><extendedTextInteraction><prompt>第1小题（2分）：问</prompt></extendedTextInteraction><rubricBlock view="scorer"><p>采分点（2分）：点；关键词：词</p></rubricBlock></div></itemBody></assessmentItem>`))
	_, syl := bundled(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := readQTIItem(b, syl)
		if err != nil {
			t.Fatalf("an item file is never an error of the file: %v", err)
		}
		switch {
		case len(res.Items) == 1 && len(res.Errors) == 0:
			q := res.Items[0].Question
			if err := q.Validate(syl.IsPoint); err != nil {
				t.Fatalf("imported an invalid question: %v", err)
			}
		case len(res.Items) == 0 && len(res.Errors) == 1 && res.Errors[0].Message != "":
		default:
			t.Fatalf("%d items, %d errors", len(res.Items), len(res.Errors))
		}
	})
}
