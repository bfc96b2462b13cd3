package exam

import "testing"

// Keys are hidden while an exam is open, shown question by question in practice once
// answered, and all shown once the attempt is closed, whatever its mode.
func TestRevealsKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		mode     Mode
		status   Status
		answered bool
		want     bool
	}{
		{ModeExam, InProgress, false, false},
		{ModeExam, InProgress, true, false},
		{ModePractice, InProgress, false, false},
		{ModePractice, InProgress, true, true},
		{ModeExam, Submitted, false, true},
		{ModeExam, Graded, false, true},
		{ModeExam, PendingReview, true, true},
		{ModeExam, Abandoned, false, true},
		{ModePractice, Graded, false, true},
	} {
		a := Attempt{Mode: c.mode, Status: c.status}
		if got := a.RevealsKey(c.answered); got != c.want {
			t.Errorf("%s %s answered=%v: RevealsKey = %v, want %v", c.mode, c.status, c.answered, got, c.want)
		}
	}
}
