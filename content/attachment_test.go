package content_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

const redPNG = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg=="

func TestAttachmentsAreCheckedByContent(t *testing.T) {
	t.Parallel()
	png, _ := base64.StdEncoding.DecodeString(redPNG)
	a, err := content.NewAttachment("图.png", png)
	if err != nil || a.Type != "image/png" || a.Size != len(png) || len(a.SHA256) != 64 {
		t.Fatalf("%+v %v", a, err)
	}
	for name, data := range map[string][]byte{
		"svg.png":   []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"html.gif":  []byte("<script>alert(1)</script>"),
		"cut.png":   png[:40],
		"a/b.png":   png,
		"big.png":   append(bytes.Clone(png), make([]byte, content.MaxAttachmentBytes)...),
		"［图：x］.png": png,
	} {
		if _, err := content.NewAttachment(name, data); !errors.Is(err, content.ErrInvalid) {
			t.Errorf("%s: err = %v, want it refused", name, err)
		}
	}
}

func TestAttachmentsAreStoredOnceAndLoaded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s := newStore(t, dsn)
		ctx := context.Background()
		png, _ := base64.StdEncoding.DecodeString(redPNG)
		a, err := content.NewAttachment("图.png", png)
		if err != nil {
			t.Fatal(err)
		}
		q1, q2 := single("看图一"+content.ImageMarker(a.Name), "JC.1.1.1"), single("看图二"+content.ImageMarker(a.Name), "JC.1.1.1")
		q1.Attachments, q2.Attachments = []content.Attachment{a}, []content.Attachment{a}
		if err := s.ImportQuestions(ctx, []content.Question{*q1, *q2}, 0, 1); err != nil {
			t.Fatal(err)
		}
		got, err := s.Bank(ctx, []int64{0})
		if err != nil || len(got) != 2 || len(got[0].Attachments) != 1 || got[0].Attachments[0].Data != nil {
			t.Fatalf("bank %+v %v", got, err)
		}
		typ, data, err := s.File(ctx, a.SHA256)
		if err != nil || typ != "image/png" || !bytes.Equal(data, png) {
			t.Fatalf("file %s %d %v", typ, len(data), err)
		}
		if err := s.LoadFiles(ctx, got); err != nil || !bytes.Equal(got[1].Attachments[0].Data, png) {
			t.Fatalf("load files: %v", err)
		}
		// An edit that keeps the image needs no bytes; one naming an unknown image is refused.
		q := got[0]
		q.Attachments[0].Data = nil
		if err := s.UpdateQuestion(ctx, &q, 1, q.Version); err != nil {
			t.Fatal(err)
		}
		q.Attachments[0].SHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
		if err := s.UpdateQuestion(ctx, &q, 1, q.Version); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("unknown image: %v", err)
		}
		if _, _, err := s.File(ctx, q.Attachments[0].SHA256); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("unknown file: %v", err)
		}
	})
}
