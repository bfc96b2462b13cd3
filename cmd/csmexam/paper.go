package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/report"
)

// paperCmd prints one part of a blueprint's paper to a PDF, drawn from the bank of
// --center (or the shared bank) as the server draws it: the same database and seed give
// the same paper as GET /api/v1/blueprints/{code}/paper.pdf.
func paperCmd(ctx context.Context, args []string, e env) error {
	f := newBankFlags("csmexam paper", e)
	code := f.fs.String("blueprint", "", "the blueprint's code, e.g. L2-theory")
	seed := f.fs.Int64("seed", -1, "the paper's seed (default: a random one, printed so the paper can be printed again)")
	partName := f.fs.String("part", string(report.PartPaper), "paper (试卷), key (参考答案及评分标准) or sheet (答题卡)")
	out := f.fs.String("o", "", "the PDF to write (- for stdout)")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	part := report.Part(*partName)
	switch {
	case f.fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q (flags only)", f.fs.Arg(0))
	case *code == "":
		return errors.New("--blueprint: give the blueprint's code, e.g. --blueprint L2-theory")
	case !part.Valid():
		return fmt.Errorf("--part %q: use paper, key or sheet", *partName)
	case *out == "":
		return errors.New("-o: give the PDF to write (- for stdout)")
	}
	if *seed < 0 {
		*seed = rand.Int64N(1_000_000)
	}
	g, contents, center, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close(g)
	accounts := account.NewStore(g, time.Now)
	exams := exam.NewService(g, contents, exam.Deps{Now: time.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: accounts, Sessions: accounts})
	if err := exams.SyncBundled(ctx); err != nil {
		return fmt.Errorf("write the bundled blueprints: %w", err)
	}
	grades := grading.NewService(g, exams, contents, accounts, time.Now)
	p, err := grades.BlueprintPaper(ctx, exam.Viewer{CenterID: center, Staff: true}, *code, *seed)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.EncodePaper(&buf, p, part); err != nil {
		return err
	}
	if *out == "-" {
		_, err = e.stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s：%s %s，种子 %d，卷码 %s（再次打印：--blueprint %s --seed %d）\n",
		*out, p.Title, part.Title(), p.Seed, p.Code, *code, p.Seed)
	return nil
}
