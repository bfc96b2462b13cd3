package format

import (
	"fmt"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// questionFaults collects every fault of one question of a text file (GIFT, Aiken,
// Moodle XML), as a sheet's row reports all of its own (parseRow): each at the line the
// question starts on, so that one question is one position of the report, named by the
// API field and by the question's name in the file, if it has one.
type questionFaults struct {
	line int
	name string
	list []content.RowError
}

func (f *questionFaults) add(field, format string, args ...any) {
	f.list = append(f.list, content.RowError{Row: f.line, Field: field, Message: fmt.Sprintf(format, args...), Name: f.name})
}

// addAt adds a fault found on line n of the question; the message names that line when
// it is not the question's first.
func (f *questionFaults) addAt(n int, field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n != f.line {
		msg = fmt.Sprintf("第 %d 行：%s", n, msg)
	}
	f.add(field, "%s", msg)
}

// text adds err, an error of richText.read or of a file the question carries, its
// message after prefix.
func (f *questionFaults) text(prefix string, err error) {
	_, rerr := textFail(f.line, prefix, err)
	rerr.Name = f.name
	f.list = append(f.list, *rerr)
}

// has reports whether a fault is about field or a part of it ("options" covers
// "options[1].text").
func (f *questionFaults) has(field string) bool {
	root := fieldRoot(field)
	for _, e := range f.list {
		if fieldRoot(e.Field) == root {
			return true
		}
	}
	return false
}

// fieldRoot is an API field without its index or member: options[1].text → options.
func fieldRoot(field string) string {
	if i := strings.IndexAny(field, "[."); i >= 0 {
		return field[:i]
	}
	return field
}

// unitAtFault stands in for a knowledge point whose fault is already reported, so that
// validation goes on to the other fields.
const unitAtFault = "\x00"

// finish gives q the knowledge point the reader found (or records unitErr, the fault
// finding it) and checks q: it returns q, normalized and ready to store, or every fault
// of the question: those collected, then what validation finds in a field not already
// at fault (an answer is not checked against options at fault).
func (f *questionFaults) finish(q content.Question, unit string, unitErr error, syl *Syllabus) (content.Question, []content.RowError) {
	q.Unit = unit
	if unitErr != nil {
		f.add("unit", "%s", unitErr)
		q.Unit = unitAtFault
	}
	q.Normalize()
	err := q.Validate(func(code string) bool { return code == unitAtFault || syl.IsPoint(code) })
	if err == nil {
		err = citeByReference(&q)
	}
	if err != nil {
		field := validationField(err)
		if !f.has(field) && !(fieldRoot(field) == "answer" && f.has("options")) {
			f.add(field, "%s", validationMessage(err))
		}
	}
	if len(f.list) > 0 {
		return content.Question{}, f.list
	}
	return q, nil
}
