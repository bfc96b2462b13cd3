package report

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ttf is a TrueType font parsed once per process: enough of it to measure text and to
// cut a small font holding only the glyphs one document needs. gofpdf parses the whole
// font it is given again for every document (~25 ms and ~30 MB for a CJK font), so each
// document hands it a subset of a few hundred glyphs instead.
type ttf struct {
	data    []byte
	tables  map[string][]byte
	upem    int
	ascent  int      // hhea, font units
	descent int      // hhea, font units (negative)
	bbox    [4]int   // head: xMin, yMin, xMax, yMax
	glyphs  []uint32 // loca: glyph g is glyf[glyphs[g]:glyphs[g+1]]
	advance []uint16 // per glyph, font units
	gid     []uint16 // per BMP rune; 0 is .notdef (the font has no glyph)
	width   []uint16 // per BMP rune, thousandths of the font size, rounded as gofpdf does
}

func (f *ttf) u16(b []byte, off int) int { return int(binary.BigEndian.Uint16(b[off:])) }

// parseTTF reads the tables of a TrueType (glyf) font with a Unicode BMP cmap (format 4).
func parseTTF(data []byte) (*ttf, error) {
	if len(data) < 12 {
		return nil, errors.New("font: too short")
	}
	if v := binary.BigEndian.Uint32(data); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("font: not a TrueType font (%#x)", v)
	}
	f := &ttf{data: data, tables: map[string][]byte{}}
	n := f.u16(data, 4)
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		off, size := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if int(off)+int(size) > len(data) {
			return nil, fmt.Errorf("font: table %q out of bounds", rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+size]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "name", "post"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("font: no %q table", t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	f.upem = f.u16(head, 18)
	for i := range f.bbox {
		f.bbox[i] = int(int16(f.u16(head, 36+2*i)))
	}
	f.ascent, f.descent = int(int16(f.u16(hhea, 4))), int(int16(f.u16(hhea, 6)))
	longLoca := f.u16(head, 50) == 1
	numGlyphs := f.u16(maxp, 4)
	numMetrics := f.u16(hhea, 34)

	loca := f.tables["loca"]
	f.glyphs = make([]uint32, numGlyphs+1)
	for g := range f.glyphs {
		if longLoca {
			f.glyphs[g] = binary.BigEndian.Uint32(loca[4*g:])
		} else {
			f.glyphs[g] = 2 * uint32(f.u16(loca, 2*g))
		}
	}
	hmtx := f.tables["hmtx"]
	f.advance = make([]uint16, numGlyphs)
	for g := range f.advance {
		f.advance[g] = uint16(f.u16(hmtx, 4*min(g, numMetrics-1)))
	}
	if err := f.parseCmap(); err != nil {
		return nil, err
	}
	return f, nil
}

// measure fills f.width for drawing in a merged font with baseUpem units per em: the
// advance rounded to those units, then to thousandths as gofpdf rounds it, so our line
// widths equal the widths written into the PDF.
func (f *ttf) measure(baseUpem int) {
	f.width = make([]uint16, len(f.gid))
	scale := float64(baseUpem) / float64(f.upem)
	for r, g := range f.gid {
		if g != 0 {
			f.width[r] = uint16(math.Round(1000 / float64(baseUpem) * float64(scaleUnits(int(f.advance[g]), scale))))
		}
	}
}

// parseCmap fills f.gid from the Windows Unicode BMP (3,1) or Unicode (0,x) format 4
// subtable, the one gofpdf reads too.
func (f *ttf) parseCmap() error {
	cmap := f.tables["cmap"]
	var sub []byte
	for i := 0; i < f.u16(cmap, 2); i++ {
		rec := cmap[4+8*i:]
		platform, encoding := f.u16(rec, 0), f.u16(rec, 2)
		off := binary.BigEndian.Uint32(rec[4:])
		if (platform == 3 && encoding == 1 || platform == 0) && f.u16(cmap, int(off)) == 4 {
			sub = cmap[off:]
			break
		}
	}
	if sub == nil {
		return errors.New("font: no Unicode BMP cmap (format 4)")
	}
	segs := f.u16(sub, 6) / 2
	ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
	f.gid = make([]uint16, 0x10000)
	for s := 0; s < segs; s++ {
		end, start := f.u16(sub, ends+2*s), f.u16(sub, starts+2*s)
		delta, rangeOff := f.u16(sub, deltas+2*s), f.u16(sub, ranges+2*s)
		for r := start; r <= end && r < 0xFFFF; r++ {
			g := 0
			if rangeOff == 0 {
				g = (r + delta) & 0xFFFF
			} else if at := ranges + 2*s + rangeOff + 2*(r-start); at+2 <= len(sub) {
				if g = f.u16(sub, at); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			if g < len(f.advance) {
				f.gid[r] = uint16(g)
			}
		}
	}
	return nil
}

// has reports whether the font draws r.
func (f *ttf) has(r rune) bool { return r >= 0 && r < 0xFFFF && f.gid[r] != 0 }

// Glyph flags (TrueType glyf table).
const (
	argsAreWords     = 1 << 0
	argsAreXY        = 1 << 1
	haveScale        = 1 << 3
	moreComponents   = 1 << 5
	haveXYScale      = 1 << 6
	haveTwoByTwo     = 1 << 7
	haveInstructions = 1 << 8
)

// components calls fn with the offset (within the glyph) of each component record of a
// composite glyph and returns where the records end; simple glyphs have none (0).
func components(glyph []byte, fn func(at int)) int {
	if len(glyph) < 10 || int16(binary.BigEndian.Uint16(glyph)) >= 0 {
		return 0
	}
	at := 10
	for at+4 <= len(glyph) {
		flags := binary.BigEndian.Uint16(glyph[at:])
		fn(at)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	return at
}

func (f *ttf) glyph(g int) []byte { return f.tables["glyf"][f.glyphs[g]:f.glyphs[g+1]] }

// unhinted appends glyph without its TrueType instructions: the merged font mixes two
// fonts' hinting programs, which cannot both hold, so it carries none.
func unhinted(dst, glyph []byte) []byte {
	if len(glyph) < 10 {
		return append(dst, glyph...)
	}
	if n := int(int16(binary.BigEndian.Uint16(glyph))); n >= 0 {
		at := 10 + 2*n // instructionLength
		skip := int(binary.BigEndian.Uint16(glyph[at:]))
		dst = append(dst, glyph[:at]...)
		dst = append(dst, 0, 0)
		return append(dst, glyph[at+2+skip:]...)
	}
	last := 0
	end := components(glyph, func(at int) { last = at })
	start := len(dst)
	dst = append(dst, glyph[:end]...)
	flags := binary.BigEndian.Uint16(dst[start+last:])
	binary.BigEndian.PutUint16(dst[start+last:], flags&^haveInstructions)
	return dst
}

// glyphKey names a glyph of one of the fonts being merged.
type glyphKey struct{ font, gid int }

// subset builds one TrueType font holding the glyphs of runes, each taken from the first
// of fonts that has it. It is laid out in the units of the font with the smallest
// units-per-em (the base); glyphs of other fonts are kept as they are and drawn through
// a composite glyph that scales them to the base's units, so no outline is rewritten.
// .notdef comes from the base. Runes no font has are left out: callers replace them.
func subset(fonts []*ttf, runes []rune) []byte {
	base := 0
	for i, f := range fonts {
		if f.upem < fonts[base].upem {
			base = i
		}
	}
	order := []glyphKey{{base, 0}}
	newID := map[glyphKey]int{{base, 0}: 0}
	var add func(k glyphKey)
	add = func(k glyphKey) {
		if _, ok := newID[k]; ok {
			return
		}
		newID[k] = len(order)
		order = append(order, k)
		g := fonts[k.font].glyph(k.gid)
		components(g, func(at int) { add(glyphKey{k.font, int(binary.BigEndian.Uint16(g[at+2:]))}) })
	}
	type scaled struct {
		r rune
		k glyphKey
	}
	var mapped []rune
	var wrappers []scaled
	sorted := slices.Clone(runes)
	slices.Sort(sorted)
	for _, r := range slices.Compact(sorted) {
		fi := slices.IndexFunc(fonts, func(f *ttf) bool { return f.has(r) })
		if fi < 0 {
			continue
		}
		k := glyphKey{fi, int(fonts[fi].gid[r])}
		add(k)
		if fonts[fi].upem != fonts[base].upem {
			wrappers = append(wrappers, scaled{r, k})
		}
		mapped = append(mapped, r)
	}

	var glyf, loca, hmtx []byte
	for _, k := range order {
		f := fonts[k.font]
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		start := len(glyf)
		glyf = unhinted(glyf, f.glyph(k.gid))
		components(glyf[start:], func(at int) {
			old := int(binary.BigEndian.Uint16(glyf[start+at+2:]))
			binary.BigEndian.PutUint16(glyf[start+at+2:], uint16(newID[glyphKey{k.font, old}]))
		})
		glyf = pad4(glyf)
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.advance[k.gid])
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(f.lsb(k.gid)))
	}
	cmapID := map[rune]int{}
	for _, r := range mapped {
		fi := slices.IndexFunc(fonts, func(f *ttf) bool { return f.has(r) })
		cmapID[r] = newID[glyphKey{fi, int(fonts[fi].gid[r])}]
	}
	for _, w := range wrappers {
		f := fonts[w.k.font]
		scale := float64(fonts[base].upem) / float64(f.upem)
		cmapID[w.r] = len(order)
		order = append(order, w.k)
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		glyf = binary.BigEndian.AppendUint16(glyf, 0xFFFF) // numberOfContours -1: composite
		box := f.glyph(w.k.gid)
		for i := 0; i < 4; i++ {
			v := 0
			if len(box) >= 10 {
				v = scaleUnits(int(int16(binary.BigEndian.Uint16(box[2+2*i:]))), scale)
			}
			glyf = binary.BigEndian.AppendUint16(glyf, uint16(int16(v)))
		}
		glyf = binary.BigEndian.AppendUint16(glyf, argsAreWords|argsAreXY|haveScale)
		glyf = binary.BigEndian.AppendUint16(glyf, uint16(newID[w.k]))
		glyf = append(glyf, 0, 0, 0, 0)                                       // no offset
		glyf = binary.BigEndian.AppendUint16(glyf, uint16(scale*(1<<14)+0.5)) // F2Dot14
		glyf = pad4(glyf)
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(scaleUnits(int(f.advance[w.k.gid]), scale)))
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(int16(scaleUnits(f.lsb(w.k.gid), scale))))
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	b := fonts[base]
	head := slices.Clone(b.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment: unchecked by PDF readers
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(b.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := slices.Clone(b.tables["maxp"])
	for _, f := range fonts { // limits of both fonts hold for the merged one
		for at := 6; at+2 <= min(len(maxp), len(f.tables["maxp"])); at += 2 {
			binary.BigEndian.PutUint16(maxp[at:], max(binary.BigEndian.Uint16(maxp[at:]), binary.BigEndian.Uint16(f.tables["maxp"][at:])))
		}
	}
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	if len(maxp) >= 32 {
		binary.BigEndian.PutUint16(maxp[30:], binary.BigEndian.Uint16(maxp[30:])+1) // component depth: one more level
	}
	post := postNames(b.tables["post"][:32], len(order), cmapID)

	return assemble(map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post, "OS/2": b.tables["OS/2"],
		"name": emptyName, "glyf": glyf, "loca": loca, "hmtx": hmtx, "cmap": cmap(cmapID),
	})
}

// postNames writes a format 2 post table naming each mapped glyph uniXXXX after its
// character, the names the PDF's /Differences use: viewers that find simple-font glyphs
// by name rather than through the cmap find them too. Other glyphs are .notdef.
func postNames(header []byte, numGlyphs int, ids map[rune]int) []byte {
	index := make([]uint16, numGlyphs)
	runes := make([]rune, 0, len(ids))
	for r := range ids {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	names := make([]byte, 0, 8*len(runes))
	for i, r := range runes {
		index[ids[r]] = uint16(258 + i) // 0..257 are the standard Macintosh names
		names = append(names, byte(len(glyphName(r))))
		names = append(names, glyphName(r)...)
	}
	post := slices.Clone(header)
	binary.BigEndian.PutUint32(post, 0x00020000)
	post = binary.BigEndian.AppendUint16(post, uint16(numGlyphs))
	for _, v := range index {
		post = binary.BigEndian.AppendUint16(post, v)
	}
	return append(post, names...)
}

// glyphName is the name a glyph of r goes by in the font and in the PDF.
func glyphName(r rune) string { return fmt.Sprintf("uni%04X", r) }

// emptyName is a name table with no records: the merged font is neither Droid nor
// DejaVu, and the PDF names it itself.
var emptyName = []byte{0, 0, 0, 0, 0, 6}

func scaleUnits(v int, scale float64) int { return int(math.Round(float64(v) * scale)) }

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func (f *ttf) lsb(g int) int {
	hmtx := f.tables["hmtx"]
	numMetrics := f.u16(f.tables["hhea"], 34)
	at := 4*g + 2
	if g >= numMetrics {
		at = 4*numMetrics + 2*(g-numMetrics)
	}
	return int(int16(binary.BigEndian.Uint16(hmtx[at:])))
}

// cmap writes a format 4 (3,1) cmap, one segment per run of consecutive runes with
// consecutive glyphs.
func cmap(ids map[rune]int) []byte {
	type seg struct{ start, end, delta int }
	runes := make([]rune, 0, len(ids))
	for r := range ids {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var segs []seg
	for _, r := range runes {
		g := ids[r]
		if n := len(segs); n > 0 && segs[n-1].end == int(r)-1 && segs[n-1].delta == g-int(r) {
			segs[n-1].end = int(r)
			continue
		}
		segs = append(segs, seg{int(r), int(r), g - int(r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	searchRange, selector := 2, 0
	for searchRange*2 <= 2*n {
		searchRange *= 2
		selector++
	}
	b := make([]byte, 0, 12+16+8*n)
	for _, v := range []int{0, 1, 3, 1, 0, 12} { // version, one subtable (3,1) at offset 12
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	for _, v := range []int{4, 16 + 8*n, 0, 2 * n, searchRange, selector, 2*n - searchRange} {
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.end))
	}
	b = append(b, 0, 0)
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.start))
	}
	for _, s := range segs {
		b = binary.BigEndian.AppendUint16(b, uint16(s.delta))
	}
	for range segs {
		b = append(b, 0, 0) // idRangeOffset
	}
	return b
}

// assemble writes a font file from its tables, in tag order with 4-byte alignment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for t, d := range tables {
		tags = append(tags, t)
		size += (len(d) + 3) &^ 3
	}
	slices.Sort(tags)
	entrySel := 0
	for 1<<(entrySel+1) <= len(tags) {
		entrySel++
	}
	b := make([]byte, 0, size)
	b = binary.BigEndian.AppendUint32(b, 0x00010000)
	for _, v := range []int{len(tags), 16 << entrySel, entrySel, 16*len(tags) - 16<<entrySel} {
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	off := 12 + 16*len(tags)
	for _, t := range tags {
		d := tables[t]
		b = append(b, t...)
		b = binary.BigEndian.AppendUint32(b, checksum(d))
		b = binary.BigEndian.AppendUint32(b, uint32(off))
		b = binary.BigEndian.AppendUint32(b, uint32(len(d)))
		off += (len(d) + 3) &^ 3
	}
	for _, t := range tags {
		b = append(b, tables[t]...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	return b
}

func checksum(d []byte) uint32 {
	var sum uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
