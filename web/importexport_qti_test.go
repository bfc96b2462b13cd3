package web_test

import (
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// uploadAs posts file under filename with the form field format.
func (h *harness) uploadAs(path, who, filename, format string, body []byte) (int, []byte) {
	h.t.Helper()
	return h.uploadFields(path, who, filename, [][2]string{{"format", format}}, body)
}

// TestExportMoodleQTIAPI: a center's questions leave as Moodle XML and QTI 2.1 and 3.0
// packages and each file checks clean in another center; the form field format reads a
// file whose name does not say, and an unknown format is refused on that field.
func TestExportMoodleQTIAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		if s, b := h.upload("/api/v1/questions/import", "instructor", "q.csv", []byte(importCSV)); s != 200 {
			t.Fatalf("import: %d %s", s, b)
		}
		for _, c := range []struct{ format, mediaType, filename string }{
			{"moodle", "application/xml", "csmexam-questions.xml"},
			{"qti21", "application/zip", "csmexam-questions.zip"},
			{"qti30", "application/zip", "csmexam-questions.zip"},
		} {
			s, mediaType, file := h.download("/api/v1/questions/export?own=1&format="+c.format, "instructor")
			if s != 200 || mediaType != c.mediaType {
				t.Fatalf("export %s: %d %q", c.format, s, mediaType)
			}
			s, b := h.upload("/api/v1/questions/import?dry_run=1", "instructor-b", c.filename, file)
			if r := decode[importReport](t, b); s != 200 || r.Valid != 3 {
				t.Fatalf("%s export does not import back: %d %s", c.format, s, b)
			}
			s, b = h.uploadAs("/api/v1/questions/import?dry_run=1", "instructor-b", "bank.download", c.format, file)
			if r := decode[importReport](t, b); s != 200 || r.Valid != 3 {
				t.Fatalf("%s named by the format field: %d %s", c.format, s, b)
			}
		}
		if s, b := h.uploadAs("/api/v1/questions/import", "instructor", "q.csv", "qti22", []byte(importCSV)); s != 422 || decode[apiError](t, b).Field != "format" {
			t.Fatalf("unknown format: %d %s", s, b)
		}
	})
}
