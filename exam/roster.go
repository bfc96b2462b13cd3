package exam

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content"
)

// Member is a candidate of an assignment's cohort as the caller (who reads accounts)
// names them.
type Member struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name,omitempty"`
}

// RosterState is where a candidate stands in an assignment.
type RosterState string

const (
	RosterNotStarted RosterState = "not_started"
	RosterSitting    RosterState = "in_progress"
	RosterSubmitted  RosterState = "submitted"      // finalised, nothing left to grade by hand
	RosterPending    RosterState = "pending_review" // a case awaits an instructor
	RosterGraded     RosterState = "graded"         // its cases were graded by an instructor
	RosterAbandoned  RosterState = "abandoned"      // closed unanswered under the abandon policy
)

// RosterEntry is one member of an assignment's cohort and their attempts of it. Scores
// are of finalised attempts: Best (with Passed) the highest, Last the latest.
type RosterEntry struct {
	Candidate    Member          `json:"candidate"`
	State        RosterState     `json:"state"`
	AttemptsUsed int             `json:"attempts_used"`
	Attempt      int64           `json:"attempt,omitempty"` // the open one, else the latest
	BestScore    *content.Points `json:"best_score"`
	LastScore    *content.Points `json:"last_score"`
	MaxScore     content.Points  `json:"max_score"`
	Passed       *bool           `json:"passed"`
	SubmittedAt  *time.Time      `json:"submitted_at"` // of the latest finalised attempt
	ExtensionS   int             `json:"extension_s,omitempty"`
}

// Roster lists members, the candidates of assignment id's cohort (the caller reads them),
// each with their state, attempts used and scores, in members' order. Staff of the
// assignment's center only; ErrNotFound for anyone else.
func (s *Service) Roster(ctx context.Context, v Viewer, id int64, members []Member) ([]RosterEntry, error) {
	a, err := s.Assignment(ctx, v, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.assignmentAttempts(ctx, id)
	if err != nil {
		return nil, err
	}
	byCandidate := map[int64][]*Attempt{}
	for i := range rows {
		at, err := rows[i].attempt()
		if err != nil {
			return nil, err
		}
		byCandidate[at.CandidateID] = append(byCandidate[at.CandidateID], at)
	}
	out := make([]RosterEntry, len(members))
	for i, m := range members {
		out[i] = rosterEntry(m, byCandidate[m.ID], a.Extensions[m.ID])
	}
	return out, nil
}

// rosterEntry is member's standing given their attempts of one assignment, oldest first.
// It is pure.
func rosterEntry(m Member, attempts []*Attempt, extensionS int) RosterEntry {
	e := RosterEntry{Candidate: m, State: RosterNotStarted, AttemptsUsed: len(attempts), ExtensionS: extensionS}
	var best *Result
	var open int64
	for _, at := range attempts {
		e.Attempt = at.ID
		e.MaxScore = at.Rules.MaxScore
		if at.Status == InProgress {
			e.State, open = RosterSitting, at.ID
			continue
		}
		res := at.Result
		if res == nil {
			continue
		}
		if e.State != RosterSitting {
			e.State = finalState(res.Status, handGraded(res))
		}
		score := res.Score
		e.LastScore, e.SubmittedAt = &score, at.SubmittedAt
		if res.Status != Abandoned && (best == nil || res.Score > best.Score) {
			best = res
		}
	}
	if best != nil {
		score, passed := best.Score, best.Passed
		e.BestScore, e.Passed = &score, &passed
	}
	if open != 0 { // the open attempt is the one to watch
		e.Attempt = open
	}
	return e
}

// finalState is the roster state of a finalised attempt of status st; handGraded tells
// whether an instructor graded any of it.
func finalState(st Status, handGraded bool) RosterState {
	switch {
	case st == PendingReview:
		return RosterPending
	case st == Abandoned:
		return RosterAbandoned
	case handGraded:
		return RosterGraded
	}
	return RosterSubmitted
}

// handGraded tells whether res has cases, which an instructor grades.
func handGraded(res *Result) bool {
	for _, it := range res.Items {
		if len(it.Parts) > 0 {
			return true
		}
	}
	return false
}

// LiveEntry is one member of an assignment's cohort during the exam: their open attempt,
// or where they stand without one.
type LiveEntry struct {
	Candidate    Member      `json:"candidate"`
	State        RosterState `json:"state"`
	Attempt      int64       `json:"attempt,omitempty"`
	AttemptsUsed int         `json:"attempts_used"`
	Answered     int         `json:"answered"`
	Questions    int         `json:"questions"`
	StartedAt    *time.Time  `json:"started_at,omitempty"`
	Deadline     *time.Time  `json:"deadline,omitempty"`
	// TimeLeftS counts down to Deadline at the service's clock (0 once past it).
	TimeLeftS   *int64     `json:"time_left_s,omitempty"`
	ExtensionS  int        `json:"extension_s,omitempty"`
	LastSavedAt *time.Time `json:"last_saved_at,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	// FocusLosses and DeviceChanges are the integrity records of the attempt shown; nil:
	// its policy records none.
	FocusLosses   *int `json:"focus_losses"`
	DeviceChanges *int `json:"device_changes"`
}

// LiveView is an assignment during its exam: every candidate of its cohort and what
// proctors did to its attempts, at ServerTime.
type LiveView struct {
	Assignment Assignment      `json:"assignment"`
	ServerTime time.Time       `json:"server_time"`
	Candidates []LiveEntry     `json:"candidates"`
	Actions    []ProctorAction `json:"actions"`
}

// Live returns assignment id as a proctor watches it: members (its cohort's candidates,
// the caller reads them) in their order, each with their open attempt's answered count
// of questions, time left and last save, or their latest finalised attempt. Staff of the
// assignment's center only; ErrNotFound for anyone else.
func (s *Service) Live(ctx context.Context, v Viewer, id int64, members []Member) (*LiveView, error) {
	a, err := s.Assignment(ctx, v, id)
	if err != nil {
		return nil, err
	}
	// Polled every few seconds by each proctor: the attempts' clocks and rules, not their
	// papers and results.
	rows, err := s.store.assignmentClocks(ctx, id)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	byCandidate := map[int64][]*Attempt{}
	owner := map[int64]int64{}
	for i := range rows {
		at, err := rows[i].clock()
		if err != nil {
			return nil, err
		}
		ids[i], owner[at.ID] = at.ID, at.CandidateID
		byCandidate[at.CandidateID] = append(byCandidate[at.CandidateID], at)
	}
	saves, err := s.store.answerCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	actions, err := s.store.proctorActions(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range actions {
		actions[i].Candidate = owner[actions[i].Attempt]
	}
	now := s.now().UTC()
	view := &LiveView{Assignment: *a, ServerTime: now, Candidates: make([]LiveEntry, len(members)), Actions: actions}
	for i, m := range members {
		view.Candidates[i] = liveEntry(m, byCandidate[m.ID], saves, now)
	}
	return view, nil
}

// liveEntry is member's live line given their attempts of one assignment (oldest first;
// status, rules and clock are read) and the answer counts of attempts, at now. It is pure.
func liveEntry(m Member, attempts []*Attempt, saves map[int64]answerCount, now time.Time) LiveEntry {
	e := LiveEntry{Candidate: m, State: RosterNotStarted, AttemptsUsed: len(attempts)}
	var shown *Attempt
	for _, at := range attempts {
		if shown == nil || shown.Status != InProgress {
			shown = at
		}
	}
	if shown == nil {
		return e
	}
	e.Attempt, e.StartedAt, e.Deadline, e.ExtensionS, e.SubmittedAt = shown.ID, &shown.StartedAt, shown.Deadline, shown.ExtensionS, shown.SubmittedAt
	for _, sec := range shown.Rules.Sections { // a paper fills its blueprint exactly
		e.Questions += sec.Count
	}
	if c, ok := saves[shown.ID]; ok {
		e.Answered, e.LastSavedAt = c.answered, &c.last
	}
	// The counts show where the attempt's policy records them (or something was recorded).
	if shown.Integrity.CountsFocus() || shown.FocusLosses > 0 {
		n := shown.FocusLosses
		e.FocusLosses = &n
	}
	if (shown.Integrity != nil && shown.Integrity.OneDevice) || shown.DeviceSwitches > 0 {
		n := shown.DeviceSwitches
		e.DeviceChanges = &n
	}
	e.State = RosterSitting
	if shown.Status != InProgress {
		e.State = finalState(shown.Status, false) // the roster tells hand-graded apart
	} else if shown.Deadline != nil {
		left := max(int64(shown.Deadline.Sub(now)/time.Second), 0)
		e.TimeLeftS = &left
	}
	return e
}
