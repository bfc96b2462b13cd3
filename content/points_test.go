package content

import (
	"encoding/json"
	"testing"
)

func TestPointsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Points
		out  string
	}{
		{"0", 0, "0"}, {"2", 200, "2"}, {"2.5", 250, "2.5"}, {"0.25", 25, "0.25"}, {"100", 10000, "100"}, {"-1.5", -150, "-1.5"}, {"0.10", 10, "0.1"},
	} {
		got, err := ParsePoints(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParsePoints(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if got.String() != c.out {
			t.Errorf("%d.String() = %q, want %q", got, got.String(), c.out)
		}
	}
	for _, bad := range []string{"", "x", "1.234", "1.", ".5", "1e3", "1.-5", "1.+5", "--1", "+1"} {
		if _, err := ParsePoints(bad); err == nil {
			t.Errorf("ParsePoints(%q) accepted", bad)
		}
	}
}

func TestPointsSumHasNoFloatDrift(t *testing.T) {
	// 140 single × 0.5 + 20 true/false × 0.5 + 20 multiple × 1 = 100 exactly.
	var total Points
	for range 160 {
		total += Pts(0.5)
	}
	for range 20 {
		total += Pts(1)
	}
	if total != Pts(100) || total.String() != "100" {
		t.Fatalf("total = %s", total)
	}
	b, _ := json.Marshal(struct{ S Points }{Pts(2.5)})
	if string(b) != `{"S":2.5}` {
		t.Fatalf("json = %s", b)
	}
	var back struct{ S Points }
	if err := json.Unmarshal([]byte(`{"S":7.5}`), &back); err != nil || back.S != 750 {
		t.Fatalf("unmarshal = %v, %v", back.S, err)
	}
}
