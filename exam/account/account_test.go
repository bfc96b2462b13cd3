package account_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam/account"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newStore(t *testing.T, dsn string) (*account.Store, *clock) {
	t.Helper()
	g := dbtest.Open(t, dsn)
	if err := account.Migrate(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	return account.NewStore(g, c.Now), c
}

func TestCreateUserAndLogin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		s, clk := newStore(t, dsn)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, account.NewUser{Username: "li.ming", Name: "李明", Role: account.Candidate, Center: "bj01", Password: "客服管理师2026!"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Center != "bj01" || u.Name != "李明" || u.Role != account.Candidate {
			t.Fatalf("user = %+v", u)
		}
		if _, err := s.CreateUser(ctx, account.NewUser{Username: "li.ming", Role: account.Candidate, Center: "bj02", Password: "another-long-one"}); !errors.Is(err, account.ErrConflict) {
			t.Fatalf("duplicate: %v", err)
		}
		if _, _, err := s.Login(ctx, "li.ming", "wrong password"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := s.Login(ctx, "nobody", "客服管理师2026!"); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
		tok1, _, err := s.Login(ctx, "li.ming", "客服管理师2026!")
		if err != nil {
			t.Fatal(err)
		}
		tok2, _, _ := s.Login(ctx, "li.ming", "客服管理师2026!")
		if tok1 == tok2 {
			t.Fatal("two logins share a session token")
		}
		got, err := s.Authenticate(ctx, tok1)
		if err != nil || got.ID != u.ID || got.Center != "bj01" {
			t.Fatalf("authenticate = %+v, %v", got, err)
		}
		// Used within the idle timeout, the session lives on; left idle, it ends.
		clk.Add(account.IdleTimeout - time.Minute)
		if _, err := s.Authenticate(ctx, tok1); err != nil {
			t.Fatalf("active session ended: %v", err)
		}
		clk.Add(account.IdleTimeout - time.Minute)
		if _, err := s.Authenticate(ctx, tok1); err != nil {
			t.Fatalf("session used recently ended: %v", err)
		}
		if _, err := s.Authenticate(ctx, tok2); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("idle session still valid: %v", err)
		}
		if err := s.Logout(ctx, tok1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok1); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("after logout: %v", err)
		}
		if _, err := s.Authenticate(ctx, ""); !errors.Is(err, account.ErrUnauthorized) {
			t.Fatalf("empty token: %v", err)
		}
		if n, _ := s.CountUsers(ctx); n != 1 {
			t.Fatalf("%d users", n)
		}
	})
}

func TestNewUserValidation(t *testing.T) {
	t.Parallel()
	ok := account.NewUser{Username: "wang-fang", Role: account.Instructor, Center: "sh-01", Password: "a sound passphrase"}
	cases := map[string]struct {
		edit  func(*account.NewUser)
		field string
	}{
		"short password":    {func(n *account.NewUser) { n.Password = "Ab3$xyz" }, "password"},
		"common password":   {func(n *account.NewUser) { n.Password = "password123" }, "password"},
		"digit run":         {func(n *account.NewUser) { n.Password = "23456789" }, "password"},
		"same as username":  {func(n *account.NewUser) { n.Password = "wang-fang-"; n.Username = "wang-fang-" }, "password"},
		"too long password": {func(n *account.NewUser) { n.Password = string(make([]byte, 129)) }, "password"},
		"bad role":          {func(n *account.NewUser) { n.Role = "teacher" }, "role"},
		"bad username":      {func(n *account.NewUser) { n.Username = "王芳" }, "username"},
		"empty center":      {func(n *account.NewUser) { n.Center = "" }, "center"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	long := ok
	long.Password = "这是一个很长的中文密码短语，足足有六十四个字符以上也应该被接受，因为长密码更安全，我们欢迎这样的密码短语，再多写几个字吧好了"
	if err := long.Validate(); err != nil {
		t.Fatalf("64+ character passphrase refused: %v", err)
	}
	for name, c := range cases {
		n := ok
		c.edit(&n)
		var ve *content.ValidationError
		if err := n.Validate(); !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%s: err = %v, want field %s", name, err, c.field)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := account.HashPassword("正确的密码 horse")
	if err != nil {
		t.Fatal(err)
	}
	if !account.VerifyPassword(h, "正确的密码 horse") || account.VerifyPassword(h, "正确的密码 horsE") {
		t.Fatal("verify")
	}
	h2, _ := account.HashPassword("正确的密码 horse")
	if h == h2 {
		t.Fatal("hashes share a salt")
	}
	if account.VerifyPassword("$bcrypt$garbage", "x") {
		t.Fatal("garbage hash verified")
	}
	if p := account.GeneratePassword(); len(p) < 12 || account.CheckPassword(p, "u") != nil {
		t.Fatalf("generated password %q fails the policy", p)
	}
}
