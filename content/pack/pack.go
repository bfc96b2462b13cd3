// Package pack holds the bundled 客户服务管理师 curriculum and question bank as
// human-editable YAML (see README.md), embedded in the binary and loaded at start.
package pack

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/csmexam/csmexam/content"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// Pack is a parsed curriculum: syllabus nodes in order and the bank's questions.
type Pack struct {
	Nodes     []content.Node
	Questions []content.Question
}

type fileDoc struct {
	Nodes     []nodeDoc     `yaml:"nodes"`
	Questions []questionDoc `yaml:"questions"`
}

type nodeDoc struct {
	Code   string `yaml:"code"`
	Parent string `yaml:"parent"`
	Kind   string `yaml:"kind"`
	Title  string `yaml:"title"`
	Text   string `yaml:"text"`
	Source string `yaml:"source"`
}

type questionDoc struct {
	Key         string    `yaml:"key"`
	Type        string    `yaml:"type"`
	Unit        string    `yaml:"unit"`
	Difficulty  int       `yaml:"difficulty"`
	Stem        string    `yaml:"stem"`
	Options     []string  `yaml:"options"`
	Answer      string    `yaml:"answer"`
	Explanation string    `yaml:"explanation"`
	Source      string    `yaml:"source"`
	Form        string    `yaml:"form"`
	Material    string    `yaml:"material"`
	Parts       []partDoc `yaml:"parts"`
}

type partDoc struct {
	Prompt    string      `yaml:"prompt"`
	Points    float64     `yaml:"points"`
	Reference string      `yaml:"reference"`
	Rubric    []rubricDoc `yaml:"rubric"`
}

type rubricDoc struct {
	Point    string     `yaml:"point"`
	Score    float64    `yaml:"score"`
	Keywords []string   `yaml:"keywords"`
	Synonyms []string   `yaml:"synonyms"`
	Pairs    [][]string `yaml:"pairs"`
}

// Bundled parses the embedded pack.
func Bundled() (*Pack, error) { return Parse(files) }

// Parse reads every *.yaml file of fsys in name order. Errors name the file and, from
// the YAML parser, the line.
func Parse(fsys fs.FS) (*Pack, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	p := &Pack{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := p.Read(name, b); err != nil {
			return nil, err
		}
	}
	if err := content.ValidateNodes(p.Nodes); err != nil {
		return nil, fmt.Errorf("pack syllabus: %w", err)
	}
	return p, nil
}

// Read adds the nodes and questions of one pack file to p, without checking the tree
// (Parse does, over all files). Errors name the file and, from the YAML parser, the line.
func (p *Pack) Read(name string, b []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var doc fileDoc
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("pack %s: %w", name, err)
	}
	for _, n := range doc.Nodes {
		p.Nodes = append(p.Nodes, content.Node{Code: n.Code, Parent: n.Parent, Kind: content.Kind(n.Kind),
			Title: strings.TrimSpace(n.Title), Text: strings.TrimSpace(n.Text), Source: n.Source})
	}
	for _, d := range doc.Questions {
		p.Questions = append(p.Questions, d.question())
	}
	return nil
}

func (d questionDoc) question() content.Question {
	q := content.Question{PackKey: d.Key, Type: content.Type(d.Type), Unit: d.Unit, Difficulty: d.Difficulty,
		Stem: d.Stem, Explanation: d.Explanation, Source: d.Source, Form: content.Form(d.Form), Material: d.Material}
	for i, o := range d.Options {
		q.Options = append(q.Options, content.Option{Key: string(rune('A' + i)), Text: o})
	}
	// Answers are written as letters run together ("AC"), or T/F for true/false.
	for _, r := range strings.ToUpper(strings.TrimSpace(d.Answer)) {
		if r != ',' && r != ' ' && r != '、' {
			q.Answer = append(q.Answer, string(r))
		}
	}
	for _, pd := range d.Parts {
		part := content.CasePart{Prompt: pd.Prompt, Points: content.Pts(pd.Points), Reference: pd.Reference}
		for _, r := range pd.Rubric {
			part.Rubric = append(part.Rubric, content.RubricPoint{Point: r.Point, Score: content.Pts(r.Score), Keywords: r.Keywords, Synonyms: r.Synonyms, Pairs: r.Pairs})
		}
		q.Parts = append(q.Parts, part)
	}
	q.Normalize()
	return q
}

// Load writes the pack into the store; loading an unchanged pack again changes nothing.
func Load(ctx context.Context, s *content.Store, p *Pack) (content.PackResult, error) {
	return s.LoadPack(ctx, p.Nodes, p.Questions)
}
