package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/labeling"
	"concord/internal/store"
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// reviewPage is the review queue: annotated tasks, lowest agreement first,
// filtered by review state, label, annotator and date.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	f, err := api.ReviewFilterOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if f.To != nil && len(q.Get("to")) == len("2006-01-02") {
		t := f.To.AddDate(0, 0, 1) // a date "to" includes its day
		f.To = &t
	}
	size := f.Limit
	f.Limit++ // one more tells whether there is a next page
	items, err := s.store.ReviewQueue(r.Context(), p.ID, f)
	if err != nil {
		return err
	}
	page := f.Offset/size + 1
	d := view.ReviewQueueData{Project: p, State: f.State, Label: f.Label, Annotator: f.Annotator, From: q.Get("from"), To: q.Get("to"), Page: page}
	if len(items) > size {
		items = items[:size]
		d.NextURL = pageURL(r, page+1)
	}
	if page > 1 {
		d.PrevURL = pageURL(r, page-1)
	}
	for _, it := range items {
		row := view.ReviewRow{TaskID: it.TaskID, Preview: preview(it.Data), Annotations: it.Annotations, State: it.ReviewState, LastAt: it.LastAt, Agreement: "—"}
		if it.Agreement != nil {
			row.Agreement = fmt.Sprintf("%.3f", *it.Agreement)
		}
		d.Rows = append(d.Rows, row)
	}
	if cfg, err := labeling.ParseConfig(p.LabelConfig); err == nil {
		for _, c := range cfg.Controls {
			d.Labels = append(d.Labels, c.Values()...)
		}
	}
	ms, err := s.store.Members(r.Context(), p.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		d.Annotators = append(d.Annotators, view.Person{ID: m.UserID, Email: m.Email})
	}
	return render(w, r, http.StatusOK, view.ReviewQueue(s.page(r, "Review "+p.Title), d))
}

func pageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return r.URL.Path + "?" + q.Encode()
}

// preview is a short line of a task's data: its first text, or its first value.
func preview(raw json.RawMessage) string {
	var data map[string]any
	if json.Unmarshal(raw, &data) != nil {
		return ""
	}
	var parts []string
	for _, v := range data {
		if s, ok := v.(string); ok {
			parts = append(parts, s)
		}
	}
	s := strings.Join(parts, " · ")
	if s == "" {
		s = string(raw)
	}
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:99]) + "…"
	}
	return s
}

// reviewTask loads the task of the URL, which must belong to the project.
func (s *Server) reviewTask(r *http.Request) (store.Project, store.Task, error) {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return p, store.Task{}, err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "task_id"), 10, 64)
	if err != nil {
		return p, store.Task{}, problem.NotFound("task")
	}
	t, err := s.store.TaskByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.ProjectID != p.ID) {
		return p, t, problem.NotFound("task")
	}
	return p, t, err
}

// reviewTaskPage shows all annotations of a task side by side.
func (s *Server) reviewTaskPage(w http.ResponseWriter, r *http.Request) error {
	p, t, err := s.reviewTask(r)
	if err != nil {
		return err
	}
	return s.renderReviewTask(w, r, p, t, http.StatusOK, "", queryID(r, "fix"))
}

func (s *Server) renderReviewTask(w http.ResponseWriter, r *http.Request, p store.Project, t store.Task, status int, errMsg string, fixID int64) error {
	ctx := r.Context()
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return problem.New(http.StatusConflict, "this project's label config is not set up yet")
	}
	rows, err := s.store.TaskAnnotationsForReview(ctx, t.ID)
	if err != nil {
		return err
	}
	ag, err := s.store.TaskAgreement(ctx, t.ID)
	if err != nil {
		return err
	}
	var data map[string]any
	json.Unmarshal(t.Data, &data)
	media, err := s.mediaOf(r, data)
	if err != nil {
		return err
	}
	anns := make([]reviewed, len(rows))
	d := view.ReviewTaskData{Project: p, TaskID: t.ID, Error: errMsg, QueueURL: link.Review(p.ID)}
	if next, err := s.nextToReview(r, p.ID, t.ID); err != nil {
		return err
	} else if next != 0 {
		d.NextURL = link.ReviewTask(p.ID, next)
	}
	if ag != nil {
		d.Agreement = fmt.Sprintf("%.3f", *ag)
	}
	for i, a := range rows {
		anns[i] = reviewed{ReviewedAnnotation: a, N: i + 1}
		json.Unmarshal(a.Result, &anns[i].Results)
		d.Annotations = append(d.Annotations, view.ReviewAnn{ID: a.ID, N: i + 1, Class: anns[i].class(), Email: anns[i].who(), State: a.ReviewState,
			Comment: a.Comment, GroundTruth: a.GroundTruth, Cancelled: a.WasCancelled, When: a.CreatedAt, LeadTime: a.LeadTime})
	}
	d.Objects, d.Choices, d.Others = sideBySide(cfg, data, media, anns)
	for _, a := range anns {
		if a.ID == fixID {
			d.Fix = fixFormOf(cfg, a)
		}
	}
	return render(w, r, status, view.ReviewTask(s.page(r, fmt.Sprintf("Review task #%d", t.ID)), d))
}

// mediaOf finds the stored files a task's data refers to, by data key.
func (s *Server) mediaOf(r *http.Request, data map[string]any) (map[string]store.Media, error) {
	byHash := map[string]string{}
	var hashes []string
	for k, v := range data {
		if str, ok := v.(string); ok {
			if m := storedMedia.FindStringSubmatch(str); m != nil {
				byHash[m[1]] = k
				hashes = append(hashes, m[1])
			}
		}
	}
	out := map[string]store.Media{}
	if len(hashes) == 0 {
		return out, nil
	}
	ms, err := s.store.MediaByHashes(r.Context(), hashes)
	for _, m := range ms {
		out[byHash[m.Hash]] = m
	}
	return out, err
}

// nextToReview is the first task of the review queue (not reviewed yet,
// lowest agreement first) other than the one on screen, 0 when none is left.
func (s *Server) nextToReview(r *http.Request, projectID, current int64) (int64, error) {
	items, err := s.store.ReviewQueue(r.Context(), projectID, store.ReviewFilter{Limit: 2})
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if it.TaskID != current {
			return it.TaskID, nil
		}
	}
	return 0, nil
}

// reviewTaskPost applies a verdict from the task's forms: accept, accept and
// go to the next task waiting for review, reject (with a comment), fix (the
// fix form's labels), or (un)mark ground truth.
func (s *Server) reviewTaskPost(w http.ResponseWriter, r *http.Request) error {
	p, t, err := s.reviewTask(r)
	if err != nil {
		return err
	}
	annID, _ := strconv.ParseInt(r.PostFormValue("annotation"), 10, 64)
	ann, err := s.store.AnnotationByID(r.Context(), annID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && ann.TaskID != t.ID) {
		return problem.Invalid("annotation: give the id of an annotation of this task", nil)
	}
	if err != nil {
		return err
	}
	who := "the annotation"
	if rows, err := s.store.TaskAnnotationsForReview(r.Context(), t.ID); err == nil {
		for _, a := range rows {
			if a.ID == ann.ID && a.Email != "" {
				who = a.Email + "'s annotation"
			}
		}
	}
	action, comment := r.PostFormValue("action"), strings.TrimSpace(r.PostFormValue("comment"))
	andNext := action == "accept_next"
	if andNext {
		action = store.ReviewAccept
	}
	var msg string
	switch action {
	case "ground_truth", "unset_ground_truth":
		if err := s.api.SetGroundTruth(r, p, ann.ID, action == "ground_truth"); err != nil {
			return err
		}
		msg = "Marked " + who + " as ground truth."
		if action != "ground_truth" {
			msg = who + " is no longer ground truth."
		}
	case store.ReviewAccept, store.ReviewReject, store.ReviewFix:
		in := api.ReviewInput{Annotation: ann.ID, Action: action, Comment: comment}
		if action == store.ReviewFix {
			cfg, err := labeling.ParseConfig(p.LabelConfig)
			if err != nil {
				return err
			}
			if in.Result, err = fixedResult(cfg, t, ann, r); err != nil {
				return s.renderReviewTask(w, r, p, t, http.StatusUnprocessableEntity, err.Error(), ann.ID)
			}
		}
		if err := s.api.Review(r, p, t, in); err != nil {
			if pe := problem.From(err); pe.Status == http.StatusUnprocessableEntity {
				fix := int64(0)
				if action == store.ReviewFix {
					fix = ann.ID
				}
				return s.renderReviewTask(w, r, p, t, pe.Status, "Not saved: "+pe.Msg, fix)
			}
			return err
		}
		msg = map[string]string{
			store.ReviewAccept: "Accepted " + who + ".",
			store.ReviewReject: "Rejected " + who + ": the task goes back to its annotator with your comment.",
			store.ReviewFix:    "Fixed and accepted: your labels are the task's ground truth.",
		}[action]
	default:
		return problem.Invalid("action must be accept, accept_next, reject, fix, ground_truth or unset_ground_truth", nil)
	}
	if andNext {
		next, err := s.nextToReview(r, p.ID, t.ID)
		if err != nil {
			return err
		}
		if next == 0 {
			s.flash(r, msg+" No task is left to review.")
			return seeOther(w, r, link.Review(p.ID))
		}
		s.flash(r, fmt.Sprintf("%s Next: task #%d.", msg, next))
		return seeOther(w, r, link.ReviewTask(p.ID, next))
	}
	s.flash(r, msg)
	return seeOther(w, r, link.ReviewTask(p.ID, t.ID))
}
