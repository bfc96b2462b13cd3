package web

import (
	"context"
	"encoding/json"

	"github.com/csmexam/csmexam/exam"
)

// AttemptViewJSON is attemptView(a) through encoding/json: what the API sent before
// attemptJSON, and what it must still send byte for byte.
func (s *Server) AttemptViewJSON(ctx context.Context, a *exam.Attempt) ([]byte, error) {
	v, err := s.attemptView(ctx, a)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
