package report

import (
	"encoding/binary"
	"errors"
	"fmt"
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
	f.width = make([]uint16, len(f.gid))
	scale := 1000 / float64(f.upem)
	for r, g := range f.gid {
		if g != 0 {
			f.width[r] = uint16(scale*float64(f.advance[g]) + 0.5)
		}
	}
	return f, nil
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

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords   = 1 << 0
	haveScale      = 1 << 3
	moreComponents = 1 << 5
	haveXYScale    = 1 << 6
	haveTwoByTwo   = 1 << 7
)

// components calls fn with the offset (within the glyph) of each component glyph
// index of a composite glyph; simple glyphs have none.
func (f *ttf) components(glyph []byte, fn func(at int)) {
	if len(glyph) < 10 || int16(binary.BigEndian.Uint16(glyph)) >= 0 {
		return
	}
	for at := 10; at+4 <= len(glyph); {
		flags := f.u16(glyph, at)
		fn(at + 2)
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
			return
		}
	}
}

func (f *ttf) glyph(g int) []byte { return f.tables["glyf"][f.glyphs[g]:f.glyphs[g+1]] }

// subset builds a TrueType font holding only the glyphs of runes (plus .notdef and the
// parts of composite glyphs), renumbered from 0, with a cmap for exactly those runes.
// Runes the font has no glyph for are left out; callers replace them beforehand.
func (f *ttf) subset(runes []rune) []byte {
	old := []int{0}
	for _, r := range runes {
		if f.has(r) {
			old = append(old, int(f.gid[r]))
		}
	}
	for i := 0; i < len(old); i++ { // old grows while composites add their parts
		f.components(f.glyph(old[i]), func(at int) {
			old = append(old, f.u16(f.glyph(old[i]), at))
		})
	}
	slices.Sort(old)
	old = slices.Compact(old)
	newID := make(map[int]int, len(old))
	for i, g := range old {
		newID[g] = i
	}

	var glyf, loca, hmtx []byte
	for _, g := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, f.glyph(g)...)
		f.components(glyf[start:], func(at int) {
			binary.BigEndian.PutUint16(glyf[start+at:], uint16(newID[f.u16(glyf, start+at)]))
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.advance[g])
		hmtx = append(hmtx, f.lsb(g)...)
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	head := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment: unchecked by readers we feed
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	post := slices.Clone(f.tables["post"][:32])
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names: they would be renumbered

	out := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post,
		"glyf": glyf, "loca": loca, "hmtx": hmtx, "cmap": f.cmap(runes, newID),
	}
	for _, t := range []string{"name", "OS/2", "cvt ", "fpgm", "prep", "gasp"} {
		if f.tables[t] != nil {
			out[t] = f.tables[t]
		}
	}
	return assemble(out)
}

func (f *ttf) lsb(g int) []byte {
	hmtx := f.tables["hmtx"]
	numMetrics := f.u16(f.tables["hhea"], 34)
	if g < numMetrics {
		return hmtx[4*g+2 : 4*g+4]
	}
	at := 4*numMetrics + 2*(g-numMetrics)
	return hmtx[at : at+2]
}

// cmap writes a format 4 (3,1) cmap mapping runes to their new glyph ids, one segment
// per run of consecutive runes with consecutive glyphs.
func (f *ttf) cmap(runes []rune, newID map[int]int) []byte {
	type seg struct{ start, end, delta int }
	sorted := slices.Clone(runes)
	slices.Sort(sorted)
	var segs []seg
	for _, r := range slices.Compact(sorted) {
		if !f.has(r) {
			continue
		}
		g := newID[int(f.gid[r])]
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
