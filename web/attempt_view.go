package web

import (
	"context"
	"strconv"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
)

// attemptView is an attempt as a candidate sees it: answer keys, explanations and rubrics
// only as exam.Attempt.RevealsKey allows.
type attemptView struct {
	ID        int64  `json:"id"`
	Blueprint string `json:"blueprint"`
	Title     string `json:"title"`
	// BlueprintVersion is the version of the blueprint the attempt was started from and
	// keeps (sections, points, duration, pass line); 0 for attempts started before blueprints
	// had versions.
	BlueprintVersion int                    `json:"blueprint_version,omitempty"`
	Mode             exam.Mode              `json:"mode"`
	Status           exam.Status            `json:"status"`
	StartedAt        time.Time              `json:"started_at"`
	Deadline         *time.Time             `json:"deadline"`
	ServerTime       time.Time              `json:"server_time"`
	ExtensionS       int                    `json:"extension_s,omitempty"`
	MaxScore         content.Points         `json:"max_score"`
	PassScore        content.Points         `json:"pass_score"`
	Sections         []sectionView          `json:"sections"`
	Answers          map[string]exam.Answer `json:"answers"`
	Result           *exam.Result           `json:"result,omitempty"`
	// Reasons says why a practice of the 错题本 took each question, by question id.
	Reasons map[string]string `json:"reasons,omitempty"`
	// The integrity policy the attempt runs under (never its access code), what it
	// recorded, and why the system submitted the attempt, when it did.
	Integrity      *exam.Integrity `json:"integrity,omitempty"`
	FocusLosses    int             `json:"focus_losses"`
	DeviceSwitches int             `json:"device_switches"`
	SubmitReason   string          `json:"submit_reason,omitempty"`
}

type sectionView struct {
	Type       content.Type   `json:"type"`
	Title      string         `json:"title"`
	PointsEach content.Points `json:"points_each"`
	Questions  []questionView `json:"questions"`
}

type questionView struct {
	ID       int64              `json:"id"`
	Type     content.Type       `json:"type"`
	Stem     string             `json:"stem"`
	Options  []exam.ShownOption `json:"options,omitempty"` // the paper's order, with the letters shown
	Material string             `json:"material,omitempty"`
	Images   []imageView        `json:"images,omitempty"` // shown below the stem
	Parts    []partView         `json:"parts,omitempty"`
	questionState
	// Letters names this question's options as its paper shows them (for the pages).
	Letters exam.Letters `json:"-"`
}

// questionState is what a question's view shows of the candidate's answer and, when
// allowed, of its key: the part that differs between attempts of one paper.
type questionState struct {
	// ChoiceLetters is the saved answer as the candidate saw it ("A、C", 正确; "" unanswered).
	ChoiceLetters string `json:"choice_letters,omitempty"`
	// Revealed only when allowed (see attemptView). The key is in the bank's keys (what
	// answers store) and, in KeyLetters, as shown; the explanation's option references
	// are rendered as shown.
	Key         []string           `json:"answer_key,omitempty"`
	KeyLetters  string             `json:"answer_letters,omitempty"`
	Explanation string             `json:"explanation,omitempty"`
	Reference   []content.CasePart `json:"reference,omitempty"`
}

// stateOf is the state of question q, item it of a's paper, given its answer.
func stateOf(a *exam.Attempt, it exam.Item, q *content.Question, letters exam.Letters, ans exam.Answer, answered bool) questionState {
	var st questionState
	if len(it.Options) > 0 {
		st.ChoiceLetters = letters.Join(ans.Choice)
	}
	if a.RevealsKey(answered) {
		st.Key, st.Explanation, st.Reference = q.Answer, letters.Explain(q), q.Parts
		if len(it.Options) > 0 {
			st.KeyLetters = letters.Join(q.Answer)
		}
	}
	return st
}

type partView struct {
	Prompt string         `json:"prompt"`
	Points content.Points `json:"points"`
}

func (s *Server) renderAttempt(c *fiber.Ctx, status int, a *exam.Attempt) error {
	body, err := s.attemptJSON(c.UserContext(), a)
	if err != nil {
		return err
	}
	c.Status(status).Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// attemptView is what the result page shows of an attempt (the API sends the same as
// JSON, see attemptJSON).
func (s *Server) attemptView(ctx context.Context, a *exam.Attempt) (*attemptView, error) {
	v, qs, answers, err := s.attemptFrame(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, sec := range a.Paper.Sections {
		sv := sectionView{Type: sec.Type, Title: sec.Title(), PointsEach: sec.PointsEach}
		for _, it := range sec.Items {
			q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
			ans, answered := answers[q.ID]
			sv.Questions = append(sv.Questions, questionViewOf(a, it, q, ans, answered))
		}
		v.Sections = append(v.Sections, sv)
	}
	return v, nil
}

// questionViewOf is question q, item it of a's paper, with its answer.
func questionViewOf(a *exam.Attempt, it exam.Item, q *content.Question, ans exam.Answer, answered bool) questionView {
	letters := exam.LettersOf(it, q.Type)
	qv := questionView{ID: q.ID, Type: q.Type, Stem: q.Stem, Material: q.Material, Images: imageViews(q.Attachments), Letters: letters}
	if len(it.Options) > 0 {
		qv.Options = letters.Options(q)
	}
	for _, p := range q.Parts {
		qv.Parts = append(qv.Parts, partView{Prompt: p.Prompt, Points: p.Points})
	}
	qv.questionState = stateOf(a, it, q, letters, ans, answered)
	return qv
}

// attemptFrame is the view of a without its sections, with the questions and answers
// the sections show.
func (s *Server) attemptFrame(ctx context.Context, a *exam.Attempt) (*attemptView, map[content.Ref]*content.Question, map[int64]exam.Answer, error) {
	qs, err := s.Exams.Questions(ctx, a)
	if err != nil {
		return nil, nil, nil, err
	}
	var answers map[int64]exam.Answer
	if !a.Opened { // a new attempt has none yet
		if answers, err = s.Exams.Answers(ctx, a.ID); err != nil {
			return nil, nil, nil, err
		}
	}
	v := attemptView{ID: a.ID, Blueprint: a.Rules.Code, Title: a.Rules.Title, Mode: a.Mode, Status: a.Status, BlueprintVersion: a.Rules.Version,
		StartedAt: a.StartedAt, Deadline: a.Deadline, ServerTime: s.Exams.Now(), ExtensionS: a.ExtensionS,
		MaxScore: a.Rules.MaxScore, PassScore: a.Rules.PassScore, Answers: make(map[string]exam.Answer, len(answers)), Result: a.Result,
		Integrity: a.Integrity.Public(), FocusLosses: a.FocusLosses, DeviceSwitches: a.DeviceSwitches, SubmitReason: a.SubmitReason}
	for id, ans := range answers {
		v.Answers[strconv.FormatInt(id, 10)] = ans
	}
	reasons, err := s.Grades.PracticeReasons(ctx, a)
	if err != nil {
		return nil, nil, nil, err
	}
	for id, r := range reasons {
		if v.Reasons == nil {
			v.Reasons = make(map[string]string, len(reasons))
		}
		v.Reasons[strconv.FormatInt(id, 10)] = r
	}
	return &v, qs, answers, nil
}
