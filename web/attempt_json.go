package web

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// attemptJSON is attemptView(a) as JSON, byte for byte what encoding/json makes of it,
// put together from pieces of each question version encoded once per server: every
// attempt of a class shows the same questions, and encoding their text again for each
// start was a tenth of a start's CPU.
func (s *Server) attemptJSON(ctx context.Context, a *exam.Attempt) ([]byte, error) {
	v, qs, answers, err := s.attemptFrame(ctx, a)
	if err != nil {
		return nil, err
	}
	frame, err := json.Marshal(v) // its sections null: the paper's go in their place
	if err != nil {
		return nil, err
	}
	// The key cannot occur inside a string value: a quote there is escaped.
	at := bytes.Index(frame, []byte(`,"sections":null,`)) + len(`,"sections":`)
	items := 0
	for _, sec := range a.Paper.Sections {
		items += len(sec.Items)
	}
	out := make([]byte, 0, len(frame)+512*items) // a question of L2-theory takes some 300 bytes
	out = append(out, frame[:at]...)
	if len(a.Paper.Sections) == 0 {
		out = append(out, "null"...)
	} else {
		out = append(out, '[')
		for i, sec := range a.Paper.Sections {
			if i > 0 {
				out = append(out, ',')
			}
			head, err := json.Marshal(sectionView{Type: sec.Type, Title: sec.Title(), PointsEach: sec.PointsEach})
			if err != nil {
				return nil, err
			}
			out = append(out, head[:len(head)-len("null}")]...) // up to "questions":
			if len(sec.Items) == 0 {
				out = append(out, "null}"...)
				continue
			}
			out = append(out, '[')
			for j, it := range sec.Items {
				if j > 0 {
					out = append(out, ',')
				}
				q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
				ans, answered := answers[q.ID]
				pieces, err := s.questionJSON.of(q)
				if err != nil {
					return nil, err
				}
				if out, err = pieces.appendTo(out, a, it, q, ans, answered); err != nil {
					return nil, err
				}
			}
			out = append(out, "]}"...)
		}
		out = append(out, ']')
	}
	out = append(out, frame[at+len("null"):]...)
	return out, nil
}

// questionPieces are a question version's view as JSON, but for its options' order and
// its state: what every paper shows alike.
type questionPieces struct {
	head  []byte            // {"id":…,"type":…,"stem":…
	media []byte            // ,"material":…,"images":[…],"parts":[…] as far as it has them
	keys  map[string][]byte // an option's key as JSON
	texts map[string][]byte // an option's text as JSON
}

// appendTo adds question q, item it of a's paper, with its answer, to out.
func (p *questionPieces) appendTo(out []byte, a *exam.Attempt, it exam.Item, q *content.Question, ans exam.Answer, answered bool) ([]byte, error) {
	out = append(out, p.head...)
	letters := exam.LettersOf(it, q.Type)
	if len(it.Options) > 0 {
		out = append(out, `,"options":[`...)
		for i, k := range it.Options {
			if i > 0 {
				out = append(out, ',')
			}
			key, err := p.option(p.keys, k, k)
			if err != nil {
				return nil, err
			}
			out = append(out, `{"key":`...)
			out = append(out, key...)
			out = append(out, `,"letter":`...)
			switch letter := letters.Of(k); {
			case q.Type == content.TrueFalse:
				out = append(out, `""`...)
			case letter == k:
				out = append(out, key...)
			default: // A to Z
				out = append(out, '"')
				out = append(out, letter...)
				out = append(out, '"')
			}
			text, err := p.option(p.texts, k, "")
			if err != nil {
				return nil, err
			}
			out = append(out, `,"text":`...)
			out = append(out, text...)
			out = append(out, '}')
		}
		out = append(out, ']')
	}
	out = append(out, p.media...)
	if st := stateOf(a, it, q, letters, ans, answered); !st.empty() {
		b, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		if len(b) > len("{}") {
			out = append(out, ',')
			out = append(out, b[1:len(b)-1]...)
		}
	}
	return append(out, '}'), nil
}

// option is the JSON of option k's entry in m, or of missing for an option the version
// does not have (Letters.Options shows such a key with an empty text).
func (p *questionPieces) option(m map[string][]byte, k, missing string) ([]byte, error) {
	if b, ok := m[k]; ok {
		return b, nil
	}
	return json.Marshal(missing)
}

func (st *questionState) empty() bool {
	return st.ChoiceLetters == "" && st.Key == nil && st.KeyLetters == "" && st.Explanation == "" && st.Reference == nil
}

// questionPieceCache keeps the pieces of the question versions papers showed. A version
// never changes once written, so its pieces are never stale; like exam's cache of the
// versions themselves, it holds at most one entry per version of the bank.
type questionPieceCache struct {
	mu     sync.Mutex
	pieces map[content.Ref]*questionPieces
}

func (c *questionPieceCache) of(q *content.Question) (*questionPieces, error) {
	ref := content.Ref{ID: q.ID, Version: q.Version}
	c.mu.Lock()
	p := c.pieces[ref]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := newQuestionPieces(q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.pieces == nil {
		c.pieces = map[content.Ref]*questionPieces{}
	}
	c.pieces[ref] = p
	c.mu.Unlock()
	return p, nil
}

func newQuestionPieces(q *content.Question) (*questionPieces, error) {
	qv := questionView{ID: q.ID, Type: q.Type, Stem: q.Stem}
	head, err := json.Marshal(qv)
	if err != nil {
		return nil, err
	}
	qv.Material, qv.Images = q.Material, imageViews(q.Attachments)
	for _, part := range q.Parts {
		qv.Parts = append(qv.Parts, partView{Prompt: part.Prompt, Points: part.Points})
	}
	whole, err := json.Marshal(qv)
	if err != nil {
		return nil, err
	}
	// Both end in }; whole continues head with the media fields.
	p := &questionPieces{head: head[:len(head)-1], media: whole[len(head)-1 : len(whole)-1],
		keys: make(map[string][]byte, len(q.Options)), texts: make(map[string][]byte, len(q.Options))}
	for _, o := range q.Options {
		if p.keys[o.Key], err = json.Marshal(o.Key); err != nil {
			return nil, err
		}
		if p.texts[o.Key], err = json.Marshal(o.Text); err != nil {
			return nil, err
		}
	}
	return p, nil
}
