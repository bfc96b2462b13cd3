package exam

import (
	"crypto/subtle"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/throttle"
)

// Integrity is an exam's 防作弊 policy, every rule optional. A blueprint may carry one
// and an assignment may carry one; an assignment's, when set, replaces its blueprint's
// whole (EffectiveIntegrity). An attempt keeps the policy it started under.
type Integrity struct {
	// RecordFocus has the exam page report each time the candidate leaves it (the tab
	// hidden, the window blurred, full screen left); the server counts them.
	RecordFocus bool `json:"record_focus,omitempty"`
	// WarnAt shows the candidate a warning from this many departures on (0: none).
	WarnAt int `json:"warn_at,omitempty"`
	// SubmitAt submits the attempt when the departure of this number is recorded (0: never).
	SubmitAt int `json:"submit_at,omitempty"`
	// AccessCode must be given to start (assignments only). It is kept as written, for
	// the staff to read out to the class, and never shown to a candidate (Public).
	AccessCode string `json:"access_code,omitempty"`
	// AccessCodeRequired tells a candidate that a code is asked for (Public sets it).
	AccessCodeRequired bool `json:"access_code_required,omitempty"`
	// AllowedNetworks are the address ranges (CIDR, or single addresses) one may start
	// from and open the exam page from; empty: anywhere.
	AllowedNetworks []string `json:"allowed_networks,omitempty"`
	// OneDevice binds the attempt to the first device; another device must confirm a
	// switch, after which the first one's saves are refused.
	OneDevice bool `json:"one_device,omitempty"`
	// BlockCopy prevents copying, cutting, selecting and the context menu on the exam page.
	BlockCopy bool `json:"block_copy,omitempty"`
}

// Limits of a policy.
const (
	MaxStrikes        = 100
	MaxAccessCodeLen  = 64
	MaxAllowedNetwork = 50
)

// Active reports whether the policy asks anything at all.
func (p *Integrity) Active() bool {
	return p != nil && (p.RecordFocus || p.WarnAt > 0 || p.SubmitAt > 0 || p.AccessCode != "" ||
		len(p.AllowedNetworks) > 0 || p.OneDevice || p.BlockCopy)
}

// CountsFocus reports whether departures from the exam page are recorded.
func (p *Integrity) CountsFocus() bool {
	return p != nil && (p.RecordFocus || p.WarnAt > 0 || p.SubmitAt > 0)
}

// Normalize trims the code and the ranges, and turns recording on when a strike rule
// needs it.
func (p *Integrity) Normalize() {
	p.AccessCode = strings.TrimSpace(p.AccessCode)
	p.AccessCodeRequired = false
	nets := p.AllowedNetworks[:0]
	for _, n := range p.AllowedNetworks {
		if n = strings.TrimSpace(n); n != "" {
			nets = append(nets, n)
		}
	}
	p.AllowedNetworks = nets
	if p.WarnAt > 0 || p.SubmitAt > 0 {
		p.RecordFocus = true
	}
}

var accessCodePattern = regexp.MustCompile(`^[\p{L}\p{N}_\-.]+$`)

// Validate checks a normalized policy; field names are prefixed with prefix (e.g.
// "integrity."). forAssignment allows an access code.
func (p *Integrity) Validate(prefix string, forAssignment bool) error {
	if p.WarnAt < 0 || p.WarnAt > MaxStrikes {
		return content.Invalid(prefix+"warn_at", "警告次数必须在 0 到 %d 之间（0 表示不警告）", MaxStrikes)
	}
	if p.SubmitAt < 0 || p.SubmitAt > MaxStrikes {
		return content.Invalid(prefix+"submit_at", "自动交卷次数必须在 0 到 %d 之间（0 表示不自动交卷）", MaxStrikes)
	}
	if p.WarnAt > 0 && p.SubmitAt > 0 && p.WarnAt >= p.SubmitAt {
		return content.Invalid(prefix+"warn_at", "警告次数（%d）必须小于自动交卷次数（%d）", p.WarnAt, p.SubmitAt)
	}
	if p.AccessCode != "" {
		if !forAssignment {
			return content.Invalid(prefix+"access_code", "考试口令只能设在考试安排上，不能设在试卷蓝图上")
		}
		if utf8.RuneCountInString(p.AccessCode) > MaxAccessCodeLen || !accessCodePattern.MatchString(p.AccessCode) {
			return content.Invalid(prefix+"access_code", "考试口令须为 1 到 %d 个字母、数字、点、下划线或连字符", MaxAccessCodeLen)
		}
	}
	if len(p.AllowedNetworks) > MaxAllowedNetwork {
		return content.Invalid(prefix+"allowed_networks", "允许的网络地址范围最多 %d 个", MaxAllowedNetwork)
	}
	for i, n := range p.AllowedNetworks {
		if _, err := parseNetwork(n); err != nil {
			return content.Invalid(fmt.Sprintf("%sallowed_networks[%d]", prefix, i), "%q 不是网络地址范围（例如 192.168.1.0/24 或 10.0.0.8）", n)
		}
	}
	return nil
}

// parseNetwork reads a CIDR range, or a single address as the range of itself.
func parseNetwork(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Public is the policy as a candidate may read it: the access code replaced by the fact
// that one is asked for.
func (p *Integrity) Public() *Integrity {
	if p == nil {
		return nil
	}
	out := *p
	out.AccessCodeRequired = p.AccessCode != ""
	out.AccessCode = ""
	return &out
}

// EffectiveIntegrity is the policy an attempt runs under: the assignment's when it has
// one, else the blueprint's; nil when neither has.
func EffectiveIntegrity(bp *Blueprint, assigned *Integrity) *Integrity {
	if assigned != nil {
		return assigned
	}
	return bp.Integrity
}

// Entry is where a request to start or open an exam comes from.
type Entry struct {
	// Addr is the client's address as the server's trusted-proxy setting resolves it.
	Addr string
	// AccessCode is what the candidate typed on the start screen.
	AccessCode string
}

// ErrAccessCode is a start with a wrong or missing access code.
var ErrAccessCode = &errs.Error{Kind: errs.Forbidden, Field: "access_code", Message: "考试口令不正确"}

// The throttling of wrong access codes (see throttle.Limiter): failures count per
// (assignment and candidate, client address) pair, so a candidate guessing slows only
// their own start there, and per client address over all candidates, capped only for
// pairs failing from it, so that a classroom behind one address is not locked out by
// one guesser in it.
var (
	AccessCodePairRule    = throttle.Rule{Free: 5, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
	AccessCodeAddressRule = throttle.Rule{Free: 30, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
)

// accessCodeThrottleMessage is what a throttled start reads, with how long to wait.
const accessCodeThrottleMessage = "考试口令错误次数过多，请 %s后再试"

// CheckEntry tells whether e may start (withCode) or open an exam under p: the address
// must lie in an allowed range, and a start must give the access code. It is pure.
func (p *Integrity) CheckEntry(e Entry, withCode bool) error {
	if p == nil {
		return nil
	}
	if len(p.AllowedNetworks) > 0 && !p.allows(e.Addr) {
		return &errs.Error{Kind: errs.Forbidden, Field: "address",
			Message: fmt.Sprintf("当前网络地址（%s）不在本次考试允许的范围内，请在考场网络中作答", e.Addr)}
	}
	if withCode && p.AccessCode != "" {
		given := strings.TrimSpace(e.AccessCode)
		if given == "" {
			return &errs.Error{Kind: errs.Forbidden, Field: "access_code", Message: "本场考试需要考试口令，请输入监考老师公布的口令"}
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(p.AccessCode)) != 1 {
			return ErrAccessCode
		}
	}
	return nil
}

func (p *Integrity) allows(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, n := range p.AllowedNetworks {
		if pre, err := parseNetwork(n); err == nil && pre.Contains(a) {
			return true
		}
	}
	return false
}

// Rules are the policy's rules in the candidate's words, for the instructions page.
func (p *Integrity) Rules() []string {
	if p == nil {
		return nil
	}
	var out []string
	if p.CountsFocus() {
		r := "离开考试页面（切换到其他标签页或程序、窗口失去焦点、退出全屏）会被记录，次数计入成绩记录，老师可以看到。"
		if p.WarnAt > 0 {
			r += fmt.Sprintf("达到 %d 次时页面会提出警告。", p.WarnAt)
		}
		if p.SubmitAt > 0 {
			r += fmt.Sprintf("达到 %d 次时系统自动交卷，已保存的答案照常计分，交卷后不能再作答。", p.SubmitAt)
		}
		out = append(out, r)
	}
	if p.AccessCode != "" || p.AccessCodeRequired {
		out = append(out, "开始考试需要输入考试口令（由监考老师公布）。")
	}
	if len(p.AllowedNetworks) > 0 {
		out = append(out, "只能在考场网络中开始和打开考试（允许的地址范围："+strings.Join(p.AllowedNetworks, "、")+"）。")
	}
	if p.OneDevice {
		out = append(out, "一次作答只能在一台设备上进行：在另一台设备或浏览器上打开时需要确认切换，切换会被记录，原设备此后不能再保存答案。")
	}
	if p.BlockCopy {
		out = append(out, "考试页面限制复制、剪切和右键菜单。")
	}
	return out
}

// FocusKinds are the departures from the exam page a client reports.
var FocusKinds = map[string]string{
	"hidden":          "切换到其他标签页或程序",
	"blur":            "窗口失去焦点",
	"fullscreen_exit": "退出全屏",
}

// EventDeviceSwitch is the event recorded when an attempt moves to another device.
const EventDeviceSwitch = "device_switch"

// StrikeReason is what the result says of an attempt the strike policy submitted.
func StrikeReason(submitAt int) string {
	return fmt.Sprintf("因离开考试页面达到 %d 次，系统已自动交卷", submitAt)
}
