package content

import (
	"context"

	"github.com/csmexam/csmexam/content/errs"
)

// Viewer is who reads or edits the bank, as far as the bank cares: their training
// center and whether they are an admin, who curates the shared bank (center 0) and
// reads every center's. The web layer makes it from the logged-in account.
type Viewer struct {
	CenterID int64
	Admin    bool
}

// VisibleCenters are the banks v reads: the shared one and v's center's; nil (every
// center) for an admin.
func (v Viewer) VisibleCenters() []int64 {
	if v.Admin {
		return nil
	}
	return []int64{0, v.CenterID}
}

// OwnerCenter is where v's new questions and blueprints go: an admin's into the shared
// bank, anyone else's into their center's.
func (v Viewer) OwnerCenter() int64 {
	if v.Admin {
		return 0
	}
	return v.CenterID
}

// CanRead reports whether v may read q: a question of the shared bank or of v's center;
// any question for an admin.
func (v Viewer) CanRead(q *Question) bool {
	return q.CenterID == 0 || v.Admin || q.CenterID == v.CenterID
}

// CheckEdit returns ErrForbidden unless v may change q: only an admin changes the shared
// bank or another center's questions.
func (v Viewer) CheckEdit(q *Question) error {
	if !v.Admin && q.CenterID != v.CenterID {
		return errs.New(errs.Forbidden, "内置题库为只读，只有系统管理员可以修改")
	}
	return nil
}

// VisibleQuestion returns the current version of question id if v may read it. A
// question v may not read is ErrNotFound, as if it did not exist, so another center's
// ids reveal nothing.
func (s *Store) VisibleQuestion(ctx context.Context, v Viewer, id int64) (*Question, error) {
	q, err := s.Question(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.CanRead(q) {
		return nil, errs.New(errs.NotFound, "题目 %d 不存在", id)
	}
	return q, nil
}

// EditableQuestion is VisibleQuestion for a change: a question v may read but not
// change is ErrForbidden.
func (s *Store) EditableQuestion(ctx context.Context, v Viewer, id int64) (*Question, error) {
	q, err := s.VisibleQuestion(ctx, v, id)
	if err != nil {
		return nil, err
	}
	return q, v.CheckEdit(q)
}
