package exam

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The rows of exam's tables as the store reads and writes them; migrations.go holds
// their schema.

type blueprintRow struct {
	Code      string `gorm:"primaryKey"`
	CenterID  int64
	Title     string
	Body      string
	Bundled   bool
	Version   int        // 1, and one more for each saved edit
	RetiredAt *time.Time // nil: offered for new starts and assignments
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (blueprintRow) TableName() string { return "blueprints" }

func (r *blueprintRow) blueprint() (*Blueprint, error) {
	var bp Blueprint
	if err := json.Unmarshal([]byte(r.Body), &bp); err != nil {
		return nil, fmt.Errorf("blueprint %s: stored body: %w", r.Code, err)
	}
	bp.Version, bp.Retired, bp.Bundled, bp.CenterID = max(r.Version, 1), r.RetiredAt != nil, r.Bundled, r.CenterID
	return &bp, nil
}

// newBlueprintRow is bp stored for center (0: shared) by user by at now.
func newBlueprintRow(bp *Blueprint, center, by int64, bundled bool, now time.Time) (blueprintRow, error) {
	b, err := blueprintBody(bp)
	if err != nil {
		return blueprintRow{}, fmt.Errorf("blueprint %s: %w", bp.Code, err)
	}
	return blueprintRow{Code: bp.Code, CenterID: center, Title: bp.Title, Body: b, Bundled: bundled, Version: 1, CreatedBy: by, CreatedAt: now, UpdatedAt: now}, nil
}

// blueprintBody is bp as stored: its version and state live in their own columns.
func blueprintBody(bp *Blueprint) (string, error) {
	c := *bp
	c.Version, c.Retired, c.Bundled, c.CenterID = 0, false, false, 0
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("blueprint %s: %w", bp.Code, err)
	}
	return string(b), nil
}

type attemptRow struct {
	ID           int64 `gorm:"primaryKey"`
	CandidateID  int64
	CenterID     int64
	Blueprint    string
	AssignmentID int64 // 0: started freely
	Mode         string
	Status       string
	OpenSlot     *string
	Rules        string
	Paper        string
	StartedAt    time.Time
	Deadline     *time.Time
	ClosesAt     *time.Time
	ExtensionS   int
	SubmittedAt  *time.Time
	Score        int64
	Result       string
	UpdatedAt    time.Time
	// The integrity policy the attempt runs under (JSON, "" for none), what it recorded,
	// and the device it is bound to ("" while unbound); see integrity.go.
	Integrity      string
	FocusLosses    int
	DeviceSwitches int
	DeviceID       string
	DeviceUA       string
	SubmitReason   string
}

func (attemptRow) TableName() string { return "attempts" }

// newAttemptRow is a to store: its rules and paper as JSON, in the open slot.
func newAttemptRow(a *Attempt, blueprint string, assignment int64, slot string) (attemptRow, error) {
	rules, err := json.Marshal(a.Rules)
	if err != nil {
		return attemptRow{}, fmt.Errorf("attempt rules: %w", err)
	}
	paper, err := json.Marshal(a.Paper)
	if err != nil {
		return attemptRow{}, fmt.Errorf("attempt paper: %w", err)
	}
	policy, err := integrityText(a.Integrity)
	if err != nil {
		return attemptRow{}, err
	}
	return attemptRow{CandidateID: a.CandidateID, CenterID: a.CenterID, Blueprint: blueprint, AssignmentID: assignment, Mode: string(a.Mode),
		Status: string(a.Status), OpenSlot: &slot, Rules: string(rules), Paper: string(paper), StartedAt: a.StartedAt,
		Deadline: a.Deadline, ClosesAt: a.ClosesAt, ExtensionS: a.ExtensionS, UpdatedAt: a.StartedAt, Integrity: policy}, nil
}

// integrityText is how a policy is stored: JSON, or "" for none. An attempt's never
// holds the access code (Public): it is asked at the start only.
func integrityText(p *Integrity) (string, error) {
	if !p.Active() {
		return "", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("integrity policy: %w", err)
	}
	return string(b), nil
}

// parseIntegrity reads a stored policy; "" is none.
func parseIntegrity(s string) (*Integrity, error) {
	if s == "" {
		return nil, nil
	}
	var p Integrity
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("integrity policy: %w", err)
	}
	return &p, nil
}

func (r *attemptRow) attempt() (*Attempt, error) {
	a, err := r.clock()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(r.Paper), &a.Paper); err != nil {
		return nil, fmt.Errorf("attempt %d: paper: %w", r.ID, err)
	}
	res, err := r.attemptResult()
	if res != nil {
		res.SubmitReason = r.SubmitReason
	}
	a.Result = res
	return a, err
}

// clock is the attempt of a row read with its owner, status, rules and clock only (no
// paper or result).
func (r *attemptRow) clock() (*Attempt, error) {
	a := &Attempt{ID: r.ID, CandidateID: r.CandidateID, CenterID: r.CenterID, Mode: Mode(r.Mode), Status: Status(r.Status),
		StartedAt: r.StartedAt, Deadline: r.Deadline, ClosesAt: r.ClosesAt, ExtensionS: r.ExtensionS, SubmittedAt: r.SubmittedAt,
		FocusLosses: r.FocusLosses, DeviceSwitches: r.DeviceSwitches, SubmitReason: r.SubmitReason}
	policy, err := parseIntegrity(r.Integrity)
	if err != nil {
		return nil, fmt.Errorf("attempt %d: %w", r.ID, err)
	}
	a.Integrity = policy
	if err := json.Unmarshal([]byte(r.Rules), &a.Rules); err != nil {
		return nil, fmt.Errorf("attempt %d: rules: %w", r.ID, err)
	}
	return a, nil
}

// attemptResult is the stored result; nil (no error) for an attempt still in progress,
// which has none yet.
func (r *attemptRow) attemptResult() (*Result, error) {
	if r.Result == "" {
		return nil, nil
	}
	var res Result
	if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
		return nil, fmt.Errorf("attempt %d: result: %w", r.ID, err)
	}
	return &res, nil
}

// resultColumns are the columns of an attempt row that store a result.
func resultColumns(res *Result) (map[string]any, error) {
	rj, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("attempt %d: result: %w", res.Attempt, err)
	}
	return map[string]any{"status": string(res.Status), "score": int64(res.Score), "result": string(rj)}, nil
}

// attemptBrief is the few columns of an attempt that deciding a start needs.
type attemptBrief struct {
	ID           int64
	AssignmentID int64
	Mode         string
	Status       string
	OpenSlot     *string
	StartedAt    time.Time
}

type answerRow struct {
	AttemptID  int64 `gorm:"primaryKey"`
	QuestionID int64 `gorm:"primaryKey"`
	Choice     string
	Text       string
	Seq        int64
	SavedAt    time.Time
}

func (answerRow) TableName() string { return "attempt_answers" }

// answer is the stored answer; stored text that does not parse is an error, never an
// answer silently left empty.
func (r *answerRow) answer() (Answer, error) {
	a := Answer{QuestionID: r.QuestionID, Seq: r.Seq, SavedAt: r.SavedAt}
	if r.Choice != "" {
		a.Choice = strings.Split(r.Choice, ",")
	}
	if r.Text != "" {
		if err := json.Unmarshal([]byte(r.Text), &a.Parts); err != nil {
			return a, fmt.Errorf("attempt %d: answer to %d: %w", r.AttemptID, r.QuestionID, err)
		}
	}
	return a, nil
}

// answerText is how an answer's parts are stored: JSON, or empty for none.
func answerText(a *Answer) (string, error) {
	if len(a.Parts) == 0 {
		return "", nil
	}
	b, err := json.Marshal(a.Parts)
	if err != nil {
		return "", fmt.Errorf("answer to %d: %w", a.QuestionID, err)
	}
	return string(b), nil
}

type assignmentRow struct {
	ID              int64 `gorm:"primaryKey"`
	CenterID        int64
	Blueprint       string
	Title           string // '': the blueprint's
	CohortID        int64
	OpensAt         time.Time
	ClosesAt        time.Time
	AttemptsAllowed int
	CreatedBy       int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Integrity       string // its 防作弊 policy as JSON, with the access code; "": the blueprint's
}

func (assignmentRow) TableName() string { return "assignments" }

type assignmentExtensionRow struct {
	AssignmentID int64 `gorm:"primaryKey"`
	UserID       int64 `gorm:"primaryKey"`
	Seconds      int
}

func (assignmentExtensionRow) TableName() string { return "assignment_extensions" }

// proctorActionRow is one extension or close of an attempt by staff.
type proctorActionRow struct {
	ID        int64 `gorm:"primaryKey"`
	AttemptID int64
	Kind      string
	Seconds   int
	Reason    string
	ActorID   int64
	CreatedAt time.Time
}

func (proctorActionRow) TableName() string { return "proctor_actions" }

func (r *proctorActionRow) action() ProctorAction {
	return ProctorAction{ID: r.ID, Attempt: r.AttemptID, Kind: ProctorKind(r.Kind), Seconds: r.Seconds, Reason: r.Reason, Actor: r.ActorID, At: r.CreatedAt.UTC()}
}
