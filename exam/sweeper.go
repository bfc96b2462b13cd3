package exam

import (
	"context"
	"fmt"
	"time"

	"github.com/csmexam/csmexam/content/db"
)

// sweepBatch bounds the attempts one sweep finalises; the next sweep takes the rest.
const sweepBatch = 200

// Sweep finalises every attempt past its close, per its overdue policy, also when the
// candidate never returns. Several servers may sweep at once: each attempt is finalised
// by exactly one of them. It returns how many this call finalised, not counting those
// another server finalised meanwhile.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	ids, err := s.store.overdue(ctx, s.now().UTC(), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	n := 0
	for _, id := range ids {
		_, finalised, err := s.finalize(ctx, id, nil, func(*Attempt) bool { return true }, "")
		if err != nil {
			return n, fmt.Errorf("sweep attempt %d: %w", id, err)
		}
		if finalised {
			n++
		}
	}
	return n, nil
}

// RunSweeper sweeps every interval until ctx ends, logging through report.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration, report func(n int, err error)) {
	db.Every(ctx, interval, func() { report(s.Sweep(ctx)) })
}
