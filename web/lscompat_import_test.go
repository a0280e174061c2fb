package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"concord/internal/fixture"
	"concord/internal/store"
)

// TestLabelStudioExportImport imports real Label Studio exports
// (testdata/labelstudio) and checks each annotator stays a distinct person:
// integer completed_by ids and e-mails of non-members become external
// annotators of the project (no accounts, never an existing account), a
// member's e-mail credits that member; lead_time, ground_truth, was_cancelled
// and predictions are kept.
func TestLabelStudioExportImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	key := e.token(mgr)
	outsider := e.user("hakan@heartex.com", store.RoleAnnotator) // an account, but no member of the first project
	config := `<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image"><Label value="parasites"/><Label value="white"/><Label value="Car"/></RectangleLabels></View>`
	newProject := func(title string) int64 {
		var p struct {
			ID int64 `json:"id"`
		}
		if code := e.call(key, "POST", "/api/projects", map[string]any{"title": title, "label_config": config}, &p); code != 201 {
			t.Fatalf("create project: %d", code)
		}
		return p.ID
	}
	// The second task of email-annotator.json has a box that runs well past
	// the image's edge (y+height 101.57 %; its x+width 100.43 % alone would be
	// pulled onto the edge), which Concord refuses by name; the import skips
	// it with skip_invalid=true.
	importFile := func(pid int64, file string) {
		t.Helper()
		body, err := os.ReadFile(fixture.Path(t, "labelstudio/"+file))
		if err != nil {
			t.Fatal(err)
		}
		code, _, out := e.lsDo(key, "POST", fmt.Sprintf("/api/projects/%d/import", pid), "skip_invalid=true", string(body))
		want(t, "import "+file, code, out, 201)
		var rep struct {
			Skipped []struct {
				Error string `json:"error"`
			} `json:"skipped"`
		}
		decode(t, "import "+file, out, &rep)
		if skips := len(rep.Skipped); (file == "email-annotator.json") != (skips == 1) {
			t.Fatalf("import %s: %s", file, out)
		}
	}
	type row struct {
		Task        int64
		Kind, Name  string
		Account     bool
		LeadTime    float64
		GroundTruth bool
		Cancelled   bool
	}
	annotations := func(pid int64) []row {
		t.Helper()
		rows, err := e.store.Pool.Query(t.Context(), `
			SELECT a.task_id, u.kind, u.name, u.id = $2, a.lead_time, a.ground_truth, a.was_cancelled
			FROM annotations a JOIN users u ON u.id = a.completed_by WHERE a.project_id = $1 ORDER BY a.id`, pid, outsider.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []row
		for rows.Next() {
			var r row
			rows.Scan(&r.Task, &r.Kind, &r.Name, &r.Account, &r.LeadTime, &r.GroundTruth, &r.Cancelled)
			out = append(out, r)
		}
		return out
	}

	p := newProject("from Label Studio")
	importFile(p, "two-annotators.json")
	importFile(p, "email-annotator.json")
	got := annotations(p)
	if len(got) != 4 {
		t.Fatalf("%d annotations imported, want 4: %+v", len(got), got)
	}
	people := map[string]int{}
	for _, r := range got {
		if r.Kind != store.KindExternal || r.Account {
			t.Errorf("annotation by %q (%s) credited to an account; want an external annotator", r.Name, r.Kind)
		}
		people[r.Name]++
	}
	if len(people) != 3 || people["Imported annotator #1"] != 2 || people["Imported annotator #2"] != 1 || people["hakan@heartex.com"] != 1 {
		t.Errorf("annotators %v: want #1 twice, #2 once, hakan@heartex.com once, each distinct", people)
	}
	if got[0].LeadTime != 1235.418 || got[1].LeadTime != 85.444 {
		t.Errorf("lead times %v and %v, want the export's 1235.418 and 85.444", got[0].LeadTime, got[1].LeadTime)
	}
	var preds int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM predictions WHERE project_id = $1`, p).Scan(&preds)
	if preds != 1 {
		t.Errorf("%d predictions kept, want the imported task's 1", preds)
	}
	var users []struct {
		Email string `json:"email"`
	}
	e.call(e.token(e.user("admin@x.org", store.RoleAdmin)), "GET", "/api/users", nil, &users)
	for _, u := range users {
		if strings.HasSuffix(u.Email, "concord.invalid") {
			t.Errorf("the users list shows an external annotator: %v", u)
		}
	}

	// In a project where that e-mail is a member, the member is credited; the
	// same Label Studio id 1 in another project is another external annotator.
	q := newProject("with the member")
	if err := e.store.SetMember(t.Context(), q, outsider.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	importFile(q, "email-annotator.json")
	body := `[{"data": {"image": "/x.png"}, "annotations": [
		{"completed_by": 7, "ground_truth": true, "lead_time": 2.5, "result": [{"from_name": "label", "to_name": "image", "type": "rectanglelabels", "value": {"x": 1, "y": 1, "width": 5, "height": 5, "rectanglelabels": ["Car"]}}]},
		{"completed_by": 8, "was_cancelled": true, "result": []}]}]`
	code, _, out := e.lsDo(key, "POST", fmt.Sprintf("/api/projects/%d/import", q), "", body)
	want(t, "import ground truth and a skip", code, out, 201)
	got = annotations(q)
	if len(got) != 3 || !got[0].Account || got[0].Kind != store.KindAccount {
		t.Fatalf("the member's annotation: %+v, want it credited to the member's account", got)
	}
	if r := got[1]; r.Kind != store.KindExternal || !r.GroundTruth || r.LeadTime != 2.5 || r.Cancelled {
		t.Errorf("ground truth annotation: %+v", r)
	}
	if r := got[2]; r.Kind != store.KindExternal || !r.Cancelled || r.GroundTruth || r.Name == got[1].Name {
		t.Errorf("skipped annotation: %+v, want a skip by another external annotator", r)
	}
}
