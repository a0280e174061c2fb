package agreement

import (
	"fmt"
	"math"
	"sort"

	"concord/internal/labeling"
)

// Annotation is one annotator's labels of a task, as [Measure] reads them.
type Annotation struct {
	ID          int64
	Annotator   int64
	GroundTruth bool
	LeadTime    float64
	Results     []labeling.Result
}

// Task is a task's annotations, at most one per annotator besides ground truth.
type Task struct {
	ID          int64
	Annotations []Annotation
}

// Scales of a control's answers, which decide the metrics that fit them.
const (
	ScaleNominal    = "nominal"    // single choice: unordered categories
	ScaleSet        = "set"        // multiple choice: a set of categories
	ScaleNumeric    = "numeric"    // ratings and numbers: ordered values with a distance
	ScaleStructured = "structured" // spans, boxes, regions, text: pairwise scores
)

// Report is a project's agreement: every control measured on its own in
// Controls, and together (the mean over controls of each task's agreement).
// The embedded ControlReport is the first control's, whose Project holds the
// combined mean_task_agreement, so readers of one control keep working.
type Report struct {
	ControlReport
	Controls []ControlReport `json:"controls"`
	Notes    []string        `json:"notes,omitempty"` // what the figures left out, and why
	// TaskAgreement is each compared task's agreement over all controls.
	TaskAgreement map[int64]float64 `json:"-"`
}

// ControlReport is one control's agreement.
type ControlReport struct {
	Control  string         `json:"control"`
	Kind     string         `json:"kind"`  // classification, multiple, numeric, spans, boxes, regions, text
	Scale    string         `json:"scale"` // nominal, set, numeric, structured
	Tasks    int            `json:"tasks"`
	Compared int            `json:"tasks_compared"` // with two annotations or more
	Project  map[string]any `json:"project"`
	// Undefined names each figure of this scale that has no value, and why.
	Undefined map[string]string `json:"undefined,omitempty"`
	// Intervals holds a bootstrap confidence interval of each α (see [BootstrapAlpha]).
	Intervals map[string]ConfidenceInterval `json:"intervals,omitempty"`
	// StandardErrors holds the standard error of each κ (see [FleissKappaSE]).
	StandardErrors map[string]float64 `json:"standard_errors,omitempty"`
	Labels         []LabelStat        `json:"labels"`
	Annotators     []AnnotatorStat    `json:"annotators"`
	Pairs          []PairStat         `json:"pairs"`

	taskAgreement map[int64]float64
}

// LabelStat is one label's share and agreement.
type LabelStat struct {
	Label       string   `json:"label"`
	Count       int      `json:"count"`
	FleissKappa *float64 `json:"fleiss_kappa,omitempty"`
}

// AnnotatorStat is one annotator's work and quality; a figure is absent where
// it is undefined, and each comes with the count it rests on.
type AnnotatorStat struct {
	UserID         int64    `json:"user_id"`
	Annotations    int      `json:"annotations"`
	MedianLeadTime float64  `json:"median_lead_time"`
	WithOthers     *float64 `json:"agreement_with_others"`
	Compared       int      `json:"compared"` // pairs with other annotators behind agreement_with_others
	WithConsensus  *float64 `json:"agreement_with_consensus,omitempty"`
	ConsensusTasks int      `json:"consensus_tasks"` // tasks with a consensus of others behind agreement_with_consensus
	GoldAccuracy   *float64 `json:"gold_accuracy"`
	GoldTasks      int      `json:"gold_tasks"`
	Reliability    *float64 `json:"reliability,omitempty"` // Dawid–Skene, over their annotations; absent for one who shares no task
}

// PairStat is the agreement of two annotators on the tasks they share.
type PairStat struct {
	A              int64    `json:"a"`
	B              int64    `json:"b"`
	Tasks          int      `json:"tasks"`
	Kappa          *float64 `json:"cohen_kappa,omitempty"`
	KappaLinear    *float64 `json:"cohen_kappa_linear,omitempty"`
	KappaQuadratic *float64 `json:"cohen_kappa_quadratic,omitempty"`
	// Standard errors of the three κ (see [KappaSE]).
	KappaSE          *float64 `json:"cohen_kappa_se,omitempty"`
	KappaLinearSE    *float64 `json:"cohen_kappa_linear_se,omitempty"`
	KappaQuadraticSE *float64 `json:"cohen_kappa_quadratic_se,omitempty"`
	Agree            float64  `json:"agreement"`
	Matrix           [][]int  `json:"confusion,omitempty"`
}

// Measure computes the agreement of every control over the tasks.
func Measure(controls []labeling.Control, tasks []Task) Report {
	var rep Report
	combined := map[int64][]float64{}
	for _, c := range controls {
		cr := measureControl(c, tasks)
		for id, v := range cr.taskAgreement {
			combined[id] = append(combined[id], v)
		}
		rep.Controls = append(rep.Controls, cr)
	}
	rep.TaskAgreement = map[int64]float64{}
	var sum float64
	for id, vs := range combined {
		rep.TaskAgreement[id] = mean(vs)
		sum += rep.TaskAgreement[id]
	}
	if len(rep.Controls) > 0 {
		rep.ControlReport = rep.Controls[0]
		rep.Project = map[string]any{}
		for k, v := range rep.Controls[0].Project {
			rep.Project[k] = v
		}
		delete(rep.Project, "mean_task_agreement")
		if len(combined) > 0 {
			rep.Project["mean_task_agreement"] = sum / float64(len(combined))
		}
		rep.Compared = len(combined)
	}
	return rep
}

// measureControl measures one control.
func measureControl(c labeling.Control, tasks []Task) ControlReport {
	cr := ControlReport{Control: c.Name, Tasks: len(tasks), Project: map[string]any{}, Undefined: map[string]string{},
		Intervals: map[string]ConfidenceInterval{}, StandardErrors: map[string]float64{}, taskAgreement: map[int64]float64{}}
	coder := map[int64]int{}
	var users []int64
	lead := map[int64][]float64{}
	for _, t := range tasks {
		for _, a := range t.Annotations {
			if !answers(c, a.Results) {
				continue
			}
			if _, ok := coder[a.Annotator]; !ok {
				coder[a.Annotator] = len(users)
				users = append(users, a.Annotator)
			}
			lead[a.Annotator] = append(lead[a.Annotator], a.LeadTime)
		}
	}
	cr.Annotators = make([]AnnotatorStat, len(users))
	for i, u := range users {
		cr.Annotators[i] = AnnotatorStat{UserID: u, Annotations: len(lead[u]), MedianLeadTime: median(lead[u])}
	}
	cr.Scale = ScaleOf(c)
	switch cr.Scale {
	case ScaleSet:
		cr.Kind = "multiple"
		measureSets(c, tasks, coder, users, &cr)
	case ScaleNominal:
		cr.Kind = "classification"
		measureClasses(c, tasks, coder, users, &cr)
	case ScaleNumeric:
		cr.Kind = "numeric"
		measureClasses(c, tasks, coder, users, &cr)
	default:
		cr.Kind = structuredKind(c)
		measureStructured(c, tasks, coder, &cr)
	}
	scoreAgainstGroundTruth(c, tasks, coder, &cr)
	cr.Compared = len(cr.taskAgreement)
	if len(cr.taskAgreement) > 0 {
		var sum float64
		for _, v := range cr.taskAgreement {
			sum += v
		}
		cr.Project["mean_task_agreement"] = sum / float64(len(cr.taskAgreement))
	} else {
		cr.Undefined["mean_task_agreement"] = "no task has two annotations of this control, or one and a ground truth"
	}
	if len(cr.Undefined) == 0 {
		cr.Undefined = nil
	}
	if len(cr.Intervals) == 0 {
		cr.Intervals = nil
	}
	if len(cr.StandardErrors) == 0 {
		cr.StandardErrors = nil
	}
	return cr
}

// answers reports whether an annotation has a result of the control.
func answers(c labeling.Control, rs []labeling.Result) bool {
	for _, r := range rs {
		if r.FromName == c.Name {
			return true
		}
	}
	return false
}

// set records a figure, or why it is undefined.
func (cr *ControlReport) set(key string, v float64, err error) {
	switch {
	case err == nil && !math.IsNaN(v):
		cr.Project[key] = v
	case err != nil:
		cr.Undefined[key] = reason(err)
	default:
		cr.Undefined[key] = "undefined"
	}
}

// setInterval records a bootstrap interval of a figure that has a value.
func (cr *ControlReport) setInterval(key string, ci ConfidenceInterval, err error) {
	if _, ok := cr.Project[key]; ok && err == nil {
		cr.Intervals[key] = ci
	}
}

// reason says in words why a figure is undefined.
func reason(err error) string {
	switch {
	case err == ErrNoData:
		return "no task has two annotations of this control"
	case err == ErrUndefined:
		return "every annotation gives the same value, so agreement expected by chance is total and the coefficient is 0/0"
	}
	return err.Error()
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
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

// numberKey formats a number as a category label.
func numberKey(v float64) string { return fmt.Sprint(v) }
