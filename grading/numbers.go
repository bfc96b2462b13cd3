package grading

import (
	"math"
	"strconv"
	"strings"
)

// Numbers are written many ways in Chinese answers: 十个人 and 10个人, 百分之八十一, 81%
// and 0.81, 两成 and 20%, 三分之一 and 1/3. normalizeNumbers rewrites each into one
// form (Arabic digits; percentages as "81%", fractions as "1/3"), so a rubric's "81%"
// finds 百分之八十一. Decimals stay decimals; a term in percent also accepts its decimal
// (see numberVariants).

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

var chineseUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// classifiers follow a count: 一个, 三名, 两家. A lone 一 or 两 is a number only before
// one of them (or after 第), so 统一, 一致, 一是 stay words.
const classifiers = "个名位人家天次条项起张年月周倍元岁台件份类种步层点"

func isChineseNumeral(r rune) bool {
	_, d := chineseDigits[r]
	_, u := chineseUnits[r]
	return d || u || r == '万' || r == '亿'
}

// chineseValue reads a run of Chinese numerals: 八十一, 一千二百, 一万二千, 二〇二四. ok is
// false for a run that is no number (二十三四, a range).
func chineseValue(run []rune) (int, bool) {
	digitsOnly := true
	for _, r := range run {
		if _, d := chineseDigits[r]; !d {
			digitsOnly = false
		}
	}
	if digitsOnly { // 二〇二四, 一一
		v := 0
		for _, r := range run {
			v = v*10 + chineseDigits[r]
		}
		return v, true
	}
	total, section, digit := 0, 0, -1
	for _, r := range run {
		if d, ok := chineseDigits[r]; ok {
			if digit >= 0 {
				return 0, false
			}
			digit = d
			continue
		}
		if u, ok := chineseUnits[r]; ok {
			if digit < 0 {
				digit = 1
			}
			section += digit * u
			digit = -1
			continue
		}
		mult := 10000
		if r == '亿' {
			mult = 100000000
		}
		if digit >= 0 {
			section += digit
		}
		if section == 0 {
			section = 1
		}
		total += section * mult
		section, digit = 0, -1
	}
	if digit >= 0 {
		section += digit
	}
	return total + section, true
}

// number is one number found in folded text: its value as written out and where it
// ends.
type number struct {
	text    string // canonical digits: "81", "0.5", "12000"
	value   float64
	end     int
	chinese bool // written in Chinese numerals
	single  bool // one character or one digit: 八 in 八成, 5
}

// readNumber reads the number starting at f[i], if any: Arabic digits with an optional
// decimal part and 万, or a run of Chinese numerals.
func readNumber(f []rune, i int) (number, bool) {
	j := i
	if j < len(f) && f[j] >= '0' && f[j] <= '9' {
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		if j+1 < len(f) && f[j] == '.' && f[j+1] >= '0' && f[j+1] <= '9' {
			j++
			for j < len(f) && f[j] >= '0' && f[j] <= '9' {
				j++
			}
		}
		v, err := strconv.ParseFloat(string(f[i:j]), 64)
		if err != nil {
			return number{}, false
		}
		n := number{value: v, end: j, single: j-i == 1}
		if j < len(f) && f[j] == '万' {
			n.value, n.end = v*10000, j+1
		}
		n.text = formatNumber(n.value)
		return n, true
	}
	for j < len(f) && isChineseNumeral(f[j]) {
		j++
	}
	if j == i {
		return number{}, false
	}
	v, ok := chineseValue(f[i:j])
	if !ok {
		return number{}, false
	}
	return number{text: strconv.Itoa(v), value: float64(v), end: j, chinese: true, single: j-i == 1}, true
}

// formatNumber writes v without float noise (0.81*100 is 81.00000000000001).
func formatNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// circled maps ① … ⑳ to their numbers: case materials number their items so.
func circled(r rune) (int, bool) {
	if r >= '①' && r <= '⑳' {
		return int(r-'①') + 1, true
	}
	return 0, false
}

// hasPrefix reports whether f[i:] starts with s.
func hasPrefix(f []rune, i int, s string) bool {
	for _, r := range s {
		if i >= len(f) || f[i] != r {
			return false
		}
		i++
	}
	return true
}

// numberAt rewrites the number expression starting at f[i], if there is one, returning
// its canonical text and the index after it. prev is the rune before f[i] (0 at the
// start).
func numberAt(f []rune, i int, prev rune) (string, int, bool) {
	if n, ok := circled(f[i]); ok {
		return strconv.Itoa(n), i + 1, true
	}
	if hasPrefix(f, i, "百分之") {
		if n, ok := readNumber(f, i+3); ok {
			return n.text + "%", n.end, true
		}
	}
	n, ok := readNumber(f, i)
	if !ok {
		return "", 0, false
	}
	j := n.end
	switch {
	case j < len(f) && f[j] == '%':
		return n.text + "%", j + 1, true
	case hasPrefix(f, j, "分之"):
		if d, ok := readNumber(f, j+2); ok {
			return d.text + "/" + n.text, d.end, true
		}
	case j < len(f) && f[j] == '成' && n.single && n.value >= 1 && n.value <= 9:
		return formatNumber(n.value*10) + "%", j + 1, true
	case j+1 < len(f) && f[j] == '/' && f[j+1] >= '0' && f[j+1] <= '9':
		if d, ok := readNumber(f, j+1); ok {
			return n.text + "/" + d.text, d.end, true
		}
	}
	if n.chinese && n.single && !strings.ContainsRune("十百千万", f[i]) && prev != '第' &&
		(j >= len(f) || !strings.ContainsRune(classifiers, f[j])) {
		return "", 0, false // 一是, 统一, 两者: words, not numbers
	}
	return n.text, j, true
}

// numberVariants lists the other ways a number term may be written: a percentage also
// as a decimal ("81%" and "0.81"), a decimal below 1 also as a percentage.
func numberVariants(term string) []string {
	if p, ok := strings.CutSuffix(term, "%"); ok {
		if v, err := strconv.ParseFloat(p, 64); err == nil {
			return []string{formatNumber(v / 100)}
		}
	}
	if strings.HasPrefix(term, "0.") {
		if v, err := strconv.ParseFloat(term, 64); err == nil {
			return []string{formatNumber(v*100) + "%"}
		}
	}
	return nil
}
