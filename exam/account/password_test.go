package account_test

import (
	"testing"

	"github.com/csmexam/csmexam/exam/account"
)

// TestCheckPasswordRefusesDigitRuns: docs/API.md promises that runs of consecutive digits
// are refused, also past 9 and downwards.
func TestCheckPasswordRefusesDigitRuns(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"12345678", "12345678901", "123456789012", "9876543210", "3456789012", "abcdefghij", "aaaaaaaaaa"} {
		if err := account.CheckPassword(pw, "someone"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a run", pw)
		}
	}
	for _, pw := range []string{"13579246801", "1234567x90", "kefu-2026-zhang", "9876543219"} {
		if err := account.CheckPassword(pw, "someone"); err != nil {
			t.Errorf("CheckPassword(%q): %v", pw, err)
		}
	}
}
