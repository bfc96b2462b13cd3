package account

import "strings"

// commonPasswords are refused outright: the first guesses of every attacker, including
// the usual Chinese keyboard and pinyin favourites.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
12345678 123456789 1234567890 87654321 11111111 00000000 88888888 66666666 12341234
password password1 password123 passw0rd p@ssw0rd p@ssword admin123 admin1234 administrator
qwertyui qwertyuiop qwerty123 1qaz2wsx 1q2w3e4r 1q2w3e4r5t zaq12wsx asdfghjk asdf1234
iloveyou woaini1314 woaini520 5201314520 1314520520 abcd1234 abc12345 abcdefgh a1234567
a12345678 aa123456 aaaaaaaa letmein1 welcome1 welcome123 sunshine football baseball
monkey123 dragon123 superman trustno1 changeme changeme123 test1234 testtest 123qweasd
qweasdzxc qazwsxedc 11223344 12121212 123123123 147258369 159357456 zhang123 wang1234
csmexam123 kefu1234 kefu123456`) {
		commonPasswords[p] = true
	}
}

func isCommonPassword(pw string) bool {
	p := strings.ToLower(pw)
	if commonPasswords[p] {
		return true
	}
	// One character repeated, or a run of consecutive characters either way (digits wrap
	// from 9 to 0, as on a keyboard's number row: 12345678901, 9876543210), is as weak as
	// any list entry.
	same, up, down := true, true, true
	for i := 1; i < len(p); i++ {
		same = same && p[i] == p[0]
		up = up && follows(p[i-1], p[i])
		down = down && follows(p[i], p[i-1])
	}
	return same || up || down
}

// follows reports whether b comes right after a: the next letter or digit, 0 after 9.
func follows(a, b byte) bool {
	return b == a+1 || (a == '9' && b == '0')
}
