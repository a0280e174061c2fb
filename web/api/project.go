package api

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"concord/internal/auth"
	"concord/internal/labeling"
	"concord/internal/store"
	"concord/web/problem"
)

// samplingNames maps Label Studio's sampling names, and ours, to what is stored.
var samplingNames = map[string]string{
	"Sequential sampling":  "sequential",
	"Uniform sampling":     "random",
	"Uncertainty sampling": "uncertainty",
	"sequential":           "sequential",
	"random":               "random",
	"uncertainty":          "uncertainty",
}

// samplingLabel is the Label Studio name of a stored sampling mode.
var samplingLabel = map[string]string{
	"sequential":  "Sequential sampling",
	"random":      "Uniform sampling",
	"uncertainty": "Uncertainty sampling",
}

// emptyConfig is the label config of a project created without one, as in Label Studio.
const emptyConfig = "<View></View>"

// FieldErrors maps a field name to what is wrong with it.
type FieldErrors map[string]string

// CheckProject normalises a project's settings and says what is wrong with them.
func CheckProject(f *store.ProjectFields) FieldErrors {
	errs := FieldErrors{}
	f.Title = strings.TrimSpace(f.Title)
	if n := utf8.RuneCountInString(f.Title); n == 0 || n > 200 {
		errs["title"] = "give a title of 1 to 200 characters"
	}
	if strings.TrimSpace(f.LabelConfig) == "" {
		f.LabelConfig = emptyConfig
	}
	if f.LabelConfig != emptyConfig { // a project not set up yet, as Label Studio allows
		if _, err := labeling.ParseConfig(f.LabelConfig); err != nil {
			errs["label_config"] = err.Error()
		}
	}
	if f.LockMinutes == 0 {
		f.LockMinutes = store.DefaultLockMinutes
	}
	if f.GoldRate < 0 || f.GoldRate > 1 {
		errs["gold_rate"] = "give a share of gold tasks from 0 to 1"
	}
	if f.AgreementThreshold < 0 || f.AgreementThreshold > 1 {
		errs["agreement_threshold"] = "give an agreement threshold from 0 to 1"
	}
	if f.GoldPauseWindow < 0 || f.GoldPauseWindow > 1000 {
		errs["gold_pause_window"] = "give a number of gold tasks from 0 (never pause) to 1000"
	}
	if f.GoldPauseThreshold < 0 || f.GoldPauseThreshold > 1 {
		errs["gold_pause_threshold"] = "give a gold accuracy threshold from 0 to 1"
	} else if f.GoldPauseWindow > 0 && f.GoldPauseThreshold == 0 {
		errs["gold_pause_threshold"] = "give a gold accuracy threshold above 0, or a window of 0 to turn the pause off"
	}
	if f.MaxExtra < 0 || f.MaxExtra > 10 {
		errs["max_extra_annotators"] = "give from 0 to 10 extra annotators"
	}
	if f.RetrainEvery == 0 {
		f.RetrainEvery = store.DefaultRetrainEvery
	}
	if f.RetrainEvery < 1 || f.RetrainEvery > 100000 {
		errs["retrain_every"] = "give a number of new labels from 1 to 100000"
	}
	if f.LockMinutes < 1 || f.LockMinutes > 1440 {
		errs["lock_minutes"] = "give a lock time from 1 to 1440 minutes"
	}
	if f.MaximumAnnotations < 1 || f.MaximumAnnotations > 100 {
		errs["maximum_annotations"] = "give a number of annotators per task from 1 to 100"
	}
	s, ok := samplingNames[f.Sampling]
	if !ok {
		errs["sampling"] = `choose "Sequential sampling", "Uniform sampling" or "Uncertainty sampling"`
	}
	f.Sampling = s
	return errs
}

// projectJSON is a project as Label Studio's API shows it.
type projectJSON struct {
	ID                 int64           `json:"id"`
	Title              string          `json:"title"`
	Description        string          `json:"description"`
	LabelConfig        string          `json:"label_config"`
	ParsedLabelConfig  map[string]any  `json:"parsed_label_config"`
	ExpertInstruction  string          `json:"expert_instruction"`
	MaximumAnnotations int             `json:"maximum_annotations"`
	Sampling           string          `json:"sampling"`
	LockMinutes        int             `json:"lock_minutes"`
	ShowOthers         bool            `json:"show_others_annotations"`
	RetrainEvery       int             `json:"retrain_every"`
	GoldRate           float64         `json:"gold_rate"`
	AgreementThreshold float64         `json:"agreement_threshold"`
	MaxExtra           int             `json:"max_extra_annotators"`
	GoldPauseWindow    int             `json:"gold_pause_window"`
	GoldPauseThreshold float64         `json:"gold_pause_threshold"`
	CreatedBy          *userSimpleJSON `json:"created_by"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
	TaskNumber         int64           `json:"task_number"`
}

func toProjectJSON(p store.Project) projectJSON {
	return projectJSON{
		ID: p.ID, Title: p.Title, Description: p.Description, LabelConfig: p.LabelConfig,
		ParsedLabelConfig: parsedConfig(p.LabelConfig), ExpertInstruction: p.ExpertInstruction,
		MaximumAnnotations: p.MaximumAnnotations, Sampling: samplingLabel[p.Sampling],
		LockMinutes: p.LockMinutes, ShowOthers: p.ShowOthers, RetrainEvery: p.RetrainEvery,
		GoldRate: p.GoldRate, AgreementThreshold: p.AgreementThreshold, MaxExtra: p.MaxExtra,
		GoldPauseWindow: p.GoldPauseWindow, GoldPauseThreshold: p.GoldPauseThreshold,
		CreatedBy: userSimple(p.CreatedBy, p.CreatorEmail, p.CreatorName), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, TaskNumber: p.TaskCount,
	}
}

// parsedConfig is Label Studio's parsed_label_config: per control, its tag,
// the objects it labels with their data keys, and its labels.
func parsedConfig(src string) map[string]any {
	out := map[string]any{}
	cfg, err := labeling.ParseConfig(src)
	if err != nil {
		return out
	}
	for _, c := range cfg.Controls {
		var inputs []map[string]string
		if o, ok := cfg.Object(c.ToName); ok {
			inputs = append(inputs, map[string]string{"type": o.Tag(), "value": o.Value})
		}
		labels := make([]string, len(c.Labels))
		for i, l := range c.Labels {
			labels[i] = l.Value
		}
		out[c.Name] = map[string]any{"type": c.Tag(), "to_name": []string{c.ToName}, "inputs": inputs, "labels": labels}
	}
	return out
}

// projectInput is the body of a project create or update; absent fields are nil.
type projectInput struct {
	Title              *string  `json:"title"`
	Description        *string  `json:"description"`
	LabelConfig        *string  `json:"label_config"`
	ExpertInstruction  *string  `json:"expert_instruction"`
	MaximumAnnotations *int     `json:"maximum_annotations"`
	Sampling           *string  `json:"sampling"`
	LockMinutes        *int     `json:"lock_minutes"`
	ShowOthers         *bool    `json:"show_others_annotations"`
	RetrainEvery       *int     `json:"retrain_every"`
	GoldRate           *float64 `json:"gold_rate"`
	AgreementThreshold *float64 `json:"agreement_threshold"`
	MaxExtra           *int     `json:"max_extra_annotators"`
	GoldPauseWindow    *int     `json:"gold_pause_window"`
	GoldPauseThreshold *float64 `json:"gold_pause_threshold"`
}

// apply writes the fields present in in over f.
func (in projectInput) apply(f *store.ProjectFields) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&f.Title, in.Title)
	set(&f.Description, in.Description)
	set(&f.LabelConfig, in.LabelConfig)
	set(&f.ExpertInstruction, in.ExpertInstruction)
	set(&f.Sampling, in.Sampling)
	if in.MaximumAnnotations != nil {
		f.MaximumAnnotations = *in.MaximumAnnotations
	}
	if in.LockMinutes != nil {
		f.LockMinutes = *in.LockMinutes
	}
	if in.ShowOthers != nil {
		f.ShowOthers = *in.ShowOthers
	}
	if in.RetrainEvery != nil {
		f.RetrainEvery = *in.RetrainEvery
	}
	if in.GoldRate != nil {
		f.GoldRate = *in.GoldRate
	}
	if in.AgreementThreshold != nil {
		f.AgreementThreshold = *in.AgreementThreshold
	}
	if in.MaxExtra != nil {
		f.MaxExtra = *in.MaxExtra
	}
	if in.GoldPauseWindow != nil {
		f.GoldPauseWindow = *in.GoldPauseWindow
	}
	if in.GoldPauseThreshold != nil {
		f.GoldPauseThreshold = *in.GoldPauseThreshold
	}
}

// checked validates f, answering 422 with the field errors.
func checked(f *store.ProjectFields) error {
	if errs := CheckProject(f); len(errs) > 0 {
		details := map[string][]string{}
		msg := "invalid project"
		for k, v := range errs {
			details[k] = []string{v}
			msg += "; " + k + ": " + v
		}
		return problem.Invalid(msg, map[string]any{"validation_errors": details})
	}
	return nil
}

func (a *API) listProjects(w http.ResponseWriter, r *http.Request) error {
	u := caller(r)
	var ps []store.Project
	var err error
	if auth.CanSeeAllProjects(u) {
		ps, err = a.store.Projects(r.Context())
	} else {
		ps, err = a.store.ProjectsOf(r.Context(), u.ID)
	}
	if err != nil {
		return err
	}
	// Label Studio pages projects with page and page_size and answers 404
	// past the last page, where its clients stop; without page_size, all.
	q := r.URL.Query()
	size, err := intParam(q.Get("page_size"), max(len(ps), 1), 1, 1<<30, "page_size")
	if err != nil {
		return err
	}
	page, err := intParam(q.Get("page"), 1, 1, 1<<30, "page")
	if err != nil {
		return err
	}
	count := len(ps)
	if from := (page - 1) * size; from < len(ps) {
		ps = ps[from:min(from+size, len(ps))]
	} else if page > 1 {
		return problem.NotFound("page")
	} else {
		ps = nil
	}
	out := make([]projectJSON, len(ps))
	for i, p := range ps {
		out[i] = toProjectJSON(p)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"count": count, "results": out})
}

func (a *API) createProject(w http.ResponseWriter, r *http.Request) error {
	u := caller(r)
	if !auth.CanCreateProject(u) {
		return problem.Forbidden()
	}
	var in projectInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	f := store.ProjectFields{Title: "New Project", MaximumAnnotations: 1, Sampling: "sequential", LockMinutes: store.DefaultLockMinutes, RetrainEvery: store.DefaultRetrainEvery}
	in.apply(&f)
	if err := checked(&f); err != nil {
		return err
	}
	p, err := a.store.CreateProject(r.Context(), f, u.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toProjectJSON(p))
}

func (a *API) getProject(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ViewProject)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toProjectJSON(p))
}

func (a *API) updateProject(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in projectInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	f := FieldsOf(p)
	in.apply(&f)
	if err := checked(&f); err != nil {
		return err
	}
	if p, err = a.store.UpdateProject(r.Context(), p.ID, f); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toProjectJSON(p))
}

func (a *API) deleteProject(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := a.store.DeleteProject(r.Context(), p.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// FieldsOf returns a project's editable settings.
func FieldsOf(p store.Project) store.ProjectFields {
	return store.ProjectFields{
		Title: p.Title, Description: p.Description, LabelConfig: p.LabelConfig,
		ExpertInstruction: p.ExpertInstruction, MaximumAnnotations: p.MaximumAnnotations, Sampling: p.Sampling,
		LockMinutes: p.LockMinutes, ShowOthers: p.ShowOthers, RetrainEvery: p.RetrainEvery,
		GoldRate: p.GoldRate, AgreementThreshold: p.AgreementThreshold, MaxExtra: p.MaxExtra,
		GoldPauseWindow: p.GoldPauseWindow, GoldPauseThreshold: p.GoldPauseThreshold,
	}
}

// stats answers GET /api/projects/{id}/stats: the project's progress, for its live page.
func (a *API) stats(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	st, err := a.store.StatsOf(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// validateConfig answers POST /api/projects/{id}/validate {"label_config"}:
// 200 with the config when it parses, else 400 naming the tag and line.
func (a *API) validateConfig(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.projectOf(r, auth.ManageProject); err != nil {
		return err
	}
	var in struct {
		LabelConfig string `json:"label_config"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := labeling.ParseConfig(in.LabelConfig); err != nil {
		return problem.BadRequest("label_config: %v", err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"label_config": in.LabelConfig})
}
