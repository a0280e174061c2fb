package web

import (
	"net/http"

	"concord/internal/auth"
	"concord/internal/labeling"
	"concord/web/problem"
	"concord/web/view"
)

// labelPage is the annotator's workspace: the page carries the project's
// parsed config; the script fetches tasks from the API (doc/labeling.md).
func (s *Server) labelPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ViewProject)
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return problem.New(http.StatusConflict, "this project's label config is not set up yet: a manager must set it before labeling")
	}
	u, _ := auth.UserFrom(r.Context())
	setup := view.LabelSetup{
		Project: view.LabelProject{ID: p.ID, Title: p.Title, Instructions: p.ExpertInstruction, MaximumAnnotations: p.MaximumAnnotations, ShowPredictions: true},
		User:    view.LabelUser{ID: u.ID, Email: u.Email},
	}
	audio := false
	for _, o := range cfg.Objects {
		setup.Config.Objects = append(setup.Config.Objects, view.LabelObject{Name: o.Name, Type: string(o.Type), Value: o.Value})
		audio = audio || o.Type == labeling.ObjectAudio
	}
	for _, c := range cfg.Controls {
		lc := view.LabelControl{Name: c.Name, Type: c.Type, ToName: c.ToName, Choice: c.Choice, Required: c.Required,
			PerRegion: c.PerRegion, MaxRating: c.MaxRating, Placeholder: c.Placeholder, Header: c.Header, Labels: []view.LabelLabel{}}
		for _, l := range c.Labels {
			lc.Labels = append(lc.Labels, view.LabelLabel{Value: l.Value, Hotkey: l.Hotkey, Background: l.Background})
		}
		setup.Config.Controls = append(setup.Config.Controls, lc)
	}
	return render(w, r, http.StatusOK, view.Label(s.page(r, "Label "+p.Title), setup, audio))
}
