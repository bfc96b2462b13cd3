package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"
	_ "image/gif" // the types a question's image may have
	_ "image/jpeg"
	"image/png"

	"github.com/jung-kurt/gofpdf"
)

// Sizes of a question's image on the page: as on a 96 dpi screen, but at least
// minImageW wide (a small figure stays legible) and at most maxImageH high.
const (
	pxToMM    = 25.4 / 96
	minImageW = 20.0
	maxImageH = 70.0
)

// images draws imgs one below the other at x within width w, each with its name below.
// Every image is decoded and drawn from a fresh 8-bit PNG: gofpdf refuses interlaced or
// 16-bit PNGs that browsers show, and one refusal would fail the whole report. An image that
// does not decode (it was checked at import) is named in place of the picture.
func (d *doc) images(x, w float64, imgs []Image) {
	for _, im := range imgs {
		d.gap(1)
		name, wmm, hmm, ok := d.register(im)
		if ok {
			if wmm > w {
				wmm, hmm = w, hmm*w/wmm
			}
			if hmm > maxImageH {
				wmm, hmm = wmm*maxImageH/hmm, maxImageH
			}
			d.need(hmm + lineHeight(small))
			d.pdf.ImageOptions(name, x, d.y, wmm, hmm, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			d.y += hmm + 0.5
		}
		d.para(x, w, imageCaption(im, ok), small, muted)
	}
}

// register adds im to the PDF once (by content) and returns its name there and its
// natural size in millimetres.
func (d *doc) register(im Image) (string, float64, float64, bool) {
	sum := sha256.Sum256(im.Data)
	name := hex.EncodeToString(sum[:12])
	if size, ok := d.figures[name]; ok {
		return name, size[0], size[1], true
	}
	m, _, err := image.Decode(bytes.NewReader(im.Data))
	if err != nil {
		return "", 0, 0, false
	}
	// 8-bit RGBA: png.Encode writes 16-bit samples for other kinds (a JPEG's YCbCr).
	rgba := image.NewNRGBA(m.Bounds())
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return "", 0, 0, false
	}
	info := d.pdf.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: "PNG"}, &buf)
	if info == nil || !d.pdf.Ok() {
		return "", 0, 0, false
	}
	b := m.Bounds()
	wmm := max(float64(b.Dx())*pxToMM, minImageW)
	size := [2]float64{wmm, wmm * float64(b.Dy()) / float64(b.Dx())}
	if d.figures == nil {
		d.figures = map[string][2]float64{}
	}
	d.figures[name] = size
	return name, size[0], size[1], true
}

// imageCaption is the line under an image, or in its place when it cannot be drawn.
func imageCaption(im Image, drawn bool) string {
	if drawn {
		return "图：" + im.Name
	}
	return "（图片 " + im.Name + " 无法显示）"
}
