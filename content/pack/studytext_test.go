package pack_test

import (
	"regexp"
	"testing"
)

// editorialNote matches what an editor writes about the source material rather than
// about the subject: "资料中写作…应为…", "资料中又称", "资料从四个方面概括". Candidates read
// study texts; the source belongs in the node's source field, which only staff see.
var editorialNote = regexp.MustCompile(`资料(中|从|把|列|指出|认为|要求|表述|未)|编者|待核|原文(作|写)`)

func TestStudyTextsHaveNoEditorialNotes(t *testing.T) {
	for _, n := range bundled(t).Nodes {
		if m := editorialNote.FindString(n.Text); m != "" {
			t.Errorf("%s: the study text speaks about the source material (%q); say it about the subject, or put it in source", n.Code, m)
		}
	}
}
