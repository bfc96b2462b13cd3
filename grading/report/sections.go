package report

import (
	"fmt"
	"strings"
	"time"
)

// labels holds every fixed word the report prints, so their glyphs join the subsets.
var labels = strings.Join([]string{
	"成绩报告", "考生", "交卷时间", "试卷", "用时", "验证码", "小时分秒",
	"合格", "不合格", "待阅卷", "合格线", "得分率", "满分", "案例分析题尚待讲师阅卷，总分与是否合格以阅卷完成后为准。",
	"分题型得分", "题型", "题数", "答对", "得分", "分章得分", "竖线为合格线（）",
	"错题（道）", "未作答（道）", "本次没有答错的客观题。", "得", "你的答案", "正确答案", "解析：", "✓✗",
	"案例分析", "案例", "材料：", "问题：", "考生作答：", "采分点", "本问得分：", "讲师评语：", "（暂无）",
	"第页共", "·／/—", "正确错误", "、",
}, "")

func (d *doc) header(r *Report) {
	d.para(marginX, contentW, r.Center, body, muted)
	d.gap(1)
	d.para(marginX, contentW, r.Blueprint+" · 成绩报告", 17, ink)
	d.gap(2)
	name := r.Candidate
	if r.Username != "" {
		name += "（" + r.Username + "）"
	}
	m := func(s string) cell { return cell{s, muted} }
	v := func(s string) cell { return cell{s, ink} }
	d.table([]column{{24, "L", ""}, {63, "L", ""}, {24, "L", ""}, {63, "L", ""}}, [][]cell{
		{m("考生"), v(name), m("交卷时间"), v(r.Date.Format("2006-01-02 15:04"))},
		{m("试卷"), v(r.Blueprint), m("用时"), v(duration(r.TimeUsed))},
		{m("验证码"), v(r.VerifyCode), m(""), v("")},
	}, body)
}

// duration prints a time used the way a candidate reads it: 1 小时 05 分 / 42 分 10 秒.
func duration(t time.Duration) string {
	t = t.Round(time.Second)
	h, m, s := int(t.Hours()), int(t.Minutes())%60, int(t.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d 小时 %02d 分", h, m)
	}
	return fmt.Sprintf("%d 分 %02d 秒", m, s)
}

func (d *doc) score(r *Report) {
	const boxH = 30.0
	d.gap(5)
	d.need(boxH + 2)
	y := d.y
	d.pdf.SetFillColor(shade.r, shade.g, shade.b)
	d.pdf.RoundedRect(marginX, y, contentW, boxH, 2, "1234", "F")

	const big = 36.0
	score := r.Score.String()
	d.color(accent)
	d.text(marginX+8, y+17, score, big)
	d.color(muted)
	d.text(marginX+8+d.measure(score, big)+2, y+17, "/ "+r.MaxScore.String()+" 分", 14)
	d.text(marginX+8, y+25, fmt.Sprintf("合格线 %s 分 · 得分率 %s", r.PassScore, percent(r.Score, r.MaxScore)), body)

	verdict, c := "不合格", bad
	switch {
	case r.Pending:
		verdict, c = "待阅卷", wait
	case r.Passed:
		verdict, c = "合格", good
	}
	const badgeW, badgeH, badgeSize = 44.0, 16.0, 22.0
	bx, by := pageW-marginX-8-badgeW, y+(boxH-badgeH)/2
	d.pdf.SetFillColor(c.r, c.g, c.b)
	d.pdf.RoundedRect(bx, by, badgeW, badgeH, 2, "1234", "F")
	d.color(white)
	d.text(bx+(badgeW-d.measure(verdict, badgeSize))/2, by+badgeH/2+badgeSize*ptToMM*0.36, verdict, badgeSize)
	d.y = y + boxH + 2
	if r.Pending {
		d.para(marginX, contentW, "案例分析题尚待讲师阅卷，总分与是否合格以阅卷完成后为准。", body, wait)
	}
}

func (d *doc) sections(ls []Line) {
	if len(ls) == 0 {
		return
	}
	d.heading("分题型得分")
	var rows [][]cell
	for _, l := range ls {
		rows = append(rows, []cell{
			{l.Title, ink}, {fmt.Sprint(l.Count), ink}, {fmt.Sprint(l.Correct), ink},
			{l.Score.String(), ink}, {l.MaxScore.String(), ink}, {percent(l.Score, l.MaxScore), ink},
		})
	}
	d.table([]column{{64, "L", "题型"}, {20, "R", "题数"}, {20, "R", "答对"}, {24, "R", "得分"}, {24, "R", "满分"}, {22, "R", "得分率"}}, rows, body)
}

// chapters draws one bar per chapter: the share of its points earned, against a tick at
// the pass mark.
func (d *doc) chapters(r *Report) {
	if len(r.Chapters) == 0 {
		return
	}
	d.heading("分章得分")
	const (
		size   = 9.0
		labelW = 56.0
		barX   = marginX + labelW + 2
		barW   = 84.0
		barH   = 4.0
	)
	pass := 0.0
	if r.MaxScore > 0 {
		pass = r.PassScore.Float() / r.MaxScore.Float()
	}
	lh := lineHeight(size)
	for _, l := range r.Chapters {
		label := lines(clean(d.fonts, l.Title), labelW, d.runeWidth(size))
		h := max(float64(len(label))*lh, 5.5) + 1.5
		d.need(h)
		d.color(ink)
		for i, s := range label {
			d.text(marginX, baseline(d.y+float64(i)*lh, size), s, size)
		}
		share := 0.0
		if l.MaxScore > 0 {
			share = min(max(l.Score.Float()/l.MaxScore.Float(), 0), 1)
		}
		by := d.y + (lh-barH)/2
		d.pdf.SetFillColor(shade.r, shade.g, shade.b)
		d.pdf.Rect(barX, by, barW, barH, "F")
		c := good
		if share < pass {
			c = bad
		}
		d.pdf.SetFillColor(c.r, c.g, c.b)
		if share > 0 {
			d.pdf.Rect(barX, by, barW*share, barH, "F")
		}
		d.pdf.SetDrawColor(ink.r, ink.g, ink.b)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Line(barX+barW*pass, by-0.8, barX+barW*pass, by+barH+0.8)
		value := fmt.Sprintf("%s/%s · %s", l.Score, l.MaxScore, percent(l.Score, l.MaxScore))
		d.color(muted)
		d.text(pageW-marginX-d.measure(value, size), baseline(d.y, size), value, size)
		d.y += h
	}
	d.gap(1)
	d.para(marginX, contentW, fmt.Sprintf("竖线为合格线（%s）", percent(r.PassScore, r.MaxScore)), small, muted)
}

// wrong lists the questions answered wrong compactly, under a line per question type:
// the number and stem, the options flowed side by side (the right ones ✓ in green, the
// candidate's wrong choice ✗ in red), then the two answers and the explanation in one
// paragraph, all in the small size.
func (d *doc) wrong(items []Item) {
	if len(items) == 0 {
		d.heading("错题")
		d.para(marginX, contentW, "本次没有答错的客观题。", body, muted)
		return
	}
	d.heading(fmt.Sprintf("错题（%d 道）", len(items)))
	const indent = 7.0 // room for "180."
	section := ""
	for i, it := range items {
		if it.Section != section {
			section = it.Section
			if i > 0 {
				d.gap(1.5)
			}
			d.need(4 * lineHeight(small))
			d.para(marginX, contentW, section, body, accent)
			d.gap(0.5)
		} else {
			d.gap(0.6)
			d.hrule()
			d.gap(0.6)
		}
		d.need(3 * lineHeight(small))
		d.color(accent)
		d.text(marginX, baseline(d.y, small), fmt.Sprintf("%d.", it.No), small)
		d.para(marginX+indent, contentW-indent, it.Stem, small, ink)
		d.images(marginX+indent, contentW-indent, it.Images)
		var opts []cell
		for _, o := range it.Options {
			c, mark := ink, ""
			switch {
			case o.Key:
				c, mark = good, "✓"
			case o.Given:
				c, mark = bad, "✗"
			}
			label := o.Text
			if o.Letter != "" {
				label = o.Letter + ". " + o.Text
			}
			opts = append(opts, cell{label + mark + "    ", c})
		}
		d.flow(marginX+indent, contentW-indent, opts, small)
		verdict := []cell{{"你的答案 ", muted}, {it.Given, bad}, {" · 正确答案 ", muted}, {it.Key, good}}
		if it.Score > 0 { // partial credit
			verdict = append(verdict, cell{fmt.Sprintf(" · 得 %s / %s 分", it.Score, it.MaxScore), muted})
		}
		if it.Explanation != "" {
			verdict = append(verdict, cell{"    解析：" + it.Explanation, muted})
		}
		d.flow(marginX+indent, contentW-indent, verdict, small)
	}
}

// unanswered lists the questions left unanswered as a numbered list of stems.
func (d *doc) unanswered(items []Unanswered) {
	if len(items) == 0 {
		return
	}
	d.heading(fmt.Sprintf("未作答（%d 道）", len(items)))
	const numW = 9.0
	for _, u := range items {
		d.need(lineHeight(small))
		d.color(accent)
		d.text(marginX, baseline(d.y, small), fmt.Sprintf("%d.", u.No), small)
		d.para(marginX+numW, contentW-numW, u.Stem, small, ink)
		d.images(marginX+numW, contentW-numW, u.Images)
	}
}

func (d *doc) cases(r *Report) {
	if len(r.Cases) == 0 {
		return
	}
	d.heading("案例分析")
	for i, c := range r.Cases {
		if i > 0 {
			d.gap(1.5)
			d.hrule()
			d.gap(1.5)
		}
		d.need(3 * lineHeight(body))
		no := fmt.Sprintf("案例 %d", c.No)
		d.color(accent)
		d.text(marginX, baseline(d.y, body), no, body)
		status := fmt.Sprintf("得 %s / %s 分", c.Score, c.MaxScore)
		if r.Pending {
			status = fmt.Sprintf("待阅卷 · 满分 %s 分", c.MaxScore)
		}
		d.para(marginX+d.measure(no, body)+3, contentW-d.measure(no, body)-3, status, body, muted)
		if c.Material != "" {
			d.labelled("材料：", c.Material, ink)
		}
		d.para(marginX, contentW, c.Stem, body, ink)
		d.images(marginX, contentW, c.Images)
		for j, p := range c.Parts {
			d.gap(1)
			d.labelled(fmt.Sprintf("问题 %d：", j+1), p.Prompt, ink)
			ans := p.Answer
			if strings.TrimSpace(ans) == "" {
				ans = "未作答"
			}
			d.labelled("考生作答：", ans, ink)
			if len(p.Points) > 0 {
				d.gap(1)
				var rows [][]cell
				for _, ps := range p.Points {
					rows = append(rows, []cell{{ps.Point, ink}, {ps.Score.String(), ink}, {ps.MaxScore.String(), ink}})
				}
				d.table([]column{{126, "L", "采分点"}, {24, "R", "得分"}, {24, "R", "满分"}}, rows, small+0.5)
			}
			if !r.Pending {
				d.labelled("本问得分：", fmt.Sprintf("%s / %s 分", p.Score, p.MaxScore), ink)
			}
		}
		comment := c.Comment
		if comment == "" {
			comment = "（暂无）"
		}
		d.gap(1)
		d.labelled("讲师评语：", comment, ink)
	}
}
