package exam

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// Device is the browser a request comes from: the random id the exam page keeps in its
// storage, and its User-Agent (for the record).
type Device struct {
	ID string
	UA string
}

var deviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// ErrDeviceMoved is a save from a device the attempt has moved away from.
var ErrDeviceMoved = &errs.Error{Kind: errs.Conflict, Field: "device",
	Message: "本场考试已切换到另一设备作答，本设备的答案不再保存。如需回到本设备，请在本页确认切换。"}

// ErrOtherDevice is an attempt of a one-device policy opened on a device other than its own.
var ErrOtherDevice = &errs.Error{Kind: errs.Conflict, Field: "device",
	Message: "本场考试已在另一设备上进行，是否切换到本设备？"}

// normalize bounds a device as stored; an id of the wrong form is a *content.ValidationError.
func (d *Device) normalize() error {
	if !deviceIDPattern.MatchString(d.ID) {
		return content.Invalid("device", "缺少或无法识别设备标识，请刷新页面后重试")
	}
	if utf8.RuneCountInString(d.UA) > 300 {
		d.UA = string([]rune(d.UA)[:300])
	}
	return nil
}

// DeviceState is where an attempt's device binding stands after ClaimDevice.
type DeviceState struct {
	Switched       bool `json:"switched"`
	DeviceSwitches int  `json:"device_switches"`
}

// ClaimDevice has the candidate's open attempt id go on on device d. Without a
// one-device policy, or once the attempt is closed, it changes nothing. An attempt not
// bound yet is bound to d; one bound to another device is ErrOtherDevice unless
// switchOK, when the attempt moves to d, the move is recorded as an event and counted,
// and the other device's saves are refused from then on (ErrDeviceMoved). Another's
// attempt is ErrNotFound.
func (s *Service) ClaimDevice(ctx context.Context, candidate, id int64, d Device, switchOK bool) (*DeviceState, error) {
	a, err := s.store.attempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.CandidateID != candidate {
		return nil, notFound()
	}
	if a.Integrity == nil || !a.Integrity.OneDevice || a.Status != InProgress {
		return &DeviceState{DeviceSwitches: a.DeviceSwitches}, nil
	}
	if err := d.normalize(); err != nil {
		return nil, err
	}
	return s.store.claimDevice(ctx, id, d, s.now().UTC(), func(bound string) (bool, error) {
		if bound != "" && bound != d.ID && !switchOK {
			return false, ErrOtherDevice
		}
		return bound != "" && bound != d.ID, nil
	})
}

// FocusEvent is one departure from the exam page as the page reports it: its kind (a key
// of FocusKinds), the page's number for it (unique per attempt, so a batch sent again is
// counted once) and the device's time.
type FocusEvent struct {
	Kind     string
	Seq      int64
	ClientAt time.Time
}

// MaxEventsPerBatch bounds one report of departures.
const MaxEventsPerBatch = 100

// FocusState is an attempt's departures after a report, and what the policy makes of them.
type FocusState struct {
	FocusLosses int    `json:"focus_losses"`
	WarnAt      int    `json:"warn_at,omitempty"`
	SubmitAt    int    `json:"submit_at,omitempty"`
	Status      Status `json:"status"`
	// SubmitReason is set when the strike policy has submitted the attempt.
	SubmitReason string `json:"submit_reason,omitempty"`
}

// RecordEvents records the candidate's departures from the exam page of attempt id, each
// once (by its Seq) and with the server's time, and counts them on the attempt. When the
// count reaches the policy's SubmitAt the attempt is submitted through the same path as
// the candidate's submit, with StrikeReason recorded: every save acknowledged before is
// in the grade, and later ones are refused as after any submit. A closed attempt, or one
// whose policy records nothing, records nothing. A malformed event is a
// *content.ValidationError; another's attempt ErrNotFound.
func (s *Service) RecordEvents(ctx context.Context, candidate, id int64, events []FocusEvent) (*FocusState, error) {
	if len(events) > MaxEventsPerBatch {
		return nil, content.Invalid("events", "一次最多报告 %d 个事件", MaxEventsPerBatch)
	}
	for i, e := range events {
		if _, ok := FocusKinds[e.Kind]; !ok {
			return nil, content.Invalid(fmt.Sprintf("events[%d].kind", i), "事件类型必须是 hidden、blur 或 fullscreen_exit，而不是 %q", e.Kind)
		}
		if e.Seq <= 0 {
			return nil, content.Invalid(fmt.Sprintf("events[%d].seq", i), "事件序号必须大于 0")
		}
	}
	a, err := s.store.attempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.CandidateID != candidate {
		return nil, notFound()
	}
	st := &FocusState{FocusLosses: a.FocusLosses, Status: a.Status, SubmitReason: a.SubmitReason}
	if a.Integrity != nil {
		st.WarnAt, st.SubmitAt = a.Integrity.WarnAt, a.Integrity.SubmitAt
	}
	if a.Status != InProgress || !a.Integrity.CountsFocus() || len(events) == 0 {
		return st, nil
	}
	count, open, err := s.store.recordFocus(ctx, id, events, s.now().UTC())
	if err != nil {
		return nil, fmt.Errorf("attempt %d: record focus events: %w", id, err)
	}
	st.FocusLosses = count
	if !open {
		st.Status = Submitted // closed meanwhile: the page goes to the result
		return st, nil
	}
	if st.SubmitAt > 0 && count >= st.SubmitAt {
		reason := StrikeReason(st.SubmitAt)
		res, _, err := s.finalize(ctx, id, nil, func(*Attempt) bool { return true }, reason)
		if err != nil {
			return nil, fmt.Errorf("attempt %d: submit by strike policy: %w", id, err)
		}
		st.Status, st.SubmitReason = res.Status, res.SubmitReason
	}
	return st, nil
}

// AttemptEvent is one recorded event of an attempt.
type AttemptEvent struct {
	Kind     string     `json:"kind"`
	Title    string     `json:"title"`
	ClientAt *time.Time `json:"client_at,omitempty"`
	ServerAt time.Time  `json:"server_at"`
	Detail   string     `json:"detail,omitempty"`
}

// MaxEventsListed bounds the events Events returns.
const MaxEventsListed = 1000

// Events lists attempt id's recorded departures and device switches, oldest first, to
// whoever may see the attempt (ErrNotFound otherwise).
func (s *Service) Events(ctx context.Context, v Viewer, id int64) ([]AttemptEvent, error) {
	if _, err := s.Attempt(ctx, v, id); err != nil {
		return nil, err
	}
	evs, err := s.store.events(ctx, id, MaxEventsListed)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		evs[i].Title = FocusKinds[evs[i].Kind]
		if evs[i].Kind == EventDeviceSwitch {
			evs[i].Title = "切换设备"
		}
	}
	return evs, nil
}

// assignmentIntegrity is the policy a start of assignment a runs under, with its code.
func (s *Service) assignmentIntegrity(ctx context.Context, a *Assignment) (*Integrity, error) {
	if a.Integrity != nil {
		return a.Integrity, nil
	}
	bp, err := s.Blueprint(ctx, a.Blueprint, a.CenterID)
	if err != nil {
		return nil, err
	}
	return bp.Integrity, nil
}

// StartIntegrity is the policy a start of blueprint bp, through assignment (0: none),
// would run under, as the candidate may read it; nil for none. An assignment the viewer
// may not see is ErrNotFound.
func (s *Service) StartIntegrity(ctx context.Context, v Viewer, bp *Blueprint, assignment int64) (*Integrity, error) {
	if assignment == 0 {
		return bp.Integrity.Public(), nil
	}
	cohorts, err := s.cohortsOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	a, err := s.assignmentFor(ctx, v.member(), cohorts, assignment)
	if err != nil {
		return nil, err
	}
	return EffectiveIntegrity(bp, a.Integrity).Public(), nil
}

// deviceText names a device for the record of a switch.
func deviceText(d Device) string {
	if ua := strings.TrimSpace(d.UA); ua != "" {
		return ua
	}
	return "未知浏览器"
}
