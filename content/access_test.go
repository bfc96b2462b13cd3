package content_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

func TestViewerReadsSharedAndOwnBank(t *testing.T) {
	shared := &content.Question{CenterID: 0}
	own := &content.Question{CenterID: 7}
	other := &content.Question{CenterID: 9}
	instructor := content.Viewer{CenterID: 7}
	admin := content.Viewer{CenterID: 1, Admin: true}

	if got := instructor.VisibleCenters(); !slices.Equal(got, []int64{0, 7}) {
		t.Errorf("instructor sees %v, want [0 7]", got)
	}
	if got := admin.VisibleCenters(); got != nil {
		t.Errorf("admin sees %v, want nil (every center)", got)
	}
	if instructor.OwnerCenter() != 7 || admin.OwnerCenter() != 0 {
		t.Errorf("owner centers: instructor %d, admin %d", instructor.OwnerCenter(), admin.OwnerCenter())
	}
	for _, c := range []struct {
		v    content.Viewer
		q    *content.Question
		read bool
		edit bool
	}{
		{instructor, shared, true, false},
		{instructor, own, true, true},
		{instructor, other, false, false},
		{admin, shared, true, true},
		{admin, other, true, true},
	} {
		if got := c.v.CanRead(c.q); got != c.read {
			t.Errorf("%+v reads center %d: %v, want %v", c.v, c.q.CenterID, got, c.read)
		}
		err := c.v.CheckEdit(c.q)
		if (err == nil) != c.edit || err != nil && !errors.Is(err, content.ErrForbidden) {
			t.Errorf("%+v edits center %d: %v, want allowed=%v", c.v, c.q.CenterID, err, c.edit)
		}
	}
}

func TestVisibleAndEditableQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, ctx := newStore(t, dsn), context.Background()
		q := single("客户服务的特点不包括？", "JC.1.1.1")
		q.CenterID = 7
		if err := s.CreateQuestion(ctx, q, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.EditableQuestion(ctx, content.Viewer{CenterID: 7}, q.ID); err != nil || got.ID != q.ID {
			t.Fatalf("own center: %v, %v", got, err)
		}
		if _, err := s.VisibleQuestion(ctx, content.Viewer{CenterID: 9}, q.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("another center reads: %v, want ErrNotFound", err)
		}
		if _, err := s.EditableQuestion(ctx, content.Viewer{CenterID: 9, Admin: true}, q.ID); err != nil {
			t.Fatalf("admin edits: %v", err)
		}
		shared := single("客户服务的特点有哪些？", "JC.1.1.1")
		if err := s.CreateQuestion(ctx, shared, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditableQuestion(ctx, content.Viewer{CenterID: 7}, shared.ID); !errors.Is(err, content.ErrForbidden) {
			t.Fatalf("a center edits the shared bank: %v, want ErrForbidden", err)
		}
	})
}
