package exam

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// ProctorKind is what a proctor did to an attempt.
type ProctorKind string

const (
	ProctorExtend ProctorKind = "extend" // gave it Seconds more
	ProctorClose  ProctorKind = "close"  // submitted it for the candidate
)

// ProctorAction is one thing staff did to a running attempt, kept for the record: who
// (Actor, a user id), when, why.
type ProctorAction struct {
	ID      int64 `json:"id"`
	Attempt int64 `json:"attempt"`
	// Candidate is whose attempt it was, where the caller reads attempts of several.
	Candidate int64       `json:"candidate,omitempty"`
	Kind      ProctorKind `json:"kind"`
	Seconds   int         `json:"seconds,omitempty"`
	Reason    string      `json:"reason"`
	Actor     int64       `json:"actor"`
	// ActorName is the actor's name, for the caller who reads accounts to fill in.
	ActorName string    `json:"actor_name,omitempty"`
	At        time.Time `json:"at"`
}

// MaxReasonRunes bounds a proctor's reason.
const MaxReasonRunes = 500

// proctorReason is reason trimmed; an empty one is a *content.ValidationError when
// required, a long one or one with control characters always.
func proctorReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if required && reason == "" {
		return "", content.Invalid("reason", "请写明原因")
	}
	if utf8.RuneCountInString(reason) > MaxReasonRunes {
		return "", content.Invalid("reason", "原因不能超过 %d 字", MaxReasonRunes)
	}
	return reason, content.CheckLine("reason", reason)
}

// CloseAttempt submits attempt id for its candidate now, as staff of its center (a
// proctor) may, and records who closed it and why. It grades exactly as Submit does, and
// like Submit it is idempotent: an attempt already finalised (by its candidate, the
// sweeper, another proctor or server) returns its result and records nothing. An empty
// reason is a *content.ValidationError; anyone but the center's staff gets ErrNotFound.
func (s *Service) CloseAttempt(ctx context.Context, v Viewer, id int64, reason string) (*Result, error) {
	reason, err := proctorReason(reason, true)
	if err != nil {
		return nil, err
	}
	closing := &proctorActionRow{Kind: string(ProctorClose), Reason: reason, ActorID: v.UserID}
	res, _, err := s.finalize(ctx, id, closing, func(a *Attempt) bool { return v.Staff && a.CenterID == v.CenterID }, "")
	return res, err
}

// ProctorActions lists what proctors did to attempt id, oldest first, to whoever may see
// the attempt (its candidate, its center's staff); ErrNotFound to anyone else.
func (s *Service) ProctorActions(ctx context.Context, v Viewer, id int64) ([]ProctorAction, error) {
	if _, err := s.Attempt(ctx, v, id); err != nil {
		return nil, err
	}
	return s.store.proctorActions(ctx, []int64{id})
}

// closedBy is the proctor's close of an attempt, if one closed it: one read, for the
// candidate's page to explain why the attempt ended.
func (s *Service) closedBy(ctx context.Context, id int64) (*ProctorAction, error) {
	acts, err := s.store.proctorActions(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	for i := range acts {
		if acts[i].Kind == ProctorClose {
			return &acts[i], nil
		}
	}
	return nil, nil
}

// closedError is what a save to a closed attempt is told: the proctor's close and its
// reason when a proctor closed it, else ErrAttemptClosed.
func (s *Service) closedError(ctx context.Context, id int64) error {
	c, err := s.closedBy(ctx, id)
	if err != nil {
		return err
	}
	if c != nil {
		return errs.New(errs.Conflict, "监考老师已收卷（%s），答案未保存", c.Reason)
	}
	return ErrAttemptClosed
}

// AttemptClock is where an open attempt's clock stands, for the candidate's page to poll:
// a proctor's extension moves Deadline, a proctor's close sets Closed.
type AttemptClock struct {
	Status     Status         `json:"status"`
	Deadline   *time.Time     `json:"deadline"`
	ExtensionS int            `json:"extension_s"`
	ServerTime time.Time      `json:"server_time"`
	Closed     *ProctorAction `json:"closed,omitempty"`
}

// ClockOf returns attempt id's clock to whoever may see it; ErrNotFound to anyone else.
func (s *Service) ClockOf(ctx context.Context, v Viewer, id int64) (*AttemptClock, error) {
	a, err := s.store.attemptState(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.sees(&a.Attempt) {
		return nil, notFound()
	}
	c := &AttemptClock{Status: a.Status, Deadline: a.Deadline, ExtensionS: a.ExtensionS, ServerTime: s.now().UTC()}
	if a.Status != InProgress {
		if c.Closed, err = s.closedBy(ctx, id); err != nil {
			return nil, err
		}
	}
	return c, nil
}
