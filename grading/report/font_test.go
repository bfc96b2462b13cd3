package report

import (
	"bytes"
	"sync"
	"testing"
)

// The merged subset is a font our own parser reads back: every character maps to a
// glyph, with the advance the layout measured.
func TestSubsetReadsBack(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune("客户服务管理师 CSAT 86%（二级）“服务产品+产品服务”Äé□")
	sub, err := parseTTF(subset(fs, runes))
	if err != nil {
		t.Fatalf("subset does not parse: %v", err)
	}
	sub.measure(sub.upem)
	if want := 1 + len(runes); len(sub.advance) > 2*want {
		t.Errorf("subset holds %d glyphs for %d characters", len(sub.advance), len(runes))
	}
	for _, r := range runes {
		if !sub.has(r) {
			t.Errorf("%q missing from the subset", r)
			continue
		}
		if got, want := sub.width[r], faceOf(fs, r).width[r]; got != want {
			t.Errorf("%q: subset width %d, layout width %d", r, got, want)
		}
	}
	if sub.has('Z') {
		t.Errorf("subset holds a character it was not asked for")
	}
}

// Encode shares the parsed fonts between goroutines; under -race this shows it only
// reads them.
func TestEncodeConcurrently(t *testing.T) {
	var want bytes.Buffer
	if err := Encode(&want, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			if err := Encode(&b, sampleReport()); err != nil {
				t.Error(err)
			} else if !bytes.Equal(b.Bytes(), want.Bytes()) {
				t.Error("concurrent Encode gave different bytes")
			}
		}()
	}
	wg.Wait()
}
