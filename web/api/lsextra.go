package api

import (
	"net/http"
	"runtime/debug"

	"concord/internal/auth"
	"concord/internal/labeling"
	"concord/web/problem"
)

// version answers GET /api/version, which Label Studio's clients ask first:
// the components and their versions.
func (a *API) version(w http.ResponseWriter, r *http.Request) error {
	release, commit := "devel", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			release = v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"release": release,
		"concord": map[string]string{"version": release, "commit": commit},
	})
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

// listViews answers GET /api/dm/views?project={id}: the project's saved Data
// Manager views. Concord has no saved views yet, so the list is empty.
func (a *API) listViews(w http.ResponseWriter, r *http.Request) error {
	pid, err := parseID(r.URL.Query().Get("project"), "project")
	if err != nil {
		return err
	}
	if _, err := a.project(r, pid, auth.ViewProject); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, []any{})
}
