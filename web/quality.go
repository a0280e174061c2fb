package web

import (
	"concord/internal/agreement"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"concord/internal/auth"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// metricNames are the report's project-wide figures, in the order shown.
var metricNames = []struct{ key, name string }{
	{"mean_task_agreement", "Mean task agreement"},
	{"percent_agreement", "Percent agreement"},
	{"krippendorff_alpha", "Krippendorff's α (nominal)"},
	{"alpha_ordinal", "Krippendorff's α (ordinal)"},
	{"alpha_interval", "Krippendorff's α (interval)"},
	{"alpha_ratio", "Krippendorff's α (ratio)"},
	{"alpha_jaccard", "Krippendorff's α (Jaccard distance)"},
	{"alpha_masi", "Krippendorff's α (MASI distance)"},
	{"fleiss_kappa", "Fleiss' κ"},
}

// metricsOf formats a control's figures in the order of metricNames, each
// with its interval or standard error, and the undefined ones with their reason.
func metricsOf(c agreement.ControlReport) (defined, undefined []view.Metric) {
	for _, m := range metricNames {
		if v, ok := c.Project[m.key].(float64); ok {
			line := view.Metric{Name: m.name, Value: fmt.Sprintf("%.3f", v)}
			if ci, ok := c.Intervals[m.key]; ok {
				line.Uncertainty = fmt.Sprintf("[%.3f, %.3f]", ci.Low, ci.High)
			}
			if se, ok := c.StandardErrors[m.key]; ok {
				line.Uncertainty = fmt.Sprintf("± %.3f", se)
			}
			defined = append(defined, line)
		} else if why, ok := c.Undefined[m.key]; ok {
			undefined = append(undefined, view.Metric{Name: m.name, Value: why})
		}
	}
	return defined, undefined
}

// qualityPage is the project's quality dashboard: progress per day, labels,
// agreement per label, the annotator table and two annotators compared.
func (s *Server) qualityPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rep, err := s.api.Agreement(r, p)
	if err != nil {
		return err
	}
	stats, err := s.store.StatsOf(ctx, p.ID)
	if err != nil {
		return err
	}
	days, err := s.store.AnnotationsPerDay(ctx, p.ID, 30)
	if err != nil {
		return err
	}
	d := view.QualityData{Project: p, Tasks: stats.Tasks, Annotations: stats.Annotations, CSRF: s.csrfToken(r)}
	pauses, err := s.store.Pauses(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, pa := range pauses {
		d.Paused = append(d.Paused, view.PausedLine{UserID: pa.UserID, Email: pa.Email, Accuracy: fmt.Sprintf("%.3f", pa.Accuracy),
			Threshold: fmt.Sprintf("%.3f", pa.Threshold), GoldTasks: pa.GoldTasks, Since: pa.PausedAt})
	}
	for _, c := range days {
		d.PerDay = append(d.PerDay, view.Point{Label: c.Day.Format("Jan 2"), Value: float64(c.Count)})
	}
	if rep != nil && rep.Failure != nil {
		d.Failure, d.FailedAt = rep.Failure.Error, &rep.Failure.At
	}
	if rep == nil || rep.ComputedAt == nil {
		return render(w, r, http.StatusOK, view.Quality(s.page(r, "Quality of "+p.Title), d))
	}
	d.Computed, d.Kind, d.Control, d.Annotated, d.Compared = rep.ComputedAt, rep.Kind, rep.Control, rep.Tasks, rep.Compared
	d.Notes = rep.Notes
	d.Metrics, _ = metricsOf(rep.ControlReport)
	for _, c := range rep.Controls {
		defined, undefined := metricsOf(c)
		d.Controls = append(d.Controls, view.ControlLine{Name: c.Control, Kind: c.Kind, Compared: c.Compared, Metrics: defined, Undefined: undefined})
	}
	for _, l := range rep.Labels {
		d.Distribution = append(d.Distribution, view.Bar{Label: l.Label, Value: float64(l.Count)})
		if l.FleissKappa != nil {
			d.LabelAgreement = append(d.LabelAgreement, view.Bar{Label: l.Label, Value: *l.FleissKappa, Text: fmt.Sprintf("%.3f", *l.FleissKappa)})
		}
	}
	email := func(id int64) string {
		if e, ok := rep.Emails[id]; ok {
			return e
		}
		return fmt.Sprintf("user %d", id)
	}
	today := map[int64]int64{}
	for _, a := range stats.Annotators {
		today[a.UserID] = a.Today
	}
	annotators := append([]agreement.AnnotatorStat(nil), rep.Annotators...)
	sort.SliceStable(annotators, func(i, j int) bool { return lessAgreement(annotators[i].WithOthers, annotators[j].WithOthers) })
	for _, a := range annotators {
		gold := "—"
		if a.GoldAccuracy != nil {
			gold = fmt.Sprintf("%.3f (%d gold tasks)", *a.GoldAccuracy, a.GoldTasks)
		}
		d.Annotators = append(d.Annotators, view.AnnotatorLine{Email: email(a.UserID), Annotations: a.Annotations, Today: today[a.UserID],
			MedianLead: fmt.Sprintf("%.1f s", a.MedianLeadTime), WithOthers: counted(a.WithOthers, a.Compared, "pair", "pairs"), WithConsensus: counted(a.WithConsensus, a.ConsensusTasks, "task", "tasks"),
			Gold: gold, Reliability: counted(a.Reliability, a.Annotations, "annotation", "annotations")})
		d.People = append(d.People, view.Person{ID: a.UserID, Email: email(a.UserID)})
	}
	sort.Slice(d.People, func(i, j int) bool { return d.People[i].Email < d.People[j].Email })
	d.PairA, d.PairB = queryID(r, "a"), queryID(r, "b")
	if d.PairA == 0 || d.PairB == 0 {
		// By default, the two who agree least.
		for i, pr := range rep.Pairs {
			if i == 0 || pr.Agree < agreeOf(rep.Pairs, d.PairA, d.PairB) {
				d.PairA, d.PairB = pr.A, pr.B
			}
		}
	}
	labels := make([]string, len(rep.Labels))
	for i, l := range rep.Labels {
		labels[i] = l.Label
	}
	for _, pr := range rep.Pairs {
		m, ok := pr.Matrix, false
		switch {
		case pr.A == d.PairA && pr.B == d.PairB:
			ok = true
		case pr.A == d.PairB && pr.B == d.PairA:
			ok, m = true, transpose(m)
		}
		if !ok {
			continue
		}
		a, b := email(d.PairA), email(d.PairB)
		d.Pair = &view.PairLine{A: a, B: b, Tasks: pr.Tasks, Agree: fmt.Sprintf("%.3f", pr.Agree), Kappa: kappaText(pr.Kappa, pr.KappaSE),
			Matrix: view.Heatmap{Caption: fmt.Sprintf("Confusion matrix: rows are %s's labels, columns %s's; the diagonal is agreement.", a, b),
				RowTitle: a, ColTitle: b, Rows: labels, Cols: labels, Cells: m}}
	}
	return render(w, r, http.StatusOK, view.Quality(s.page(r, "Quality of "+p.Title), d))
}

// lessAgreement orders known agreement ascending, unknown last.
func lessAgreement(a, b *float64) bool {
	if a == nil || b == nil {
		return a != nil
	}
	return *a < *b
}

func agreeOf(pairs []agreement.PairStat, a, b int64) float64 {
	for _, p := range pairs {
		if p.A == a && p.B == b {
			return p.Agree
		}
	}
	return 2
}

func transpose(m [][]int) [][]int {
	if len(m) == 0 {
		return m
	}
	out := make([][]int, len(m[0]))
	for j := range out {
		out[j] = make([]int, len(m))
		for i := range m {
			out[j][i] = m[i][j]
		}
	}
	return out
}

func fixed3(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", *v)
}

// queryID reads a positive id from the query string (0 when absent or bad).
func queryID(r *http.Request, key string) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get(key), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// kappaText is a κ with its standard error, "—" when undefined.
func kappaText(k, se *float64) string {
	if k != nil && se != nil {
		return fmt.Sprintf("%.3f ± %.3f", *k, *se)
	}
	return fixed3(k)
}

// counted is a figure with the count it rests on, "—" where it is undefined.
func counted(v *float64, n int, one, many string) string {
	if v == nil {
		return "—"
	}
	unit := many
	if n == 1 {
		unit = one
	}
	return fmt.Sprintf("%.3f (%d %s)", *v, n, unit)
}

// unpausePost lets a paused annotator work again (the quality page's form).
func (s *Server) unpausePost(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	userID, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		return problem.Invalid("user_id: give the id of a paused annotator", nil)
	}
	if err := s.api.Unpause(r, p, userID); err != nil {
		return err
	}
	s.flash(r, "Unpaused: they get tasks again.")
	return seeOther(w, r, link.Quality(p.ID))
}
