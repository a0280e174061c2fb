package api

import (
	"concord/internal/agreement"
	"concord/internal/labeling"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/store"
	"concord/web/problem"
)

// agreementJSON is a project's agreement report, annotators named by e-mail,
// and the last failure to compute it, if any since.
type agreementJSON struct {
	agreement.Report
	Emails     map[int64]string  `json:"emails"`
	ComputedAt *time.Time        `json:"computed_at"` // nil: no report yet
	Failure    *agreementFailure `json:"failure,omitempty"`
}

// agreementFailure is why the latest computation of agreement failed.
type agreementFailure struct {
	Error string    `json:"error"`
	At    time.Time `json:"at"`
}

// Agreement reads a project's latest agreement report and failure (nil before the first of either).
func (a *API) Agreement(r *http.Request, p store.Project) (*agreementJSON, error) {
	st, err := a.store.AgreementReport(r.Context(), p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := &agreementJSON{ComputedAt: st.ComputedAt, Emails: map[int64]string{}}
	if st.Error != "" && st.FailedAt != nil {
		out.Failure = &agreementFailure{Error: st.Error, At: *st.FailedAt}
	}
	if st.Report != nil {
		if err := json.Unmarshal(st.Report, &out.Report); err != nil {
			return nil, err
		}
	}
	ms, err := a.store.Members(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out.Emails[m.UserID] = m.Email
	}
	return out, nil
}

// projectAgreement answers GET /api/projects/{id}/agreement.
func (a *API) projectAgreement(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	rep, err := a.Agreement(r, p)
	if err != nil {
		return err
	}
	if rep == nil {
		return writeJSON(w, http.StatusOK, map[string]any{"status": "not computed yet: it is, once tasks have two annotators or ground truth"})
	}
	if q := r.URL.Query(); q.Has("metric") || q.Has("control") {
		return agreementMetric(w, r, p, rep)
	}
	return writeJSON(w, http.StatusOK, rep)
}

// agreementMetric answers GET /api/projects/{id}/agreement?control=C&metric=M:
// one figure of one control (the first when C is not given) with the tasks it
// rests on and its confidence interval or standard error where it has one, or, when it has no value, the reason; 422 when the control or the
// metric does not exist or the metric does not fit the control's answers.
func agreementMetric(w http.ResponseWriter, r *http.Request, p store.Project, rep *agreementJSON) error {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil || len(cfg.Controls) == 0 {
		return problem.Invalid("the project has no label config to measure", nil)
	}
	q := r.URL.Query()
	ctl := cfg.Controls[0]
	if name := q.Get("control"); name != "" {
		var ok bool
		if ctl, ok = cfg.Control(name); !ok {
			var names []string
			for _, c := range cfg.Controls {
				names = append(names, c.Name)
			}
			return problem.Invalid(fmt.Sprintf("control: the label config has no control %q (controls: %s)", name, strings.Join(names, ", ")), nil)
		}
	}
	metric := q.Get("metric")
	if metric == "" {
		return problem.Invalid("metric: name the figure to read, e.g. metric=krippendorff_alpha", nil)
	}
	if err := agreement.CheckMetric(ctl, metric); err != nil {
		return problem.Invalid("metric: "+err.Error(), nil)
	}
	out := map[string]any{"control": ctl.Name, "metric": metric, "scale": agreement.ScaleOf(ctl)}
	cr, err := rep.Report.ControlNamed(ctl.Name)
	switch {
	case rep.ComputedAt == nil || err != nil:
		out["reason"] = "not computed yet"
	case cr.Project[metric] != nil:
		out["value"], out["tasks_compared"] = cr.Project[metric], cr.Compared
		if ci, ok := cr.Intervals[metric]; ok {
			out["interval"] = ci
		}
		if se, ok := cr.StandardErrors[metric]; ok {
			out["standard_error"] = se
		}
	case cr.Undefined[metric] != "":
		out["reason"] = cr.Undefined[metric]
	default:
		out["reason"] = "not computed yet"
	}
	return writeJSON(w, http.StatusOK, out)
}

// annotators answers GET /api/projects/{id}/annotators: each annotator's work and quality.
func (a *API) annotators(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	rep, err := a.Agreement(r, p)
	if err != nil || rep == nil {
		return writeJSON(w, http.StatusOK, []any{})
	}
	type row struct {
		agreement.AnnotatorStat
		Email string `json:"email"`
	}
	out := make([]row, len(rep.Annotators))
	for i, s := range rep.Annotators {
		out[i] = row{s, rep.Emails[s.UserID]}
	}
	return writeJSON(w, http.StatusOK, out)
}

// taskAgreement answers GET /api/tasks/{id}/agreement: the task's agreement and
// every annotation of it, side by side (managers).
func (a *API) taskAgreement(w http.ResponseWriter, r *http.Request) error {
	t, _, err := a.task(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ag, err := a.store.TaskAgreement(r.Context(), t.ID)
	if err != nil {
		return err
	}
	as, err := a.store.TaskAnnotationsForReview(r.Context(), t.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"task": toTaskJSON(t), "agreement": ag, "annotations": as})
}

// reviewQueue answers GET /api/projects/{id}/review: tasks with the lowest
// agreement first; filters state (""|accepted|rejected|all), label, annotator,
// from and to (RFC 3339), page and page_size.
func (a *API) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	f, err := ReviewFilterOf(r)
	if err != nil {
		return err
	}
	items, err := a.store.ReviewQueue(r.Context(), p.ID, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tasks": items})
}

// ReviewFilterOf reads the review queue's filters from the query string.
func ReviewFilterOf(r *http.Request) (store.ReviewFilter, error) {
	q := r.URL.Query()
	f := store.ReviewFilter{State: q.Get("state"), Label: q.Get("label")}
	switch f.State {
	case "", "accepted", "rejected", "all":
	default:
		return f, problem.BadRequest(`state must be "", "accepted", "rejected" or "all"`)
	}
	if s := q.Get("annotator"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return f, problem.BadRequest("annotator must be a user id")
		}
		f.Annotator = id
	}
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				if t, err = time.Parse("2006-01-02", s); err != nil {
					return f, problem.BadRequest("%s must be a date (2006-01-02) or an RFC 3339 time", k)
				}
			}
			if k == "from" {
				f.From = &t
			} else {
				f.To = &t
			}
		}
	}
	size, err := intParam(q.Get("page_size"), 50, 1, 500, "page_size")
	if err != nil {
		return f, err
	}
	page, err := intParam(q.Get("page"), 1, 1, 1<<20, "page")
	if err != nil {
		return f, err
	}
	f.Limit, f.Offset = size, (page-1)*size
	return f, nil
}

// ReviewInput is a reviewer's verdict on one annotation.
type ReviewInput struct {
	Annotation int64             `json:"annotation"`
	Action     string            `json:"action"` // accept, reject, fix
	Comment    string            `json:"comment"`
	Result     []json.RawMessage `json:"result"` // the fixed labels, for fix
}

// review answers POST /api/tasks/{id}/review.
func (a *API) review(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in ReviewInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.Review(r, p, t, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Review applies a verdict and enqueues the recomputation of agreement.
func (a *API) Review(r *http.Request, p store.Project, t store.Task, in ReviewInput) error {
	ann, err := a.store.AnnotationByID(r.Context(), in.Annotation)
	if err != nil || ann.TaskID != t.ID {
		return problem.Invalid("annotation: give the id of an annotation of this task", nil)
	}
	var fixed json.RawMessage
	switch in.Action {
	case store.ReviewAccept, store.ReviewReject:
	case store.ReviewFix:
		if fixed, err = a.checkResult(r, p, t, in.Result, false); err != nil {
			return err
		}
	default:
		return problem.Invalid(`action must be "accept", "reject" or "fix"`, nil)
	}
	if in.Action == store.ReviewReject && in.Comment == "" {
		return problem.Invalid("comment: say what to fix; the annotator sees it", nil)
	}
	return a.store.Transact(r.Context(), func(tx *store.Store) error {
		if err := tx.Review(r.Context(), ann.ID, caller(r).ID, in.Action, in.Comment, fixed, p.MaximumAnnotations); err != nil {
			return err
		}
		return job.EnqueueAgreement(r.Context(), a.jobs, tx, p.ID)
	})
}

// setGroundTruth answers PATCH /api/annotations/{id}/ground-truth {"ground_truth": bool} (managers).
func (a *API) setGroundTruth(w http.ResponseWriter, r *http.Request) error {
	ann, p, err := a.annotation(r, true)
	if err != nil {
		return err
	}
	if _, err := a.project(r, p.ID, auth.ManageProject); err != nil {
		return err
	}
	var in struct {
		GroundTruth bool `json:"ground_truth"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.SetGroundTruth(r, p, ann.ID, in.GroundTruth); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// SetGroundTruth marks (or unmarks) an annotation as ground truth and enqueues
// the recomputation of agreement, in one transaction.
func (a *API) SetGroundTruth(r *http.Request, p store.Project, annotationID int64, gt bool) error {
	return a.store.Transact(r.Context(), func(tx *store.Store) error {
		if err := tx.SetGroundTruth(r.Context(), annotationID, gt); err != nil {
			return err
		}
		return job.EnqueueAgreement(r.Context(), a.jobs, tx, p.ID)
	})
}
