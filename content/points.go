package content

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Points is a score in hundredths of a point. Exam scores move in half points and
// partial credit in fractions of a point; integers keep totals exact where floats drift.
type Points int64

// Pts makes Points from whole and half points written as a float literal (2.5 → 250).
func Pts(f float64) Points { return Points(f*100 + 0.5*sign(f)) }

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// ParsePoints reads a decimal with at most two places ("2", "2.5", "0.25").
func ParsePoints(s string) (Points, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if !allDigits(whole) || hasFrac && (!allDigits(frac) || len(frac) > 2) {
		return 0, fmt.Errorf("%q is not a score with at most two decimal places", s)
	}
	w, err := strconv.ParseInt(whole, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a score with at most two decimal places", s)
	}
	var f int64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 32); err != nil {
			return 0, fmt.Errorf("%q is not a score with at most two decimal places", s)
		}
	}
	p := Points(w*100 + f)
	if neg {
		p = -p
	}
	return p, nil
}

// String writes the shortest exact decimal: 250 → "2.5", 200 → "2", 25 → "0.25".
func (p Points) String() string {
	neg := p < 0
	if neg {
		p = -p
	}
	s := strconv.FormatInt(int64(p/100), 10)
	if r := p % 100; r != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", r), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Float is for display and charts only; sums stay in Points.
func (p Points) Float() float64 { return float64(p) / 100 }

// HalfSteps reports whether p is a whole multiple of 0.5.
func (p Points) HalfSteps() bool { return p%50 == 0 }

func (p Points) MarshalJSON() ([]byte, error) { return []byte(p.String()), nil }

func (p *Points) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParsePoints(s)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// UnmarshalText lets YAML and forms carry scores as plain numbers.
func (p *Points) UnmarshalText(b []byte) error {
	v, err := ParsePoints(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

func (p Points) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

var _ json.Marshaler = Points(0)

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Percent is p as a whole percentage of max, rounded half up (72.5% → 73%): the one
// rounding rule of every page, export and report, so they never disagree by a point.
// ok is false when max is not positive (nothing to score).
func Percent(p, max Points) (pct int, ok bool) {
	if max <= 0 {
		return 0, false
	}
	if p <= 0 {
		return int(-((-int64(p)*100 + int64(max)/2) / int64(max))), true
	}
	return int((int64(p)*100 + int64(max)/2) / int64(max)), true
}
