package content

import (
	"slices"
	"strconv"
	"strings"
)

// Kind is a tier of the syllabus tree.
type Kind string

const (
	Level   Kind = "level"
	Chapter Kind = "chapter"
	Section Kind = "section"
	Point   Kind = "point"
)

// tier orders the kinds from the root down.
var tier = map[Kind]int{Level: 0, Chapter: 1, Section: 2, Point: 3}

// PendingText marks a textbook section whose text no source material covers yet.
const PendingText = "教材内容待补充"

// Node is one entry of the syllabus. Codes are dotted paths (JC, JC.1, JC.1.2, JC.1.2.3)
// and never change meaning once published: questions and results refer to them.
type Node struct {
	Code     string  `json:"code"`
	Parent   string  `json:"parent,omitempty"`
	Kind     Kind    `json:"kind"`
	Title    string  `json:"title"`
	Text     string  `json:"text,omitempty"`
	Source   string  `json:"source,omitempty"`
	Position int     `json:"-"`
	Children []*Node `json:"children,omitempty"`
}

// ValidateNodes checks that nodes form a tree in order: every parent appears before its
// children, is one tier up, and prefixes the child's code.
func ValidateNodes(nodes []Node) error {
	seen := make(map[string]Kind, len(nodes))
	for i, n := range nodes {
		field := func(f string) string { return "nodes[" + strconv.Itoa(i) + "]." + f }
		if n.Code == "" {
			return Invalid(field("code"), "a node needs a code")
		}
		if strings.TrimSpace(n.Title) == "" {
			return Invalid(field("title"), "node %s needs a title", n.Code)
		}
		t, ok := tier[n.Kind]
		if !ok {
			return Invalid(field("kind"), "node %s: kind %q is not level, chapter, section or point", n.Code, n.Kind)
		}
		if _, dup := seen[n.Code]; dup {
			return Invalid(field("code"), "node %s appears twice", n.Code)
		}
		if n.Kind == Level {
			if n.Parent != "" {
				return Invalid(field("parent"), "level %s cannot have a parent", n.Code)
			}
		} else {
			pk, ok := seen[n.Parent]
			switch {
			case !ok:
				return Invalid(field("parent"), "node %s: parent %q is not defined before it", n.Code, n.Parent)
			case tier[pk] != t-1:
				return Invalid(field("parent"), "node %s (%s): parent %s is a %s, not one tier up", n.Code, n.Kind, n.Parent, pk)
			case !strings.HasPrefix(n.Code, n.Parent+"."):
				return Invalid(field("code"), "node %s: code must extend its parent's code %s", n.Code, n.Parent)
			}
		}
		seen[n.Code] = n.Kind
	}
	return nil
}

// Tree links flat nodes (parents before children, in display order) into roots.
func Tree(nodes []Node) []*Node {
	byCode := make(map[string]*Node, len(nodes))
	var roots []*Node
	for i := range nodes {
		n := nodes[i]
		n.Children = nil
		p := &n
		byCode[n.Code] = p
		if parent, ok := byCode[n.Parent]; ok {
			parent.Children = append(parent.Children, p)
		} else {
			roots = append(roots, p)
		}
	}
	return roots
}

// ChapterOf returns the chapter code that contains code (JC.1.2.3 → JC.1), or "" for a level.
func ChapterOf(code string) string {
	first := strings.IndexByte(code, '.')
	if first < 0 {
		return ""
	}
	if second := strings.IndexByte(code[first+1:], '.'); second >= 0 {
		return code[:first+1+second]
	}
	return code
}

// Beneath reports whether unit is code itself or lies under it in the tree (JC.1.2 is
// beneath JC.1; JC.10 is not).
func Beneath(unit, code string) bool {
	return strings.HasPrefix(unit, code) && (len(unit) == len(code) || unit[len(code)] == '.')
}

// Find returns the node with code in the trees under roots, or nil.
func Find(roots []*Node, code string) *Node {
	for _, n := range roots {
		if n.Code == code {
			return n
		}
		if f := Find(n.Children, code); f != nil {
			return f
		}
	}
	return nil
}

// WithoutSources is a copy of nodes without their sources: where the facts come from is
// an editor's reference (file numbers such as 000 第一单元), for staff; candidates read the
// text alone.
func WithoutSources(nodes []Node) []Node {
	out := slices.Clone(nodes)
	for i := range out {
		out[i].Source = ""
	}
	return out
}
