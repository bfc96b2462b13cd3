package format

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// Moodle's own fixture: a multiple choice question with its image in Moodle 1.9's
// <image_base64> arrives with the image as its attachment; the cloze question is refused.
func TestMoodleFixtureImageBecomesAttachment(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	b, err := os.ReadFile("testdata/moodle/html/sample_questions_with_old_image_tag.xml")
	if err != nil {
		t.Fatal(err)
	}
	// The file's category names no knowledge point of ours; mapping categories is the
	// importer's job, so the test names one.
	b = bytes.Replace(b, []byte("Default for Test images in backup"), []byte("客户服务的五个特点"), 1)
	res, err := Read("fixture.xml", bytes.NewReader(b), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || len(res.Errors) != 1 || res.Errors[0].Field != "type" {
		t.Fatalf("items %+v, errors %v: want the multichoice in and the cloze refused", res.Items, res.Errors)
	}
	q := res.Items[0].Question
	want := `This is a multichoice question with an image in the old "image" field that was used in Moodle 1.9` + "\n" + content.ImageMarker("moodle.png")
	if q.Stem != want || q.Type != content.Single || strings.Join(q.Answer, "") != "C" {
		t.Errorf("question %q %s %v", q.Stem, q.Type, q.Answer)
	}
	if len(q.Attachments) != 1 || q.Attachments[0].Name != "moodle.png" || q.Attachments[0].Type != "image/png" || len(q.Attachments[0].Data) != q.Attachments[0].Size {
		t.Fatalf("attachments %v", q.Attachments)
	}
	q.Normalize()
	if err := q.Validate(func(string) bool { return true }); err != nil {
		t.Errorf("imported question is not valid: %v", err)
	}
}

// imageQuestion has images in its stem, an option and its explanation.
func imageQuestion(t *testing.T) content.Question {
	png, err := content.NewAttachment("图 1.png", pngBytes(t))
	if err != nil {
		t.Fatal(err)
	}
	gif, err := content.NewAttachment("b&c.gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	if err != nil {
		t.Fatal(err)
	}
	q := content.Question{Type: content.Single, Unit: "JC.1.2.1", Difficulty: 3,
		Stem:        "看图回答，a<b 时（ ）。\n" + content.ImageMarker(png.Name),
		Options:     []content.Option{{Key: "A", Text: "甲 " + content.ImageMarker(gif.Name)}, {Key: "B", Text: "<客户>"}},
		Answer:      []string{"B"},
		Explanation: "见图" + content.ImageMarker(png.Name),
		Attachments: []content.Attachment{png, gif}}
	return q
}

// The question comes back from the Moodle XML export identical, bytes of the images
// included.
func TestMoodleXMLRoundTripKeepsImages(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	q := imageQuestion(t)
	var buf bytes.Buffer
	if err := WriteBank(&buf, "moodle", []content.Question{q}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<img src="@@PLUGINFILE@@/%E5%9B%BE%201.png" alt="">`, `<file name="图 1.png" path="/" encoding="base64">`, `<file name="b&amp;c.gif"`} {
		if !strings.Contains(buf.String(), xmlText(s)) && !strings.Contains(buf.String(), s) {
			t.Errorf("export lacks %s:\n%s", s, buf.String())
		}
	}
	res, err := Read("bank.xml", &buf, syl)
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("read back: %v %+v", err, res)
	}
	got := res.Items[0].Question
	slicesSortByName(got.Attachments)
	slicesSortByName(q.Attachments)
	if !reflect.DeepEqual(got, q) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, q)
	}
}

func slicesSortByName(as []content.Attachment) {
	for i := range as {
		for j := i + 1; j < len(as); j++ {
			if as[j].Name < as[i].Name {
				as[i], as[j] = as[j], as[i]
			}
		}
	}
}

// One question written in GIFT, Aiken and Moodle XML (as HTML, escaped and not) gets the
// same verdict and the same text from each: a "<" that starts no tag is text everywhere.
func TestSameQuestionSameVerdictAcrossFormats(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	files := map[string]string{
		"q.gift":      "::JC.1.2.1::客户把 a<b 写成“<客户>”时，应当（  ）。{\n=核对\n~忽略\n}\n",
		"q.html.gift": "::JC.1.2.1::[html]<p>客户把 a<b 写成“<客户>”时，应当（&nbsp; ）。</p>{\n=核对\n~<b>忽略</b>\n}\n",
		"q.txt":       "客户把 a<b 写成“<客户>”时，应当（  ）。\nA. 核对\nB. 忽略\nANSWER: A\n知识点：JC.1.2.1\n",
		"q.xml": `<quiz><question type="multichoice"><name><text>JC.1.2.1</text></name>
<questiontext format="html"><text><![CDATA[客户把 a<b 写成“<客户>”时，应当（  ）。]]></text></questiontext>
<single>true</single><answer fraction="100"><text>核对</text></answer><answer fraction="0"><text>忽略</text></answer></question></quiz>`,
		"q.escaped.xml": `<quiz><question type="multichoice"><name><text>JC.1.2.1</text></name>
<questiontext format="html"><text><![CDATA[<p>客户把 a&lt;b 写成“&lt;客户&gt;”时，应当（&nbsp; ）。</p>]]></text></questiontext>
<single>true</single><answer fraction="100"><text>核对</text></answer><answer fraction="0"><text><![CDATA[<p>忽略</p>]]></text></answer></question></quiz>`,
	}
	want := "客户把 a<b 写成“<客户>”时，应当（  ）。"
	for name, body := range files {
		res, err := Read(name, strings.NewReader(body), syl)
		if err != nil || len(res.Items) != 1 || len(res.Errors) != 0 {
			t.Errorf("%s: %v, errors %v", name, err, res)
			continue
		}
		q := res.Items[0].Question
		q.Normalize()
		if q.Stem != want || q.Options[0].Text != "核对" || q.Options[1].Text != "忽略" || strings.Join(q.Answer, "") != "A" {
			t.Errorf("%s: %q %+v %v", name, q.Stem, q.Options, q.Answer)
		}
		if err := q.Validate(func(string) bool { return true }); err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
}

// GIFT's format markers are read on the stem, each answer and the general feedback.
func TestGIFTFormatMarkers(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	gift := "::JC.1.2.1::[html]<p>哪种<b>颜色</b>？</p>{\n~[plain]blue\n=[moodle]red\n~[markdown]*green*\n#### [html]<p>答案是<i>red</i></p>\n}\n\n" +
		"::JC.1.2.1::[plain]<i>不是标签</i>{T\n}\n\n" +
		"::JC.1.2.1::[plain]a<b 与 <客户>{T\n####[plain]x<y\n}\n"
	res, err := Read("m.gift", strings.NewReader(gift), syl)
	if err != nil || len(res.Items) != 2 || len(res.Errors) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	q := res.Items[0].Question
	if q.Stem != "哪种颜色？" || q.Options[0].Text != "blue" || q.Options[1].Text != "red" || q.Options[2].Text != "*green*" || q.Explanation != "答案是red" {
		t.Errorf("markers: %q %+v %q", q.Stem, q.Options, q.Explanation)
	}
	// [plain] text is literal: what looks like a tag stays a tag, which the bank refuses
	// with its reason (its pages would show the brackets); other "<" are text.
	if e := res.Errors[0]; e.Row != 8 || !strings.Contains(e.Message, "HTML 标签（如 <i>）") {
		t.Errorf("plain tag: %v", e)
	}
	if q := res.Items[1].Question; q.Stem != "a<b 与 <客户>" || q.Explanation != "x<y" {
		t.Errorf("plain: %q %q", q.Stem, q.Explanation)
	}
}

// Sound and film refuse their question with the reason, in every format.
func TestAudioRefusedPerQuestion(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	// As in Moodle's fixture multichoice.xml: a link to the recording stored with the text.
	xmlDoc := `<quiz><question type="multichoice"><name><text>JC.1.2.1</text></name>
<questiontext format="html"><text><![CDATA[<p><a href="@@PLUGINFILE@@/bonjour.mp3">Listen to this greeting:</a><br /><br />What language is being spoken?</p>]]></text>
<file name="bonjour.mp3" encoding="base64">SUQzAwAAAAAAEFRDT04AAAAGAAAAVm9jYWz/</file></questiontext>
<single>true</single><answer fraction="100"><text>French</text></answer><answer fraction="0"><text>English</text></answer></question>
<question type="multichoice"><name><text>JC.1.2.1</text></name><questiontext format="html"><text>好题</text></questiontext>
<single>true</single><answer fraction="100"><text>甲</text></answer><answer fraction="0"><text>乙</text></answer></question></quiz>`
	gift := "::JC.1.2.1::[html]<video src=\"a.mp4\"></video>看视频{=甲\n~乙}\n"
	qti := `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="a" title="JC.1.2.1"><responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration>
<itemBody><p>听录音<audio src="a.mp3"/></p><choiceInteraction responseIdentifier="R" maxChoices="1"><simpleChoice identifier="A">甲</simpleChoice><simpleChoice identifier="B">乙</simpleChoice></choiceInteraction></itemBody></assessmentItem>`
	for name, body := range map[string]string{"a.xml": xmlDoc, "v.gift": gift, "qti.xml": qti} {
		res, err := Read(name, strings.NewReader(body), syl)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "本题含音频/视频，暂不支持") {
			t.Errorf("%s: errors %v", name, res.Errors)
		}
	}
}

// The question comes back from both QTI packages identical, its images files of the
// package listed in the manifest; the items validate against the 1EdTech XSDs where
// they are laid out (see TestQTIExportValidates).
func TestQTIRoundTripKeepsImages(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	q := imageQuestion(t)
	for _, format := range []string{"qti21", "qti30"} {
		var buf bytes.Buffer
		if err := WriteBank(&buf, format, []content.Question{q}); err != nil {
			t.Fatal(err)
		}
		items, manifest := unzipTo(t, buf.Bytes(), t.TempDir())
		m, _ := os.ReadFile(manifest)
		if n := strings.Count(string(m), "<file "); n != 3 || len(items) != 3 {
			t.Errorf("%s: manifest lists %d files, package has %v", format, n, items)
		}
		res, err := Read("bank.zip", bytes.NewReader(buf.Bytes()), syl)
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%s: read back: %v %+v", format, err, res)
		}
		got := res.Items[0].Question
		slicesSortByName(got.Attachments)
		want := q
		want.Attachments = slices.Clone(q.Attachments)
		slicesSortByName(want.Attachments)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s round trip:\n got %+v\nwant %+v", format, got, want)
		}
	}
}
