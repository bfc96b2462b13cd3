package format

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// redPNG is a 4×4 red PNG.
const redPNG = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg=="

func pngBytes(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(redPNG)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHTMLPolicyText(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, format, want string }{
		{"literal angle brackets stay text", "客户说“<客户>”，且 a<b 时（ ）。", "", "客户说“<客户>”，且 a<b 时（ ）。"},
		{"a lone < in HTML stays text", "<p>若 a<b 且满意度 < 80%，<客户>应当</p>", textHTML, "若 a<b 且满意度 < 80%，<客户>应当"},
		{"plain keeps tags as text", "<b>x</b>", textPlain, "<b>x</b>"},
		{"paragraphs and breaks are lines", "<p>甲</p><p>乙<br>丙</p>", "", "甲\n乙\n丙"},
		{"layout whitespace collapses, no-break spaces stay", "<p>客户服务的特点<b>不包括</b>&nbsp;（&nbsp;&nbsp;）。\n  </p>", "", "客户服务的特点不包括 （  ）。"},
		{"emphasis keeps its words", "<p><strong>重要</strong>与<em>次要</em>、<u>下划线</u></p>", "", "重要与次要、下划线"},
		{"sub and superscripts", "<p>H<sub>2</sub>O，m<sup>2</sup>，x<sup>n+1</sup>，a<sub>max</sub>，e<sup>πi</sup></p>", "", "H₂O，m²，xⁿ⁺¹，a_(max)，e^(πi)"},
		{"tables as rows", "<table><tr><th>指标</th><th>值</th></tr><tr><td>CSAT</td><td>86%</td></tr></table>", "", "指标 | 值\nCSAT | 86%"},
		{"lists", "<ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul>", "", "1. 一\n2. 二\n• 甲"},
		{"script goes with its content", `<p>题干</p><script>alert("x")</script>`, "", "题干"},
		{"event handlers go", `<p onclick="alert(1)">题干<span style="color:red" onmouseover="x()">甲</span></p>`, "", "题干甲"},
		{"web links keep their address", `<p>见<a href="https://example.org/a">国家标准</a></p>`, "", "见国家标准（https://example.org/a）"},
		{"javascript links lose it", `<p><a href="javascript:alert(1)">点我</a></p>`, "", "点我"},
		{"entities decode", "AT&amp;T &lt;b&gt;", "", "AT&T <b>"},
		{"moodle format keeps line ends", "甲<b>乙</b>\n丙", textMoodle, "甲乙\n丙"},
		{"no entity, no tag: & stays", "AT&T 与 R&D", "", "AT&T 与 R&D"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r richText
			got, err := r.read("stem", c.in, c.format)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if tag := content.HTMLTag(got); tag != "" && c.format != textPlain && !strings.Contains(c.want, tag) {
				t.Errorf("markup %q left in %q", tag, got)
			}
		})
	}
}

func TestHTMLPolicyImagesAndRefusals(t *testing.T) {
	t.Parallel()
	png := pngBytes(t)
	r := richText{files: map[string][]byte{"图 1.png": png, "fake.png": []byte("GIF89a\x04\x00\x04\x00\x00\x00\x00 not really"), "notes.pdf": []byte("%PDF")}}
	got, err := r.read("stem", `<p>看图<img src="@@PLUGINFILE@@/%E5%9B%BE%201.png" onerror="alert(1)" alt="x">作答</p><img src="data:image/png;base64,`+redPNG+`">`, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.images) != 1 {
		t.Fatalf("images = %v, want one (the same bytes twice are one attachment)", r.images)
	}
	// The data: image has the same bytes: one attachment, shown twice.
	if want := "看图［图：图 1.png］作答\n［图：图 1.png］"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	got, err = r.read("explanation", `<p>另一张<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="></p>`, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.images) != 2 || got != "另一张"+content.ImageMarker(r.images[1].Name) || r.images[1].Type != "image/gif" || !strings.HasPrefix(r.images[1].Name, "image-") {
		t.Errorf("data: gif read as %q, %+v", got, r.images)
	}
	if a := r.images[0]; a.Type != "image/png" || a.Size != len(png) || a.Name != "图 1.png" {
		t.Errorf("attachment = %+v", a)
	}

	refused := []struct{ name, in, want string }{
		{"audio", `<p>听录音</p><audio controls src="@@PLUGINFILE@@/a.mp3"></audio>`, "本题含音频/视频，暂不支持"},
		{"video", `<video><source src="x.mp4"></video>`, "本题含音频/视频，暂不支持"},
		{"media link", `<a href="@@PLUGINFILE@@/call.mp3">录音</a>`, "本题含音频/视频，暂不支持"},
		{"file link", `<a href="@@PLUGINFILE@@/notes.pdf">讲义</a>`, "附带的文件 notes.pdf"},
		{"web image", `<img src="https://example.org/a.png">`, "网上的图片"},
		{"missing file", `<img src="@@PLUGINFILE@@/none.png">`, "没有随文件附上"},
		{"not an image by content", `<img src="@@PLUGINFILE@@/fake.png">`, "不是 PNG、JPEG 或 GIF"},
		{"too large", `<img src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(append(png, make([]byte, content.MaxAttachmentBytes)...)) + `">`, "上限"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			r := richText{files: map[string][]byte{"fake.png": []byte("GIF89a\x04\x00\x04\x00\x00\x00\x00 not really"), "notes.pdf": []byte("%PDF")}}
			_, err := r.read("stem", c.in, textHTML)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
}

// FuzzHTMLPolicy: any text reads without panicking, and no script element or event
// handler written as markup survives as markup.
func FuzzHTMLPolicy(f *testing.F) {
	for _, s := range []string{"<p>甲<br>乙</p>", "a<b", "<客户>", `<img src=x onerror=alert(1)>`, "<script>alert(1)</script>",
		"<table><tr><td>1</td><td>2</td></tr></table>", "x<sup>2</sup>", "<p><a href=\"javascript:x\">y</a>", "<<p>>", "<!--<script>-->", "&lt;p&gt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r richText
		got, err := r.read("stem", s, textHTML)
		if err != nil || strings.Contains(s, "&") || content.HTMLTag(s) == "" {
			return // refused, or entities may spell tags as text, or literal text kept as is
		}
		if low := strings.ToLower(got); content.HTMLTag(got) != "" && (strings.Contains(low, "<script") || strings.Contains(low, "onerror=")) {
			t.Errorf("markup survived: %q → %q", s, got)
		}
	})
}
