package api

import (
	"net/http"
	"runtime/debug"
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
