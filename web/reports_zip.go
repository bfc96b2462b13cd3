package web

import (
	"archive/zip"
	"bufio"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/report"
	"github.com/gofiber/fiber/v2"
)

func (s *Server) registerReportZipRoutes(r fiber.Router) {
	r.Get("/reports.zip", s.authenticate, allow(staffRoles...), s.reportsZip)
}

// reportsZip streams one PDF score report per graded exam attempt that the results
// filters select (GET /results's query), named by candidate and date. The list is fixed
// before the first byte, so a bad filter is still a proper error; a failure while
// streaming can only cut the archive short, and is logged.
func (s *Server) reportsZip(c *fiber.Ctx) error {
	f, err := s.resultFilter(c)
	if err != nil {
		return err
	}
	// The stream outlives the handler: keep only plain values from c.
	ctx := c.UserContext()
	u := *currentUser(c)
	all, err := s.Exams.FinalAttempts(ctx, f)
	if err != nil {
		return err
	}
	var graded []exam.FinalAttempt
	for _, a := range all {
		if a.Status == exam.Graded {
			graded = append(graded, a)
		}
	}
	name := fmt.Sprintf("成绩单-%s.zip", s.Exams.Now().In(exam.Beijing).Format("20060102"))
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="reports.zip"; filename*=UTF-8''%s`, url.PathEscape(name)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		zw := zip.NewWriter(w)
		for _, a := range graded {
			// The server's write timeout is one deadline for a whole response: give each
			// report its own, so a large center's archive is not cut off at the minute.
			conn.SetWriteDeadline(time.Now().Add(reportWriteTimeout))
			rep, err := s.Grades.Report(ctx, grading.ReportReader(&u, a), a.ID)
			if err != nil { // one attempt's report failing must not cost the others theirs
				s.Logger.Error("reports.zip: report left out", "attempt", a.ID, "err", err)
				continue
			}
			if err := addReport(zw, rep, a); err != nil {
				s.Logger.Error("reports.zip: cut short", "attempt", a.ID, "err", err)
				return
			}
			if err := w.Flush(); err != nil {
				s.Logger.Info("reports.zip: the client went away", "attempt", a.ID, "err", err)
				return
			}
		}
		if err := zw.Close(); err != nil {
			s.Logger.Error("reports.zip: close", "err", err)
		}
	})
	return nil
}

// reportWriteTimeout is how long sending one report of reports.zip may take.
const reportWriteTimeout = time.Minute

// addReport writes rep's PDF into zw as 成绩单-USERNAME-NAME-DATE-ID.pdf.
func addReport(zw *zip.Writer, rep *report.Report, a exam.FinalAttempt) error {
	day := a.SubmittedAt.In(exam.Beijing)
	name := fmt.Sprintf("成绩单-%s-%s-%s-%d.pdf", rep.Username, rep.Candidate, day.Format("20060102-1504"), a.ID)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: zipEntryName(name), Method: zip.Deflate, Modified: day})
	if err != nil {
		return err
	}
	return report.Encode(w, rep)
}

// zipEntryName keeps a candidate's display name from making a path, a name Windows
// refuses, or one a control character cuts short or hides (names stored before the input
// refused them, or usernames from elsewhere).
func zipEntryName(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
}
