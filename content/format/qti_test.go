package format

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// qtiSchemas is the folder of the 1EdTech XSDs (see testdata/qti/README.md): named by
// CSMEXAM_QTI_XSD, else testdata/qti/xsd, else shared/qti/xsd beside the repository.
// Without them the validation is skipped, loudly: they come from a public repository and
// may not be committed here (testdata/qti/README.md), so CI has them only once they are
// laid out under shared/.
func qtiSchemas(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("xmllint is not installed (Debian: libxml2-utils)")
	}
	for _, dir := range []string{os.Getenv("CSMEXAM_QTI_XSD"), "testdata/qti/xsd", "../../../shared/qti/xsd"} {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "qtiv2p1", "imsqti_v2p1.xsd")); err == nil {
			abs, err := filepath.Abs(dir)
			if err != nil {
				t.Fatal(err)
			}
			return abs
		}
	}
	t.Skip("the 1EdTech QTI XSDs are missing (CSMEXAM_QTI_XSD): see content/format/testdata/qti/README.md")
	return ""
}

// xmllint validates files against schema and fails t on any file that does not validate.
func xmllint(t *testing.T, schema string, files []string) {
	t.Helper()
	out, err := exec.Command("xmllint", append([]string{"--noout", "--nonet", "--schema", schema}, files...)...).CombinedOutput()
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

// TestQTIExportValidates: every item and the manifest of both versions' export of the
// whole bundled bank validate against the 1EdTech XSDs with xmllint. QTI 3.0 is checked
// against the 1EdTech ASI 3.0 schema of the SBAC profile (same namespace, stricter);
// a driver schema of ours points its SSML and MathML imports at the files that declare
// the namespaces it uses.
func TestQTIExportValidates(t *testing.T) {
	t.Parallel()
	xsd := qtiSchemas(t)
	p, _ := bundled(t)
	driver := filepath.Join(t.TempDir(), "qti30-driver.xsd")
	if err := os.WriteFile(driver, []byte(fmt.Sprintf(`<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.w3.org/2001/10/synthesis" schemaLocation="%[1]s/w3/ssml10/ssmlv1p0.xsd"/>
  <xs:import namespace="http://www.w3.org/1998/Math/MathML" schemaLocation="%[1]s/w3/mathml2/mathml2.xsd"/>
  <xs:import namespace="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" schemaLocation="%[1]s/qtiv3p0/imsqti_asiv3p0_sbacv1p0_v1p0.xsd"/>
</xs:schema>
`, filepath.ToSlash(xsd))), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ format, itemXSD, manifestXSD string }{
		{"qti21", filepath.Join(xsd, "qtiv2p1", "imsqti_v2p1.xsd"), filepath.Join(xsd, "imscp_v1p1.xsd")},
		{"qti30", driver, filepath.Join(xsd, "qtiv3p0", "imsqtiv3p0_imscpv1p2_v1p0.xsd")},
	} {
		t.Run(c.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteBank(&buf, c.format, p.Questions); err != nil {
				t.Fatal(err)
			}
			items, manifest := unzipTo(t, buf.Bytes(), t.TempDir())
			if len(items) != len(p.Questions) || manifest == "" {
				t.Fatalf("%d items and manifest %q for %d questions", len(items), manifest, len(p.Questions))
			}
			xmllint(t, c.itemXSD, items)
			xmllint(t, c.manifestXSD, []string{manifest})
		})
	}
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
