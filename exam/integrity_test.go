package exam_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
)

func TestIntegrityValidate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p          exam.Integrity
		assignment bool
		field      string
	}{
		{exam.Integrity{WarnAt: 2, SubmitAt: 3}, false, ""},
		{exam.Integrity{WarnAt: 3, SubmitAt: 3}, false, "integrity.warn_at"},
		{exam.Integrity{SubmitAt: 101}, false, "integrity.submit_at"},
		{exam.Integrity{AccessCode: "Room-301"}, false, "integrity.access_code"},
		{exam.Integrity{AccessCode: "Room-301"}, true, ""},
		{exam.Integrity{AccessCode: "口令 带空格"}, true, "integrity.access_code"},
		{exam.Integrity{AllowedNetworks: []string{"10.0.0.0/8", " 192.168.1.7 ", "2001:db8::/32"}}, false, ""},
		{exam.Integrity{AllowedNetworks: []string{"10.0.0.0/8", "10.0.0.300"}}, false, "integrity.allowed_networks[1]"},
	} {
		p := c.p
		p.Normalize()
		err := p.Validate("integrity.", c.assignment)
		var e *errs.Error
		if c.field == "" && err != nil || c.field != "" && (!errors.As(err, &e) || e.Field != c.field) {
			t.Errorf("%+v: %v, want field %q", c.p, err, c.field)
		}
	}
	p := exam.Integrity{SubmitAt: 3}
	p.Normalize()
	if !p.RecordFocus || !p.CountsFocus() {
		t.Error("a strike limit does not turn recording on")
	}
}

func TestIntegrityCheckEntry(t *testing.T) {
	t.Parallel()
	var none *exam.Integrity
	if err := none.CheckEntry(exam.Entry{Addr: "203.0.113.1"}, true); err != nil {
		t.Fatalf("no policy refused: %v", err)
	}
	p := &exam.Integrity{AccessCode: "Room-301", AllowedNetworks: []string{"10.8.0.0/16", "192.0.2.7"}}
	for _, c := range []struct {
		e        exam.Entry
		withCode bool
		field    string
	}{
		{exam.Entry{Addr: "10.8.1.2", AccessCode: "Room-301"}, true, ""},
		{exam.Entry{Addr: "::ffff:10.8.1.2", AccessCode: "Room-301"}, true, ""},
		{exam.Entry{Addr: "192.0.2.7", AccessCode: " Room-301 "}, true, ""},
		{exam.Entry{Addr: "192.0.2.8", AccessCode: "Room-301"}, true, "address"},
		{exam.Entry{Addr: "", AccessCode: "Room-301"}, true, "address"},
		{exam.Entry{Addr: "10.8.1.2", AccessCode: "room-301"}, true, "access_code"},
		{exam.Entry{Addr: "10.8.1.2"}, true, "access_code"},
		{exam.Entry{Addr: "10.8.1.2"}, false, ""}, // opening the exam page asks no code
	} {
		err := p.CheckEntry(c.e, c.withCode)
		var e *errs.Error
		if c.field == "" && err != nil || c.field != "" && (!errors.As(err, &e) || e.Field != c.field || e.Kind != errs.Forbidden) {
			t.Errorf("%+v: %v, want field %q", c.e, err, c.field)
		}
	}
	if err := p.CheckEntry(exam.Entry{Addr: "192.0.2.8"}, false); !strings.Contains(err.Error(), "当前网络地址（192.0.2.8）不在本次考试允许的范围内") {
		t.Errorf("the refusal does not name the address: %v", err)
	}
	pub := p.Public()
	if pub.AccessCode != "" || !pub.AccessCodeRequired || p.AccessCode != "Room-301" {
		t.Errorf("public %+v, policy %+v", pub, p)
	}
	if rules := strings.Join(pub.Rules(), "\n"); !strings.Contains(rules, "考试口令") || !strings.Contains(rules, "10.8.0.0/16") || strings.Contains(rules, "切屏") {
		t.Errorf("rules:\n%s", rules)
	}
}
