package account_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/exam/throttle"
)

// staff creates a center admin of center code and returns them as seen after login.
func staff(t *testing.T, s *account.Store, username, center string, role account.Role) *account.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), account.NewUser{Username: username, Role: role, Center: center, Password: "staff passphrase 1"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAccountsManagement(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		boss := staff(t, s, "boss", "a", account.CenterAdmin)
		other := staff(t, s, "boss-b", "b", account.CenterAdmin)
		teacher := staff(t, s, "teacher", "a", account.Instructor)

		// A center admin creates in their own center, whatever center the request names.
		u, pw, err := s.CreateAccount(ctx, boss, account.NewUser{Username: "stu1", Name: "学生一", Center: "b"})
		if err != nil || u.Center != "a" || u.Role != account.Candidate || len(pw) < 12 {
			t.Fatalf("create = %+v %q %v", u, pw, err)
		}
		if _, _, err := s.Login(ctx, "stu1", pw); err != nil {
			t.Fatalf("generated password does not log in: %v", err)
		}
		if _, _, err := s.CreateAccount(ctx, boss, account.NewUser{Username: "boss2", Role: account.CenterAdmin}); !errors.Is(err, account.ErrForbidden) {
			t.Fatalf("center admin made a center admin: %v", err)
		}
		if _, _, err := s.CreateAccount(ctx, teacher, account.NewUser{Username: "stu9"}); !errors.Is(err, account.ErrForbidden) {
			t.Fatalf("instructor made an account: %v", err)
		}
		if _, pw, err := s.CreateAccount(ctx, boss, account.NewUser{Username: "stu2", Password: "given passphrase 2"}); err != nil || pw != "" {
			t.Fatalf("given password: %q %v", pw, err)
		}

		// Another center's users are not found; lists stay in the center.
		if _, err := s.UserFor(ctx, other, u.ID); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("center b sees a's user: %v", err)
		}
		if _, err := s.UpdateUser(ctx, other, u.ID, account.UserPatch{Name: ptr("x")}); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("center b renames a's user: %v", err)
		}
		if _, err := s.SetPassword(ctx, other, u.ID, "", ""); !errors.Is(err, account.ErrNotFound) {
			t.Fatalf("center b resets a's password: %v", err)
		}
		list, total, err := s.ListUsers(ctx, boss, account.UserFilter{Role: account.Candidate, Center: 999})
		if err != nil || total != 2 || list[0].Username != "stu1" {
			t.Fatalf("list = %+v %d %v", list, total, err)
		}
		if _, total, _ := s.ListUsers(ctx, boss, account.UserFilter{Text: "学生"}); total != 1 {
			t.Fatalf("search by name: %d", total)
		}
		if _, total, _ := s.ListUsers(ctx, other, account.UserFilter{}); total != 1 {
			t.Fatalf("center b lists %d users", total)
		}

		// Disabling ends every session at once; a reset ends the others but the actor's own.
		tok, _, _ := s.Login(ctx, "stu2", "given passphrase 2")
		if _, err := s.UpdateUser(ctx, boss, u.ID+1, account.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("disabled user's session lives: %v", err)
		}
		if _, _, err := s.Login(ctx, "stu2", "given passphrase 2"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("disabled user logs in: %v", err)
		}
		if _, err := s.UpdateUser(ctx, boss, boss.ID, account.UserPatch{Disabled: ptr(true)}); !errors.Is(err, account.ErrConflict) {
			t.Fatalf("self-disable: %v", err)
		}
		tok, _, _ = s.Login(ctx, "stu1", pw)
		newPW, err := s.SetPassword(ctx, boss, u.ID, "", "")
		if err != nil || newPW == "" || newPW == pw {
			t.Fatalf("reset = %q %v", newPW, err)
		}
		if _, err := s.Authenticate(ctx, tok); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("session survives a reset: %v", err)
		}
		if _, err := s.SetPassword(ctx, boss, u.ID, "12345678", ""); !errors.Is(err, content.ErrInvalid) {
			t.Fatalf("weak reset: %v", err)
		}
		bossTok, _, _ := s.Login(ctx, "boss", "staff passphrase 1")
		bossOther, _, _ := s.Login(ctx, "boss", "staff passphrase 1")
		admin := staff(t, s, "root", "hq", account.Admin)
		if _, err := s.SetPassword(ctx, admin, boss.ID, "the new boss passphrase", bossTok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, bossTok); err != nil {
			t.Fatalf("kept session ended: %v", err)
		}
		if _, err := s.Authenticate(ctx, bossOther); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("other session survives: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCohorts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		boss := staff(t, s, "boss", "a", account.CenterAdmin)
		other := staff(t, s, "boss-b", "b", account.CenterAdmin)
		stu, _, _ := s.CreateAccount(ctx, boss, account.NewUser{Username: "stu1"})
		s.CreateAccount(ctx, boss, account.NewUser{Username: "stu2"})
		outsider, _, _ := s.CreateAccount(ctx, other, account.NewUser{Username: "stu-b"})

		k, err := s.CreateCohort(ctx, boss, " 2026 春季一班 ")
		if err != nil || k.Name != "2026 春季一班" {
			t.Fatalf("create = %+v %v", k, err)
		}
		if _, err := s.CreateCohort(ctx, boss, "2026 春季一班"); !errors.Is(err, account.ErrConflict) {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := s.CreateCohort(ctx, other, "2026 春季一班"); err != nil {
			t.Fatalf("another center may reuse the name: %v", err)
		}
		k, err = s.ChangeMembers(ctx, boss, k.ID, []account.MemberRef{{ID: stu.ID}, {Username: "stu2"}, {ID: stu.ID}}, nil)
		if err != nil || k.Members != 2 {
			t.Fatalf("add = %+v %v", k, err)
		}
		var ve *content.ValidationError
		if _, err := s.ChangeMembers(ctx, boss, k.ID, []account.MemberRef{{Username: "stu-b"}}, nil); !errors.As(err, &ve) || ve.Field != "add[0]" {
			t.Fatalf("another center's candidate added: %v", err)
		}
		if _, err := s.ChangeMembers(ctx, boss, k.ID, []account.MemberRef{{ID: outsider.ID}}, nil); !errors.As(err, &ve) {
			t.Fatalf("another center's candidate added by id: %v", err)
		}
		if _, err := s.ChangeMembers(ctx, boss, k.ID, nil, []account.MemberRef{{Username: "boss"}}); !errors.As(err, &ve) || ve.Field != "remove[0]" {
			t.Fatalf("staff as member: %v", err)
		}
		for _, f := range []func() error{
			func() error { _, err := s.Cohort(ctx, other, k.ID); return err },
			func() error { _, err := s.RenameCohort(ctx, other, k.ID, "x"); return err },
			func() error { _, err := s.Members(ctx, other, k.ID); return err },
			func() error { _, err := s.ChangeMembers(ctx, other, k.ID, nil, nil); return err },
			func() error { return s.DeleteCohort(ctx, other, k.ID, assigned{}) },
		} {
			if err := f(); !errors.Is(err, account.ErrNotFound) {
				t.Fatalf("center b touches a's cohort: %v", err)
			}
		}
		members, err := s.Members(ctx, boss, k.ID)
		if err != nil || len(members) != 2 || members[1].Username != "stu2" {
			t.Fatalf("members = %+v %v", members, err)
		}
		if ids, _ := s.CohortsOf(ctx, stu.ID); len(ids) != 1 || ids[0] != k.ID {
			t.Fatalf("cohorts of = %v", ids)
		}
		if _, total, _ := s.ListUsers(ctx, boss, account.UserFilter{Cohort: k.ID}); total != 2 {
			t.Fatalf("list by cohort: %d", total)
		}
		k, _ = s.ChangeMembers(ctx, boss, k.ID, nil, []account.MemberRef{{Username: "stu2"}})
		if k.Members != 1 {
			t.Fatalf("after remove: %d", k.Members)
		}
		if err := s.DeleteCohort(ctx, boss, k.ID, assigned{k.ID: true}); !errors.Is(err, account.ErrConflict) {
			t.Fatalf("delete of an assigned cohort: %v", err)
		}
		if list, _ := s.Cohorts(ctx, boss); len(list) != 1 {
			t.Fatalf("an assigned cohort was deleted: %+v", list)
		}
		if err := s.DeleteCohort(ctx, boss, k.ID, assigned{}); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.Cohorts(ctx, boss); len(list) != 0 {
			t.Fatalf("after delete: %+v", list)
		}
	})
}

func TestImportCandidates(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		boss := staff(t, s, "boss", "a", account.CenterAdmin)
		s.CreateAccount(ctx, boss, account.NewUser{Username: "taken"})

		bad := [][]string{
			{"用户名", "姓名", "密码", "班级"},
			{"ok-1", "张三", "", "一班"},
			{"taken", "李四", "", ""},
			{"王", "王五", "", ""},
			{"ok-1", "重复", "", ""},
			{"weak", "弱密码", "password123", ""},
			{"", "", "", ""},
		}
		rows, perrs := account.ParseImport(bad)
		rep, err := s.ImportCandidates(ctx, boss, rows, perrs, false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"3 用户名", "4 用户名", "5 用户名", "6 密码"}
		if len(rep.Errors) != len(want) || rep.Imported != 0 {
			t.Fatalf("report = %+v", rep)
		}
		for i, e := range rep.Errors {
			if fmt.Sprintf("%d %s", e.Row, e.Field) != want[i] || e.Message == "" {
				t.Fatalf("error %d = %+v, want %s", i, e, want[i])
			}
		}
		if _, total, _ := s.ListUsers(ctx, boss, account.UserFilter{Role: account.Candidate}); total != 1 {
			t.Fatalf("a failed import created users: %d", total)
		}

		sheet := [][]string{{"\ufeff用户名", "姓名", "密码", "班级"}}
		for i := range 40 {
			pw := ""
			if i%2 == 0 {
				pw = fmt.Sprintf("given passphrase %d", i)
			}
			sheet = append(sheet, []string{fmt.Sprintf("stu%02d", i), fmt.Sprintf("学生%d", i), pw, []string{"一班", "二班"}[i%2]})
		}
		rows, perrs = account.ParseImport(sheet)
		rep, err = s.ImportCandidates(ctx, boss, rows, perrs, true)
		if err != nil || rep.Valid != 40 || rep.Imported != 0 || len(rep.Errors) != 0 {
			t.Fatalf("dry run = %+v %v", rep, err)
		}
		if _, total, _ := s.ListUsers(ctx, boss, account.UserFilter{Role: account.Candidate}); total != 1 {
			t.Fatalf("a dry run created users: %d", total)
		}
		rep, err = s.ImportCandidates(ctx, boss, rows, perrs, false)
		if err != nil || rep.Imported != 40 || len(rep.Passwords) != 20 {
			t.Fatalf("import = %+v %v", rep, err)
		}
		if _, _, err := s.Login(ctx, rep.Passwords[3].Username, rep.Passwords[3].Password); err != nil {
			t.Fatalf("generated password: %v", err)
		}
		if _, _, err := s.Login(ctx, "stu04", "given passphrase 4"); err != nil {
			t.Fatalf("given password: %v", err)
		}
		cohorts, _ := s.Cohorts(ctx, boss)
		if len(cohorts) != 2 || cohorts[0].Members != 20 || cohorts[1].Members != 20 {
			t.Fatalf("cohorts = %+v", cohorts)
		}
		teacher := staff(t, s, "teacher", "a", account.Instructor)
		if _, err := s.ImportCandidates(ctx, teacher, rows, nil, true); !errors.Is(err, account.ErrForbidden) {
			t.Fatalf("instructor imports: %v", err)
		}
		if _, errs := account.ParseImport([][]string{{"账号"}}); len(errs) != 1 || errs[0].Field != "账号" {
			t.Fatalf("unknown header: %+v", errs)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, clk := newStore(t, dsn)
		ctx := context.Background()
		s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
		const attacker, home = "203.0.113.9", "198.51.100.7"
		for i := range account.PairRule.Free {
			if _, _, err := s.Login(account.WithClientAddr(ctx, attacker), "cand", "guess"); !errors.Is(err, account.ErrUnauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		// The next failure blocks the pair; now even the right password waits there.
		s.Login(account.WithClientAddr(ctx, attacker), "cand", "guess")
		var te *throttle.Error
		if _, _, err := s.Login(account.WithClientAddr(ctx, attacker), "cand", "right passphrase"); !errors.As(err, &te) || te.RetryAfter != account.PairRule.BaseDelay {
			t.Fatalf("blocked pair: %v", err)
		}
		// The candidate, from their own address, is not locked out.
		if _, _, err := s.Login(account.WithClientAddr(ctx, home), "cand", "right passphrase"); err != nil {
			t.Fatalf("candidate locked out by an attacker: %v", err)
		}
		// Delays grow: after waiting, one more failure blocks twice as long.
		clk.Add(account.PairRule.BaseDelay)
		s.Login(account.WithClientAddr(ctx, attacker), "cand", "guess")
		if _, _, err := s.Login(account.WithClientAddr(ctx, attacker), "cand", "guess"); !errors.As(err, &te) || te.RetryAfter != 2*account.PairRule.BaseDelay {
			t.Fatalf("second delay: %v", err)
		}
		// A quiet window forgives.
		clk.Add(account.PairRule.Window)
		if _, _, err := s.Login(account.WithClientAddr(ctx, attacker), "cand", "right passphrase"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// An exam in progress autosaves every few seconds to minutes, and every save
// authenticates: the session outlives the idle timeout while the exam goes on.
func TestAutosaveKeepsSessionAlive(t *testing.T) {
	t.Parallel()
	s, clk := newStore(t, dbtest.SQLiteDSN(t))
	ctx := context.Background()
	s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
	tok, _, err := s.Login(ctx, "cand", "right passphrase")
	if err != nil {
		t.Fatal(err)
	}
	for elapsed := time.Duration(0); elapsed < account.IdleTimeout+2*time.Hour; elapsed += 5 * time.Minute {
		clk.Add(5 * time.Minute)
		if _, err := s.Authenticate(ctx, tok); err != nil {
			t.Fatalf("session ended after %v of autosaves: %v", elapsed, err)
		}
	}
	clk.Add(account.IdleTimeout)
	if _, err := s.Authenticate(ctx, tok); !errors.Is(err, account.ErrUnauthorized) {
		t.Fatalf("idle session lives: %v", err)
	}
}

// Failed logins from many requests at once all count, without deadlocks.
func TestLoginThrottleConcurrent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := account.WithClientAddr(context.Background(), "203.0.113.9")
		s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() {
				_, _, err := s.Login(ctx, fmt.Sprintf("user%d", i%4), "guess")
				if !errors.Is(err, account.ErrUnauthorized) && !errors.Is(err, account.ErrTooManyAttempts) {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent failure: %v", err)
		}
		// Every one of the 16 counted, once: with the remaining free failures the address
		// reaches its limit exactly, and a success in between takes its own reserved
		// failure back. At the limit a failing pair is still checked; past it, refused.
		for i := range account.AddressRule.Free - 16 {
			s.Login(ctx, fmt.Sprintf("z%d", i), "guess")
		}
		if _, _, err := s.Login(ctx, "cand", "right passphrase"); err != nil {
			t.Fatalf("login at the limit: %v", err)
		}
		if _, _, err := s.Login(ctx, "user0", "guess"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("failing pair at the limit: %v", err)
		}
		if _, _, err := s.Login(ctx, "user1", "guess"); !errors.Is(err, account.ErrTooManyAttempts) {
			t.Fatalf("failing pair past the limit: %v", err)
		}
	})
}

// Guesses sent all at once are throttled like guesses sent one by one: each is counted
// before its password is checked, so exactly as many are checked as in sequence — the
// free ones and the one whose failure sets the block — and the rest are refused.
func TestLoginThrottleParallelGuesses(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
		attacker := account.WithClientAddr(ctx, "203.0.113.9")
		const guesses = 40
		var mu sync.Mutex
		var nChecked, nRefused int
		var wg sync.WaitGroup
		errs := make(chan error, guesses)
		for range guesses {
			wg.Go(func() {
				_, _, err := s.Login(attacker, "cand", "guess")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, account.ErrUnauthorized):
					nChecked++
				case errors.Is(err, account.ErrTooManyAttempts):
					nRefused++
				default:
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("parallel guess: %v", err)
		}
		if nChecked != account.PairRule.Free+1 || nRefused != guesses-nChecked {
			t.Fatalf("%d guesses checked, %d refused; want %d checked", nChecked, nRefused, account.PairRule.Free+1)
		}
		if _, _, err := s.Login(attacker, "cand", "right passphrase"); !errors.Is(err, account.ErrTooManyAttempts) {
			t.Fatalf("attacker's pair after the burst: %v", err)
		}
		if _, _, err := s.Login(account.WithClientAddr(ctx, "198.51.100.7"), "cand", "right passphrase"); err != nil {
			t.Fatalf("candidate locked out by a burst: %v", err)
		}
	})
}

// A classroom shares one NAT address: however many failures come from it (here under
// made-up usernames), a candidate who has not been failing from it logs in with the
// right password, and one who mistypes there is checked once.
func TestLoginThrottleClassroom(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		for _, u := range []string{"cand", "cand2"} {
			s.CreateUser(ctx, account.NewUser{Username: u, Role: account.Candidate, Center: "a", Password: "right passphrase"})
		}
		classroom := account.WithClientAddr(ctx, "203.0.113.9")
		for i := range account.AddressRule.Free + 5 {
			if _, _, err := s.Login(classroom, fmt.Sprintf("madeup%d", i), "guess"); !errors.Is(err, account.ErrUnauthorized) {
				t.Fatalf("made-up username %d: %v", i, err)
			}
		}
		if _, _, err := s.Login(classroom, "madeup0", "guess"); !errors.Is(err, account.ErrTooManyAttempts) {
			t.Fatalf("failing pair from a capped address: %v", err)
		}
		if _, _, err := s.Login(classroom, "cand", "right passphrase"); err != nil {
			t.Fatalf("candidate locked out by the classroom's failures: %v", err)
		}
		if _, _, err := s.Login(classroom, "cand2", "wrong"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("first mistype from a capped address: %v", err)
		}
		if _, _, err := s.Login(classroom, "cand2", "right passphrase"); !errors.Is(err, account.ErrTooManyAttempts) {
			t.Fatalf("second try from a capped address: %v", err)
		}
	})
}

// One address spraying a guess at each of many usernames is still slowed: once it is
// past its cap, each username it has failed on is refused until the address's block
// ends, where without the cap five more guesses each would be free; a username new to
// it gets one checked guess.
func TestLoginThrottleSpraying(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, clk := newStore(t, dsn)
		attacker := account.WithClientAddr(context.Background(), "203.0.113.9")
		victims := account.AddressRule.Free + 1
		for i := range victims {
			if _, _, err := s.Login(attacker, fmt.Sprintf("victim%d", i), "guess1"); !errors.Is(err, account.ErrUnauthorized) {
				t.Fatalf("first round %d: %v", i, err)
			}
		}
		var te *throttle.Error
		for i := range victims {
			if _, _, err := s.Login(attacker, fmt.Sprintf("victim%d", i), "guess2"); !errors.As(err, &te) || te.RetryAfter != account.AddressRule.BaseDelay {
				t.Fatalf("second round %d: %v", i, err)
			}
		}
		if _, _, err := s.Login(attacker, "fresh", "guess1"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("new username: %v", err)
		}
		// That failure doubled the address's block; the next guess waits it out.
		if _, _, err := s.Login(attacker, "fresh", "guess2"); !errors.As(err, &te) || te.RetryAfter != 2*account.AddressRule.BaseDelay {
			t.Fatalf("new username again: %v", err)
		}
		clk.Add(2 * account.AddressRule.BaseDelay)
		if _, _, err := s.Login(attacker, "victim0", "guess2"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("after the block: %v", err)
		}
		if _, _, err := s.Login(attacker, "victim1", "guess2"); !errors.As(err, &te) || te.RetryAfter != 4*account.AddressRule.BaseDelay {
			t.Fatalf("blocks keep doubling: %v", err)
		}
	})
}

// An IPv6 client counts by its /64: fresh addresses from the same block do not reset
// the count, while another block is unaffected.
func TestLoginThrottleIPv6Prefix(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, _ := newStore(t, dsn)
		ctx := context.Background()
		s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
		for i := range account.PairRule.Free + 1 {
			if _, _, err := s.Login(account.WithClientAddr(ctx, fmt.Sprintf("2001:db8:1:2::%x", i+1)), "cand", "guess"); !errors.Is(err, account.ErrUnauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, _, err := s.Login(account.WithClientAddr(ctx, "2001:db8:1:2:ffff::9"), "cand", "right passphrase"); !errors.Is(err, account.ErrTooManyAttempts) {
			t.Fatalf("another address of the same /64: %v", err)
		}
		if _, _, err := s.Login(account.WithClientAddr(ctx, "2001:db8:1:3::1"), "cand", "right passphrase"); err != nil {
			t.Fatalf("another /64: %v", err)
		}
	})
}

// assigned answers for exam which cohorts still have assignments.
type assigned map[int64]bool

func (a assigned) CheckCohortUnassigned(_ context.Context, cohort int64) error {
	if a[cohort] {
		return errs.New(errs.Conflict, "班级 %d 还有考试安排", cohort)
	}
	return nil
}
