package format

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Files from Moodle, QTI packages and other systems name no knowledge point of ours. An
// import can give a default point for the questions that name none, and map the file's
// categories (GIFT $CATEGORY, Moodle XML <category>, a QTI package's folders, a sheet's
// 分类 column) to points. Categories that nothing maps are counted by name, so the
// report can say which to add to the mapping.

// fileUnits is what one import adds to the syllabus: a default point, a mapping, and the
// tally of categories it did not map.
type fileUnits struct {
	unit       string
	categories map[string]string // category as written, or its last part → point code
	unmapped   map[string]int
}

// Unmapped is a category of the file that no mapping entry names and that is no point's
// code or name, and how many questions it holds.
type Unmapped struct {
	Category  string `json:"category"`
	Questions int    `json:"questions"`
}

// ForFile is s with a default knowledge point unit (a code or a point's title; "" for
// none) and a category mapping (category → code or title) for one file. It returns an
// Invalid error on field "unit" or "map" when one of them names no knowledge point.
func (s *Syllabus) ForFile(unit string, categories map[string]string) (*Syllabus, error) {
	f := &fileUnits{categories: map[string]string{}, unmapped: map[string]int{}}
	if strings.TrimSpace(unit) != "" {
		code, err := s.unit(strings.TrimSpace(unit))
		if err != nil {
			return nil, content.Invalid("unit", "默认知识点：%s", err)
		}
		f.unit = code
	}
	for cat, target := range categories {
		code, err := s.unit(strings.TrimSpace(target))
		if err != nil {
			return nil, content.Invalid("map", "分类“%s”：%s", cat, err)
		}
		f.categories[categoryKey(cat)] = code
	}
	c := *s
	c.file = f
	return &c, nil
}

// categoryKey folds a category path as Moodle writes it ("$course$/Default for X/甲",
// "top/甲") to the form the mapping is keyed by: without Moodle's context prefix, parts
// trimmed.
func categoryKey(cat string) string {
	parts := strings.Split(strings.TrimSpace(cat), "/")
	for len(parts) > 1 && (strings.HasPrefix(parts[0], "$") && strings.HasSuffix(parts[0], "$") || parts[0] == "top") {
		parts = parts[1:]
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, "/")
}

// categoryUnit is the point a question of category takes when it names none itself: the
// mapping's entry for the whole path or its last part, else the last part as a point's
// code or name, else the file's default. A category that only the default (or nothing)
// answered is tallied as unmapped.
func (s *Syllabus) categoryUnit(category string) (string, error) {
	key := categoryKey(category)
	last := key[strings.LastIndex(key, "/")+1:]
	if s.file != nil && key != "" {
		if code, ok := s.file.categories[key]; ok {
			return code, nil
		}
		if code, ok := s.file.categories[last]; ok {
			return code, nil
		}
	}
	var err error
	if last != "" {
		var code string
		if code, err = s.unit(last); err == nil {
			return code, nil
		}
		if s.file != nil {
			s.file.unmapped[category]++
		}
	}
	if s.file != nil && s.file.unit != "" {
		return s.file.unit, nil
	}
	if err != nil {
		return "", fmt.Errorf("分类“%s”没有对应的知识点：请在导入时给出分类映射（分类=知识点编码）或默认知识点", category)
	}
	return "", errNoUnit
}

// errNoUnit is the problem of a question that names no knowledge point in a file
// imported without a default.
var errNoUnit = errors.New("找不到知识点：请在导入时给出默认知识点，或把题目名称写成知识点编码（如 JC.1.2.1）")

// defaultUnit is the file's default point, or "" for none.
func (s *Syllabus) defaultUnit() string {
	if s.file == nil {
		return ""
	}
	return s.file.unit
}

// namedUnit resolves a knowledge point a question names itself (a 知识点 cell or line):
// the mapping first, since a file from another system names its own chapters.
func (s *Syllabus) namedUnit(cell string) (string, error) {
	if s.file != nil {
		if code, ok := s.file.categories[categoryKey(cell)]; ok {
			return code, nil
		}
	}
	return s.unit(cell)
}

// Unmapped lists the categories ForFile's mapping missed, by name.
func (s *Syllabus) Unmapped() []Unmapped {
	if s.file == nil {
		return []Unmapped{}
	}
	out := make([]Unmapped, 0, len(s.file.unmapped))
	for c, n := range s.file.unmapped {
		out = append(out, Unmapped{Category: c, Questions: n})
	}
	slices.SortFunc(out, func(a, b Unmapped) int { return cmp.Compare(a.Category, b.Category) })
	return out
}

// ParseCategoryMap reads mapping lines "Category path=code" (the last = separates them;
// blank lines and lines starting with # are skipped). A line without = is an Invalid
// error on field "map".
func ParseCategoryMap(lines []string) (map[string]string, error) {
	m := map[string]string{}
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		eq := strings.LastIndex(l, "=")
		if eq <= 0 || strings.TrimSpace(l[eq+1:]) == "" {
			return nil, content.Invalid("map", "第 %d 条分类映射“%s”应写成 分类=知识点编码", i+1, l)
		}
		m[strings.TrimSpace(l[:eq])] = strings.TrimSpace(l[eq+1:])
	}
	return m, nil
}
