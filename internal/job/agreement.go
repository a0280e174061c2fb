package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/agreement"
	"concord/internal/labeling"
	"concord/internal/live"
	"concord/internal/store"
)

// agreementDelay gathers the submissions of a few seconds into one recomputation.
const agreementDelay = 5 * time.Second

// AgreementArgs asks for a project's agreement to be recomputed.
type AgreementArgs struct {
	ProjectID int64 `json:"project_id"`
}

// Kind names the job.
func (AgreementArgs) Kind() string { return "agreement" }

// InsertOpts debounces: at most one job per project is queued in each window
// of agreementDelay, and it runs that long after the first change of its
// window, so it sees every change of the window. A change made while an older
// job runs falls in a later window and gets a job of its own: none is lost.
func (AgreementArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, ScheduledAt: time.Now().Add(agreementDelay),
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: agreementDelay}}
}

// AgreementWorker recomputes a project's agreement: per task, per label, per
// annotator (against each other, the consensus and the ground truth) and for
// the project, and stores it. A failure is logged and kept for the quality
// page until the next success.
type AgreementWorker struct {
	river.WorkerDefaults[AgreementArgs]
	store *store.Store
	log   *slog.Logger
}

// Report is a project's agreement, as stored and served.
type Report struct {
	Control    string          `json:"control"`
	Kind       string          `json:"kind"` // classification, spans, boxes, regions, text
	Tasks      int             `json:"tasks"`
	Compared   int             `json:"tasks_compared"` // with two annotations or more
	Project    map[string]any  `json:"project"`
	Labels     []LabelStat     `json:"labels"`
	Annotators []AnnotatorStat `json:"annotators"`
	Pairs      []PairStat      `json:"pairs"`
	Notes      []string        `json:"notes,omitempty"` // what the figures left out, and why
}

// LabelStat is one label's share and agreement.
type LabelStat struct {
	Label       string   `json:"label"`
	Count       int      `json:"count"`
	FleissKappa *float64 `json:"fleiss_kappa,omitempty"`
}

// AnnotatorStat is one annotator's work and quality.
type AnnotatorStat struct {
	UserID         int64    `json:"user_id"`
	Annotations    int      `json:"annotations"`
	MedianLeadTime float64  `json:"median_lead_time"`
	WithOthers     *float64 `json:"agreement_with_others"`
	WithConsensus  *float64 `json:"agreement_with_consensus,omitempty"`
	GoldAccuracy   *float64 `json:"gold_accuracy"`
	GoldTasks      int      `json:"gold_tasks"`
	Reliability    *float64 `json:"reliability,omitempty"` // Dawid–Skene
}

// PairStat is the agreement of two annotators on the tasks they share.
type PairStat struct {
	A      int64    `json:"a"`
	B      int64    `json:"b"`
	Tasks  int      `json:"tasks"`
	Kappa  *float64 `json:"cohen_kappa,omitempty"`
	Agree  float64  `json:"agreement"`
	Matrix [][]int  `json:"confusion,omitempty"`
}

// errBusy says another computation of the project's agreement is running.
var errBusy = errors.New("agreement: another computation of this project runs")

// Work runs the job.
func (w *AgreementWorker) Work(ctx context.Context, j *river.Job[AgreementArgs]) error {
	err := w.compute(ctx, j.Args.ProjectID)
	if errors.Is(err, errBusy) {
		return river.JobSnooze(agreementDelay)
	}
	if err != nil && ctx.Err() == nil {
		w.log.Error("agreement failed", "project_id", j.Args.ProjectID, "attempt", j.Attempt, "error", err)
		if rerr := w.store.RecordAgreementFailure(ctx, j.Args.ProjectID, err.Error()); rerr != nil {
			w.log.Error("agreement failure not recorded", "project_id", j.Args.ProjectID, "error", rerr)
		}
	}
	return err
}

// compute measures and stores one project's agreement; a panic becomes its error.
func (w *AgreementWorker) compute(ctx context.Context, projectID int64) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("agreement: internal error: %v", v)
		}
	}()
	p, err := w.store.ProjectByID(ctx, projectID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil || len(cfg.Controls) == 0 {
		return nil
	}
	// One computation per project at a time; a job that finds another running waits for it.
	release, ok, err := w.store.TryLock(ctx, "agreement", p.ID)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	defer release()
	var tasks []store.TaskAnnotations
	if err := w.store.AnnotatedTasks(ctx, p.ID, func(ta store.TaskAnnotations) error {
		tasks = append(tasks, ta)
		return ctx.Err()
	}); err != nil {
		return err
	}
	parsed, notes, err := parseTasks(tasks)
	if err != nil {
		return err
	}
	rep, ids, values := computeAgreement(cfg.Controls[0], parsed)
	rep.Notes = append(notes, rep.Notes...)
	raw, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	if err := w.store.SaveAgreement(ctx, p.ID, raw, ids, values); err != nil {
		return err
	}
	if p.AgreementThreshold > 0 && p.MaxExtra > 0 {
		if _, err := w.store.AddAnnotators(ctx, p.ID, p.AgreementThreshold, p.MaxExtra); err != nil {
			return err
		}
	}
	data, _ := json.Marshal(map[string]any{"agreement": rep.Project["mean_task_agreement"]})
	live.Notify(ctx, w.store.Pool, live.Event{Project: p.ID, Type: live.TypeAgreementUpdated, Data: data})
	return nil
}

// taskResults is one task's annotations with their results parsed.
type taskResults struct {
	TaskID      int64
	Annotations []annotationResults
}

type annotationResults struct {
	store.AnnotationLabels
	Results []labeling.Result
}

// parseTasks parses every annotation's result (one that does not parse is an
// error naming it) and keeps, per task, one annotation per annotator: the
// latest, besides ground truth. The note says how many were left out.
func parseTasks(tasks []store.TaskAnnotations) ([]taskResults, []string, error) {
	out := make([]taskResults, len(tasks))
	dropped, affected := 0, 0
	for i, t := range tasks {
		out[i].TaskID = t.TaskID
		latest := map[int64]int{} // annotator → index in out[i].Annotations
		before := dropped
		for _, a := range t.Annotations {
			var rs []labeling.Result
			if err := json.Unmarshal(a.Result, &rs); err != nil {
				return nil, nil, fmt.Errorf("annotation %d of task %d: its result is not a list of result items: %w", a.ID, t.TaskID, err)
			}
			ar := annotationResults{AnnotationLabels: a, Results: rs}
			if a.GroundTruth {
				out[i].Annotations = append(out[i].Annotations, ar)
				continue
			}
			if k, ok := latest[a.UserID]; ok {
				out[i].Annotations[k] = ar // annotations come in id order: the later wins
				dropped++
				continue
			}
			latest[a.UserID] = len(out[i].Annotations)
			out[i].Annotations = append(out[i].Annotations, ar)
		}
		if dropped > before {
			affected++
		}
	}
	var notes []string
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d annotations left out on %d tasks: one annotator annotated the same task more than once "+
			"(for example annotations imported under one account); only each annotator's latest annotation of a task counts", dropped, affected))
	}
	return out, notes, nil
}

// EnqueueAgreement asks, in tx, for the project's agreement to be recomputed soon.
func EnqueueAgreement(ctx context.Context, jobs *Client, tx *store.Store, projectID int64) error {
	return Insert(ctx, jobs, tx, AgreementArgs{ProjectID: projectID})
}

// computeAgreement measures one control over the tasks' annotations; it
// returns the report and each compared task's agreement.
func computeAgreement(c labeling.Control, tasks []taskResults) (Report, []int64, []float64) {
	rep := Report{Control: c.Name, Tasks: len(tasks), Project: map[string]any{}}
	// Annotators, in order of first appearance; their lead times.
	coder := map[int64]int{}
	var users []int64
	lead := map[int64][]float64{}
	for _, t := range tasks {
		for _, a := range t.Annotations {
			if _, ok := coder[a.UserID]; !ok {
				coder[a.UserID] = len(users)
				users = append(users, a.UserID)
			}
			lead[a.UserID] = append(lead[a.UserID], a.LeadTime)
		}
	}
	stats := make([]AnnotatorStat, len(users))
	for i, u := range users {
		stats[i] = AnnotatorStat{UserID: u, Annotations: len(lead[u]), MedianLeadTime: median(lead[u])}
	}
	var ids []int64
	var values []float64
	if c.Type == labeling.TypeChoices || c.Type == labeling.TypeRating {
		rep.Kind = "classification"
		classification(c, tasks, coder, users, stats, &rep, &ids, &values)
	} else {
		rep.Kind = structuredKind(c)
		structured(c, tasks, coder, stats, &rep, &ids, &values)
	}
	rep.Compared = len(ids)
	if len(values) > 0 {
		var sum float64
		for _, v := range values {
			sum += v
		}
		rep.Project["mean_task_agreement"] = sum / float64(len(values))
	}
	rep.Annotators = stats
	return rep, ids, values
}

// classification rates every annotation by its first choice (or rating) and
// computes the ratings-based metrics.
func classification(c labeling.Control, tasks []taskResults, coder map[int64]int, users []int64, stats []AnnotatorStat,
	rep *Report, ids *[]int64, values *[]float64) {
	cats := map[string]int{}
	var labels []string
	for _, l := range c.Values() {
		cats[l] = len(labels)
		labels = append(labels, l)
	}
	var ratings []agreement.Rating
	var gold []int
	counts := make([]int, len(labels))
	for u, t := range tasks {
		g := agreement.Missing
		for _, a := range t.Annotations {
			v, ok := firstValue(c, a.Results)
			if !ok {
				continue
			}
			k, ok := cats[v]
			if !ok {
				cats[v] = len(labels)
				labels = append(labels, v)
				counts = append(counts, 0)
				k = cats[v]
			}
			if a.GroundTruth {
				g = k
				continue // the reference is not rated against itself
			}
			counts[k]++
			ratings = append(ratings, agreement.Rating{Unit: u, Coder: coder[a.UserID], Category: k})
		}
		gold = append(gold, g)
	}
	for i, l := range labels {
		rep.Labels = append(rep.Labels, LabelStat{Label: l, Count: counts[i]})
	}
	r, err := agreement.NewRatings(len(tasks), len(users), len(labels), ratings)
	if err != nil || len(ratings) == 0 {
		return
	}
	for u, a := range agreement.UnitAgreement(r) {
		if !math.IsNaN(a) {
			*ids, *values = append(*ids, tasks[u].TaskID), append(*values, a)
		}
	}
	set := func(key string, v float64, err error) {
		if err == nil && !math.IsNaN(v) {
			rep.Project[key] = v
		}
	}
	v, err := agreement.PercentAgreement(r)
	set("percent_agreement", v, err)
	v, err = agreement.Alpha(r, agreement.Nominal)
	set("krippendorff_alpha", v, err)
	if f, err := agreement.FleissKappa(r); err == nil {
		set("fleiss_kappa", f.Kappa, nil)
		for i := range rep.Labels {
			if i < len(f.PerLabel) && !math.IsNaN(f.PerLabel[i]) {
				k := f.PerLabel[i]
				rep.Labels[i].FleissKappa = &k
			}
		}
	}
	if acc, err := agreement.CoderAccuracy(r, agreement.MajorityVote(r)); err == nil {
		for i := range stats {
			if acc[i].Total > 0 {
				stats[i].WithConsensus = ptr(acc[i].Rate)
			}
		}
	}
	if acc, err := agreement.CoderAccuracy(r, gold); err == nil {
		for i := range stats {
			stats[i].GoldTasks = acc[i].Total
			if acc[i].Total > 0 {
				stats[i].GoldAccuracy = ptr(acc[i].Rate)
			}
		}
	}
	if ds, err := agreement.DawidSkene(r, agreement.DawidSkeneOptions{MaxIterations: 100}); err == nil {
		for i := range stats {
			stats[i].Reliability = ptr(ds.Reliability(i))
		}
	}
	agreeSum, agreeN := make([]float64, len(users)), make([]int, len(users))
	for _, pc := range agreement.PairConfusions(r) {
		n, same := 0, 0
		for i, row := range pc.Table {
			for j, x := range row {
				n += x
				if i == j {
					same += x
				}
			}
		}
		if n == 0 {
			continue
		}
		ps := PairStat{A: users[pc.A], B: users[pc.B], Tasks: n, Agree: float64(same) / float64(n), Matrix: pc.Table}
		if k, err := pc.Kappa(agreement.Unweighted); err == nil && !math.IsNaN(k) {
			ps.Kappa = &k
		}
		rep.Pairs = append(rep.Pairs, ps)
		for _, c := range []int{pc.A, pc.B} {
			agreeSum[c] += float64(same)
			agreeN[c] += n
		}
	}
	for i := range stats {
		if agreeN[i] > 0 {
			stats[i].WithOthers = ptr(agreeSum[i] / float64(agreeN[i]))
		}
	}
}

// firstValue is the first choice (or the rating) an annotation gives the control.
func firstValue(c labeling.Control, rs []labeling.Result) (string, bool) {
	for _, r := range rs {
		if r.FromName != c.Name {
			continue
		}
		if len(r.Value.Choices) > 0 {
			return r.Value.Choices[0], true
		}
		if r.Value.Rating > 0 {
			b, _ := json.Marshal(r.Value.Rating)
			return string(b), true
		}
	}
	return "", false
}

func structuredKind(c labeling.Control) string {
	switch c.Type {
	case labeling.TypeRectangleLabels:
		return "boxes"
	case labeling.TypeTextArea:
		return "text"
	}
	return "spans" // Labels: spans on text, regions on audio
}

// structured compares annotations pairwise by F1 of their regions (spans,
// boxes, audio regions at IoU ≥ 0.5) or by 1 − CER of their text.
func structured(c labeling.Control, tasks []taskResults, coder map[int64]int, stats []AnnotatorStat, rep *Report, ids *[]int64, values *[]float64) {
	sum, n := make([]float64, len(stats)), make([]int, len(stats))
	labelCount := map[string]int{}
	for _, t := range tasks {
		var parsed [][]labeling.Result
		for _, a := range t.Annotations {
			rs := a.Results
			parsed = append(parsed, rs)
			for _, r := range rs {
				if r.FromName == c.Name {
					for _, l := range append(append(r.Value.Labels, r.Value.RectangleLabels...), r.Value.Choices...) {
						labelCount[l]++
					}
				}
			}
		}
		var tsum float64
		var tn int
		for i := range parsed {
			for j := i + 1; j < len(parsed); j++ {
				s := pairScore(c, parsed[i], parsed[j])
				tsum += s
				tn++
				for _, k := range []int{coder[t.Annotations[i].UserID], coder[t.Annotations[j].UserID]} {
					sum[k] += s
					n[k]++
				}
			}
		}
		if tn > 0 {
			*ids, *values = append(*ids, t.TaskID), append(*values, tsum/float64(tn))
		}
	}
	for i := range stats {
		if n[i] > 0 {
			stats[i].WithOthers = ptr(sum[i] / float64(n[i]))
		}
	}
	for _, l := range c.Values() {
		rep.Labels = append(rep.Labels, LabelStat{Label: l, Count: labelCount[l]})
	}
}

// pairScore is how far two annotations of the control agree, from 0 to 1.
func pairScore(c labeling.Control, a, b []labeling.Result) float64 {
	switch c.Type {
	case labeling.TypeRectangleLabels:
		return agreement.BoxF1(boxes(c, a), boxes(c, b), agreement.MinIoU).F1
	case labeling.TypeTextArea:
		ta, tb := texts(c, a), texts(c, b)
		if ta == "" && tb == "" {
			return 1
		}
		cer, err := agreement.CER(ta, tb)
		if err != nil {
			return 0
		}
		return max(0, 1-cer)
	}
	ra, rb := regions(c, a), regions(c, b)
	if len(ra)+len(rb) == 0 {
		return 1
	}
	return agreement.RegionF1(ra, rb, agreement.MinIoU).F1
}

func boxes(c labeling.Control, rs []labeling.Result) []agreement.Box {
	var out []agreement.Box
	for _, r := range rs {
		if r.FromName == c.Name {
			out = append(out, agreement.Box{X: r.Value.X, Y: r.Value.Y, Width: r.Value.Width, Height: r.Value.Height, Label: first(r.Value.RectangleLabels)})
		}
	}
	return out
}

// regions reads spans and audio regions alike, as intervals with a label.
func regions(c labeling.Control, rs []labeling.Result) []agreement.Region {
	var out []agreement.Region
	for _, r := range rs {
		if r.FromName == c.Name && r.Value.Start != nil && r.Value.End != nil {
			out = append(out, agreement.Region{Start: *r.Value.Start, End: *r.Value.End, Label: first(r.Value.Labels)})
		}
	}
	return out
}

func texts(c labeling.Control, rs []labeling.Result) string {
	var s string
	for _, r := range rs {
		if r.FromName == c.Name {
			for _, t := range r.Value.Texts {
				s += t + "\n"
			}
		}
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func ptr(v float64) *float64 { return &v }
