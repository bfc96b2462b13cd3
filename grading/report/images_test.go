package report

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// solid is a w×h image of one colour encoded by enc.
func solid(t *testing.T, w, h int, c color.RGBA, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := enc(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A question's images print below its stem, in each of the three types, with their
// names; pdfimages finds them and the rendered page shows the red one.
func TestEncodeQuestionImages(t *testing.T) {
	t.Parallel()
	red := solid(t, 120, 60, color.RGBA{230, 0, 0, 255}, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
	blue := solid(t, 40, 40, color.RGBA{0, 0, 230, 255}, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
	green := solid(t, 8, 8, color.RGBA{0, 200, 0, 255}, func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) })
	r := sampleReport()
	r.Wrong[0].Images = []Image{{Name: "红.png", Type: "image/png", Data: red}, {Name: "蓝.jpg", Type: "image/jpeg", Data: blue}}
	r.Unanswered = append(r.Unanswered, Unanswered{No: 99, Stem: "看图作答［图：绿.gif］", Images: []Image{{Name: "绿.gif", Type: "image/gif", Data: green}}})
	r.Cases[0].Images = []Image{{Name: "红.png", Type: "image/png", Data: red}, {Name: "坏.png", Type: "image/png", Data: []byte("not an image")}}
	path := encodeFile(t, r)

	list := run(t, "pdfimages", "-list", path)
	if rows := strings.Count(list, "\n") - 2; rows != 4 { // red twice (one object), blue, green
		t.Errorf("pdfimages lists %d images, want 4:\n%s", rows, list)
	}
	text := pdfText(t, path, "-raw")
	for _, want := range []string{"图：红.png", "图：蓝.jpg", "图：绿.gif", "（图片坏.png无法显示）"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext: missing %q", want)
		}
	}
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-r", "50", "-png", path, prefix)
	pages, _ := filepath.Glob(prefix + "*.png")
	reds := 0
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		b := m.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, g, bl, _ := m.At(x, y).RGBA(); r > 0xD000 && g < 0x3000 && bl < 0x3000 {
					reds++
				}
			}
		}
	}
	// 120×60 px is 31.75×15.9 mm, 62×31 pixels at 50 dpi, twice.
	if reds < 2*50*25 {
		t.Errorf("the red image covers %d pixels of the rendered pages", reds)
	}
	if os.Getenv("CSMEXAM_KEEP_PDF") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(os.Getenv("CSMEXAM_KEEP_PDF"), data, 0o644)
	}
}
