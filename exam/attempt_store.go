package exam

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// insertAttempt stores a new attempt through the group commit, setting row.ID.
func (st *store) insertAttempt(ctx context.Context, row *attemptRow) error {
	return st.writes.do(ctx, func(tx *gorm.DB) error {
		row.ID = 0 // a write may run twice (see batcher): insert afresh
		// One INSERT is atomic alone. GORM's transaction around it (when the write runs
		// alone) cost MySQL two more round trips, and SQLite a statement journal: an
		// in-memory file that the driver maps and unmaps for each page of the paper, a
		// third of a start's CPU there.
		return tx.Session(&gorm.Session{SkipDefaultTransaction: true}).Create(row).Error
	})
}

// openAttempt returns the attempt in progress in slot (candidate/code), if any.
func (st *store) openAttempt(ctx context.Context, slot string) (*Attempt, bool, error) {
	var row attemptRow
	err := st.db.WithContext(ctx).Where("open_slot = ?", slot).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	a, err := row.attempt()
	return a, err == nil, err
}

// attempt returns attempt id; ErrNotFound for none.
func (st *store) attempt(ctx context.Context, id int64) (*Attempt, error) {
	var row attemptRow
	err := st.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	return row.attempt()
}

// countAttempts counts candidate's attempts of blueprint code, of any status.
func (st *store) countAttempts(ctx context.Context, candidate int64, code string) (int64, error) {
	var n int64
	err := st.db.WithContext(ctx).Model(&attemptRow{}).Where("candidate_id = ? AND blueprint = ?", candidate, code).Count(&n).Error
	return n, err
}

// candidateAttempts lists a candidate's latest attempts, newest first.
func (st *store) candidateAttempts(ctx context.Context, candidate int64, limit int) ([]Attempt, error) {
	return st.find(st.db.WithContext(ctx).Where("candidate_id = ?", candidate).Order("id DESC").Limit(limit))
}

// finalisedAttempts lists a candidate's latest graded and pending-review attempts, newest
// first.
func (st *store) finalisedAttempts(ctx context.Context, candidate int64, limit int) ([]Attempt, error) {
	return st.find(st.db.WithContext(ctx).Where("candidate_id = ? AND status IN ?", candidate, []Status{PendingReview, Graded}).
		Order("id DESC").Limit(limit))
}

// finalisedAttempt returns attempt id if it is graded or pending review; ErrNotFound
// otherwise.
func (st *store) finalisedAttempt(ctx context.Context, id int64) (*Attempt, error) {
	as, err := st.find(st.db.WithContext(ctx).Where("id = ? AND status IN ?", id, []Status{PendingReview, Graded}))
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, notFound()
	}
	return &as[0], nil
}

// pendingReview lists a center's attempts awaiting an instructor, oldest submission first.
func (st *store) pendingReview(ctx context.Context, center int64, limit int) ([]Attempt, error) {
	return st.find(st.db.WithContext(ctx).Where("center_id = ? AND status = ?", center, PendingReview).Order("submitted_at, id").Limit(limit))
}

// finalisedWith lists a center's graded and pending-review attempts whose stored paper
// mentions the question; the caller checks the paper holds it.
func (st *store) finalisedWith(ctx context.Context, center, questionID int64) ([]Attempt, error) {
	// Papers are stored as JSON written by encoding/json, so an item reads exactly so.
	pattern := fmt.Sprintf(`%%"question_id":%d,%%`, questionID)
	return st.find(st.db.WithContext(ctx).Where("center_id = ? AND status IN ? AND paper LIKE ?",
		center, []Status{PendingReview, Graded}, pattern).Order("id"))
}

func (st *store) find(q *gorm.DB) ([]Attempt, error) {
	var rows []attemptRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	out := make([]Attempt, 0, len(rows))
	for i := range rows {
		a, err := rows[i].attempt()
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// overdue returns up to limit attempts in progress whose close has passed at now, the
// longest overdue first.
func (st *store) overdue(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := st.db.WithContext(ctx).Model(&attemptRow{}).Where("status = ? AND closes_at <= ?", InProgress, now).
		Order("closes_at").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// answers returns an attempt's saved answers by question id, read through q.
func answersOf(q *gorm.DB, attemptID int64) (map[int64]Answer, error) {
	var rows []answerRow
	if err := q.Where("attempt_id = ?", attemptID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]Answer, len(rows))
	for i := range rows {
		a, err := rows[i].answer()
		if err != nil {
			return nil, err
		}
		out[rows[i].QuestionID] = a
	}
	return out, nil
}

// answers returns an attempt's saved answers by question id.
func (st *store) answers(ctx context.Context, attemptID int64) (map[int64]Answer, error) {
	return answersOf(st.db.WithContext(ctx), attemptID)
}

// savedAnswer is one answer to store, as its columns, and who stores it.
type savedAnswer struct {
	attemptID, questionID int64
	choice, text          string
	seq                   int64
	at                    time.Time
	device                string // the writer's device id ("" for none)
	session               string // the token hash of the session the save proves live ("" for none)
	candidate             int64  // the writer
}

// answerSave is one answer save in the group commit, and whether it stored its answer,
// set by the run that committed.
type answerSave struct {
	savedAnswer
	stored bool
}

// saveAnswer stores a through the group commit, only while the attempt is open at a.at
// and, when a names a session, while that session is live. It reports whether the row
// now holds a (false: a condition failed, or the stored answer is newer or the same).
func (st *store) saveAnswer(ctx context.Context, a savedAnswer) (bool, error) {
	w := st.saveWrite(a)
	err := st.writes.enqueue(ctx, w)
	return w.save.stored, err
}

// saveWrite is the group commit's write of one answer save.
func (st *store) saveWrite(a savedAnswer) *write {
	s := &answerSave{savedAnswer: a}
	return &write{save: s, run: func(tx *gorm.DB) error { return st.saveAll(tx, []*answerSave{s}) }}
}

// saveAll stores saves through tx, each where its conditions hold (saveSQL), and sets
// each one's stored. Saves to distinct questions go in one statement; a second save to
// the same question in the same call goes in a later statement, so that it meets the
// first as it would have alone.
func (st *store) saveAll(tx *gorm.DB, saves []*answerSave) error {
	for _, round := range saveRounds(saves) {
		query, args := st.saveSQL(round)
		res := tx.Exec(query, args...)
		if res.Error != nil {
			return res.Error
		}
		if len(round) == 1 {
			// A row changed (inserted, or updated to other values) only if the save
			// stored its answer.
			round[0].stored = res.RowsAffected > 0
			continue
		}
		if err := readBack(tx, round); err != nil {
			return err
		}
	}
	return nil
}

// saveRounds splits saves into rounds of distinct questions, keeping each question's
// saves in their order: the k-th save to a question goes in round k. Each round is in
// (attempt, question) order, so that concurrent batches take their row locks in one order.
func saveRounds(saves []*answerSave) [][]*answerSave {
	type key struct{ attempt, question int64 }
	seen := make(map[key]int, len(saves))
	var rounds [][]*answerSave
	for _, s := range saves {
		k := key{s.attemptID, s.questionID}
		r := seen[k]
		seen[k] = r + 1
		if r == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[r] = append(rounds[r], s)
	}
	for _, round := range rounds {
		slices.SortFunc(round, func(a, b *answerSave) int {
			if c := cmp.Compare(a.attemptID, b.attemptID); c != 0 {
				return c
			}
			return cmp.Compare(a.questionID, b.questionID)
		})
	}
	return rounds
}

// readBack sets each save's stored from the rows its statement left (a statement's row
// count is a sum over its saves and tells none apart): a save stored its answer when its
// row now holds the answer at the save's time, with its seq when it has one (a save
// without a seq keeps the stored one). The statement's row locks keep the rows as it
// left them until the transaction ends. A save whose row held exactly that answer at
// that millisecond already counts as stored: what it acknowledges is what is stored.
func readBack(tx *gorm.DB, saves []*answerSave) error {
	var where strings.Builder
	args := make([]any, 0, 2*len(saves))
	for i, s := range saves {
		if i > 0 {
			where.WriteString(" OR ")
		}
		where.WriteString("(attempt_id = ? AND question_id = ?)")
		args = append(args, s.attemptID, s.questionID)
	}
	var rows []answerRow
	if err := tx.Where(where.String(), args...).Find(&rows).Error; err != nil {
		return fmt.Errorf("read back saved answers: %w", err)
	}
	type key struct{ attempt, question int64 }
	stored := make(map[key]*answerRow, len(rows))
	for i := range rows {
		stored[key{rows[i].AttemptID, rows[i].QuestionID}] = &rows[i]
	}
	for _, s := range saves {
		r := stored[key{s.attemptID, s.questionID}]
		s.stored = r != nil && r.Choice == s.choice && r.Text == s.text && r.SavedAt.Equal(s.at) && (s.seq == 0 || r.Seq == s.seq)
	}
	return nil
}

// saveSQL is the one statement that stores saves, whose values it joins to their
// attempts: each inserts or updates its answer only while its attempt is open (and, when
// it names a session, while that session is live), so a save racing a submit, the
// deadline or a logout can never land after it; and only from the device the attempt is
// bound to, when it is bound (a one-device policy), so a save racing a switch to another
// device never lands after it either. On MySQL the reads of attempts and sessions in an
// INSERT … SELECT are locking reads: a submit waits for the batch, or the batch for the
// submit, never half of each. A save with a seq replaces only an older seq; one without
// replaces whatever is stored and keeps its seq.
func (st *store) saveSQL(saves []*answerSave) (string, []any) {
	var q strings.Builder
	args := make([]any, 0, 9*len(saves))
	q.WriteString(`INSERT INTO attempt_answers (attempt_id, question_id, choice, text, seq, saved_at)
SELECT s.attempt_id, s.question_id, s.choice, s.text, s.seq, s.saved_at FROM (`)
	for i, s := range saves {
		if i == 0 { // the first names the columns
			q.WriteString("SELECT ? AS attempt_id, ? AS question_id, ? AS choice, ? AS text, ? AS seq, ? AS saved_at, ? AS device_id, ? AS session, ? AS candidate_id")
		} else {
			q.WriteString(" UNION ALL SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?")
		}
		args = append(args, s.attemptID, s.questionID, s.choice, s.text, s.seq, s.at, s.device, s.session, s.candidate)
	}
	q.WriteString(`) AS s JOIN attempts a ON a.id = s.attempt_id
WHERE a.status = 'in_progress' AND (a.closes_at IS NULL OR a.closes_at > s.saved_at) AND a.device_id IN ('', s.device_id)
AND (s.session = ''`)
	if st.sessions != nil {
		q.WriteString(" OR " + st.sessions.LiveSession("s.session", "s.candidate_id", "s.saved_at"))
	}
	q.WriteString(")")
	if db.DialectOf(st.db) == db.MySQL {
		// MySQL assigns left to right: seq, which the conditions read, goes last.
		const replace = "VALUES(seq) = 0 OR VALUES(seq) > attempt_answers.seq"
		q.WriteString(` ON DUPLICATE KEY UPDATE
choice = IF(` + replace + `, VALUES(choice), attempt_answers.choice), text = IF(` + replace + `, VALUES(text), attempt_answers.text),
saved_at = IF(` + replace + `, VALUES(saved_at), attempt_answers.saved_at), seq = GREATEST(VALUES(seq), attempt_answers.seq)`)
		return q.String(), args
	}
	q.WriteString(` ON CONFLICT (attempt_id, question_id) DO UPDATE SET
choice = excluded.choice, text = excluded.text, saved_at = excluded.saved_at, seq = MAX(excluded.seq, attempt_answers.seq)
WHERE excluded.seq = 0 OR excluded.seq > attempt_answers.seq`)
	return q.String(), args
}

// sessionLive tells whether the session a names is live at a.at.
func (st *store) sessionLive(ctx context.Context, a savedAnswer) (bool, error) {
	var live int
	err := st.db.WithContext(ctx).Raw("SELECT CASE WHEN "+st.sessions.LiveSession("?", "?", "?")+" THEN 1 ELSE 0 END",
		a.session, a.candidate, a.at).Scan(&live).Error
	return live == 1, err
}

// attemptState is an attempt's owner, mode, status and clock (no rules, paper or
// result), and the device it is bound to.
type attemptState struct {
	Attempt
	device string
}

// attemptState returns attempt id's state; ErrNotFound for none.
func (st *store) attemptState(ctx context.Context, id int64) (*attemptState, error) {
	var row attemptRow
	err := st.db.WithContext(ctx).Select("id, candidate_id, center_id, mode, status, deadline, closes_at, extension_s, device_id").Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	return &attemptState{Attempt{ID: row.ID, CandidateID: row.CandidateID, CenterID: row.CenterID, Mode: Mode(row.Mode), Status: Status(row.Status),
		Deadline: row.Deadline, ClosesAt: row.ClosesAt, ExtensionS: row.ExtensionS}, row.DeviceID}, nil
}

// storedAnswer returns the stored answer to a question of an attempt.
func (st *store) storedAnswer(ctx context.Context, attemptID, questionID int64) (*answerRow, error) {
	var ans answerRow
	if err := st.db.WithContext(ctx).Where("attempt_id = ? AND question_id = ?", attemptID, questionID).Take(&ans).Error; err != nil {
		return nil, err
	}
	return &ans, nil
}

// lockAttempt reads attempt id's row in tx, locked for update; ErrNotFound for none.
func lockAttempt(tx *gorm.DB, id int64, columns ...string) (*attemptRow, error) {
	q := tx.Clauses(clause.Locking{Strength: "UPDATE"})
	if len(columns) > 0 {
		q = q.Select(strings.Join(columns, ", "))
	}
	var row attemptRow
	err := q.Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound()
	}
	return &row, err
}

// lockedAttempt reads attempt id in tx, locked for update, as its row and as an Attempt;
// ErrNotFound for none.
func lockedAttempt(tx *gorm.DB, id int64) (*attemptRow, *Attempt, error) {
	row, err := lockAttempt(tx, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := row.attempt()
	return row, a, err
}

// finish stores the result grade gives attempt id, which it grades under the attempt's
// row lock, and closes the attempt's slot; an attempt finalised meanwhile keeps, and
// returns, its result, and finish reports that this call did not finalise it. grade gets
// a reader of the attempt's answers. The result's per-item rows (attempt_item_scores)
// are written with it, paper being the attempt's. closing, when not nil, is recorded with
// the result as a proctor's close of the attempt (only by the call that finalises it);
// reason, when not empty, records why the system submitted it.
func (st *store) finish(ctx context.Context, id int64, paper *Paper, closing *proctorActionRow, reason string, grade func(answers func() (map[int64]Answer, error)) (*Result, time.Time, error)) (*Result, bool, error) {
	var out *Result
	finalised := false
	err := db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		finalised = false // a run again after a deadlock starts over
		cur, err := lockAttempt(tx, id, "id", "status", "result")
		if err != nil {
			return err
		}
		if Status(cur.Status) != InProgress { // finalised by another request or server meanwhile
			out, err = cur.attemptResult()
			return err
		}
		var answers map[int64]Answer
		res, now, err := grade(func() (map[int64]Answer, error) {
			answers, err = answersOf(tx, id)
			return answers, err
		})
		if err != nil {
			return err
		}
		if answers == nil && len(res.Items) > 0 {
			if answers, err = answersOf(tx, id); err != nil {
				return err
			}
		}
		if err := WriteItemScores(tx, id, paper, res, answers); err != nil {
			return err
		}
		set, err := resultColumns(res)
		if err != nil {
			return err
		}
		set["submitted_at"], set["open_slot"], set["updated_at"] = now, nil, now
		if reason != "" {
			set["submit_reason"] = reason
			res.SubmitReason = reason
		}
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return err
		}
		if closing != nil {
			rec := *closing // a run again after a deadlock inserts afresh
			rec.AttemptID, rec.CreatedAt = id, now
			if err := tx.Create(&rec).Error; err != nil {
				return err
			}
		}
		out, finalised = res, true
		return nil
	})
	if err == nil { // closed, by this call or another
		st.forget(id)
	}
	return out, finalised && err == nil, err
}

// rescore stores the result score gives attempt id, which it scores under the attempt's
// row lock in a transaction that ctx carries to score (db.WithTx), so that score's own
// reads and writes commit or roll back with the result. When ctx carries a caller's
// transaction already, rescore runs inside it (a savepoint), so a batch of rescores
// commits or rolls back as one. check refuses an attempt that cannot be rescored. The
// result's per-item rows are replaced with it.
func (st *store) rescore(ctx context.Context, id int64, now time.Time, check func(*Attempt) error, score func(ctx context.Context, a *Attempt, answers map[int64]Answer) (*Result, error)) (*Result, error) {
	var out *Result
	err := db.Transaction(db.Conn(ctx, st.db), func(tx *gorm.DB) error {
		_, a, err := lockedAttempt(tx, id)
		if err != nil {
			return err
		}
		if err := check(a); err != nil {
			return err
		}
		answers, err := answersOf(tx, id)
		if err != nil {
			return err
		}
		res, err := score(db.WithTx(ctx, tx), a, answers)
		if err != nil {
			return err
		}
		if err := WriteItemScores(tx, id, &a.Paper, res, answers); err != nil {
			return err
		}
		set, err := resultColumns(res)
		if err != nil {
			return err
		}
		set["updated_at"] = now
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return err
		}
		out = res
		return nil
	})
	return out, err
}

// extend changes the clock of attempt id under its row lock as change decides (change
// may refuse), and records g, an extension, among the proctor actions.
func (st *store) extend(ctx context.Context, id int64, g proctorActionRow, change func(a *Attempt) error) (*Attempt, error) {
	var out *Attempt
	err := db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		_, a, err := lockedAttempt(tx, id)
		if err != nil {
			return err
		}
		if err := change(a); err != nil {
			return err
		}
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(map[string]any{
			"extension_s": a.ExtensionS, "deadline": a.Deadline, "closes_at": a.ClosesAt, "updated_at": g.CreatedAt}).Error; err != nil {
			return err
		}
		g.AttemptID = id
		if err := tx.Create(&g).Error; err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// stamp records under attempt id's row lock that it belongs to assignment, as decide
// allows: decide sees the attempt, the assignment it belongs to already (0: none) and a
// counter of the candidate's attempts of assignment, may change the attempt's clock, and
// says whether to record anything. It returns the attempt as stored.
func (st *store) stamp(ctx context.Context, id, assignment int64, decide func(a *Attempt, owner int64, used func() (int64, error)) (bool, error)) (*Attempt, error) {
	var out *Attempt
	err := db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		row, a, err := lockedAttempt(tx, id)
		if err != nil {
			return err
		}
		used := func() (int64, error) {
			var n int64
			err := tx.Model(&attemptRow{}).Where("assignment_id = ? AND candidate_id = ?", assignment, row.CandidateID).Count(&n).Error
			return n, err
		}
		record, err := decide(a, row.AssignmentID, used)
		if err != nil || !record {
			out = a
			return err
		}
		out = a
		policy, err := integrityText(a.Integrity)
		if err != nil {
			return err
		}
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(map[string]any{
			"assignment_id": assignment, "extension_s": a.ExtensionS, "deadline": a.Deadline, "closes_at": a.ClosesAt,
			"integrity": policy}).Error; err != nil {
			return fmt.Errorf("attempt %d: record assignment: %w", id, err)
		}
		return nil
	})
	return out, err
}

// finalAttempts reads the finalised exam attempts f selects, in no order, a thousand
// candidates a query.
func (st *store) finalAttempts(ctx context.Context, f ResultFilter) ([]FinalAttempt, error) {
	query := func() *gorm.DB {
		return st.finalQuery(ctx, f).Select("id, candidate_id, center_id, blueprint, status, rules, started_at, submitted_at, result, focus_losses, device_switches")
	}
	var out []FinalAttempt
	if f.Candidates == nil {
		if err := finalAttempts(query(), &out); err != nil {
			return nil, err
		}
	}
	for chunk := range slices.Chunk(f.Candidates, 1000) {
		if err := finalAttempts(query().Where("candidate_id IN ?", chunk), &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// finalQuery selects the finalised exam attempts f selects, except by candidate.
func (st *store) finalQuery(ctx context.Context, f ResultFilter) *gorm.DB {
	q := st.db.WithContext(ctx).Table("attempts").
		Where("mode = ? AND status IN ?", ModeExam, []Status{Submitted, PendingReview, Graded, Abandoned})
	if f.Center != 0 {
		q = q.Where("center_id = ?", f.Center)
	}
	if f.Blueprint != "" {
		q = q.Where("blueprint = ?", f.Blueprint)
	}
	if f.Assignment != 0 {
		q = q.Where("assignment_id = ?", f.Assignment)
	}
	if !f.From.IsZero() {
		q = q.Where("submitted_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("submitted_at < ?", f.To.UTC())
	}
	return q
}

func finalAttempts(q *gorm.DB, out *[]FinalAttempt) error {
	var rows []attemptRow
	if err := q.Find(&rows).Error; err != nil {
		return fmt.Errorf("results: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		var rules struct{ Title string }
		if err := json.Unmarshal([]byte(r.Rules), &rules); err != nil {
			return fmt.Errorf("attempt %d: rules: %w", r.ID, err)
		}
		res, err := r.attemptResult()
		if err != nil {
			return err
		}
		fa := FinalAttempt{ID: r.ID, CandidateID: r.CandidateID, CenterID: r.CenterID, Blueprint: r.Blueprint, Title: rules.Title,
			Status: Status(r.Status), StartedAt: r.StartedAt.UTC(), Result: res, FocusLosses: r.FocusLosses, DeviceSwitches: r.DeviceSwitches}
		if r.SubmittedAt != nil {
			fa.SubmittedAt = r.SubmittedAt.UTC()
		}
		*out = append(*out, fa)
	}
	return nil
}
