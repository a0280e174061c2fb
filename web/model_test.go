package web_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"concord/internal/fixture"
	"concord/internal/labeling"
	"concord/internal/store"
)

// TestRetrainAfterLabels labels SMS texts through the API: the 50th label
// enqueues a training, the new version is stored with its metrics, and its
// predictions come with the next tasks served.
func TestRetrainAfterLabels(t *testing.T) {
	t.Parallel()
	f, err := os.Open(fixture.Path(t, "text/sms_spam.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	ann := e.user("ann@x.org", store.RoleAnnotator)
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "sms", MaximumAnnotations: 1, Sampling: "sequential", RetrainEvery: 50,
		LabelConfig: `<View><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="ham"/><Choice value="spam"/></Choices></View>`}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetMember(ctx, p.ID, ann.ID, store.RoleAnnotator)
	truth := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(truth) < 200 {
		label, text, _ := strings.Cut(sc.Text(), "\t")
		if _, dup := truth[text]; dup {
			continue
		}
		truth[text] = label
		if _, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": text}); err != nil {
			t.Fatal(err)
		}
	}
	tok := e.token(ann)
	label := func(i int) {
		var lt labelingTask
		if code := e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt); code != 200 {
			t.Fatalf("next: %d", code)
		}
		result := []map[string]any{{"from_name": "label", "to_name": "text", "type": "choices", "value": map[string]any{"choices": []string{truth[lt.Task.Data["text"].(string)]}}}}
		if code, _ := e.submit(tok, lt.Task.ID, fmt.Sprint("k", i), map[string]any{"result": result}); code != 201 {
			t.Fatalf("submit %d: %d", i, code)
		}
	}
	for i := 0; i < 49; i++ {
		label(i)
	}
	mtok := e.token(mgr)
	var models []map[string]any
	time.Sleep(300 * time.Millisecond)
	if e.call(mtok, "GET", fmt.Sprintf("/api/projects/%d/models", p.ID), nil, &models); len(models) != 0 {
		t.Fatalf("a model before the 50th label: %v", models)
	}
	label(49)
	deadline := time.Now().Add(60 * time.Second)
	for len(models) == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		e.call(mtok, "GET", fmt.Sprintf("/api/projects/%d/models", p.ID), nil, &models)
	}
	if len(models) != 1 || models[0]["active"] != true || models[0]["trained_on"].(float64) < 30 || models[0]["model_version"] != "concord-v1" {
		t.Fatalf("after the 50th label: %v", models)
	}
	if !strings.Contains(fmt.Sprint(models[0]["metrics"]), "macro_f1") {
		t.Fatalf("no metrics: %v", models[0])
	}
	// The pre-labels reach the queue: the next task comes with v1's prediction.
	var lt struct {
		labelingTask
		Predictions []struct {
			ModelVersion string  `json:"model_version"`
			Score        float64 `json:"score"`
		} `json:"predictions"`
	}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
		if len(lt.Predictions) > 0 {
			break
		}
	}
	if len(lt.Predictions) != 1 || lt.Predictions[0].ModelVersion != "concord-v1" || lt.Predictions[0].Score < 0.5 {
		t.Fatalf("the next task's predictions: %+v", lt.Predictions)
	}
	var n int
	e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM predictions WHERE project_id = $1 AND model_version = 'concord-v1'`, p.ID).Scan(&n)
	if n != 150 {
		t.Fatalf("%d tasks pre-labeled, want the 150 unlabeled ones", n)
	}

	// In the annotator's page the prediction is pre-filled; Ctrl+Enter accepts it.
	bctx := chrome(t)
	step := within(bctx, time.Minute)
	err = chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, ann.Email),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/label", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`.note.pred`),
	)
	if err != nil {
		t.Fatalf("labeling page: %v", err)
	}
	note, _ := chromedp.Run(step, chromedp.Text(`.note.pred`))
	if !strings.Contains(note, "concord-v1") {
		t.Fatalf("the pre-fill note says %q", note)
	}
	if err := chromedp.Do(step, chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	var kept bool
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !kept; time.Sleep(100 * time.Millisecond) {
		e.store.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM annotations a JOIN predictions pr ON pr.task_id = a.task_id
			WHERE a.task_id = $1 AND a.completed_by = $2
			  AND a.result->0->'value'->'choices' = pr.result->0->'value'->'choices')`, lt.Task.ID, ann.ID).Scan(&kept)
	}
	if !kept {
		t.Fatalf("Ctrl+Enter on task %d did not store the pre-filled prediction as the annotation", lt.Task.ID)
	}

	// Fifty labels more make a second version, which becomes the active one.
	for i := 100; i < 149; i++ {
		label(i)
	}
	for deadline := time.Now().Add(60 * time.Second); len(models) < 2 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		e.call(mtok, "GET", fmt.Sprintf("/api/projects/%d/models", p.ID), nil, &models)
	}
	if len(models) != 2 || models[0]["model_version"] != "concord-v2" || models[0]["active"] != true || models[1]["active"] != false {
		t.Fatalf("after 100 labels: %v", models)
	}
}

// TestRegionModel trains the speech-region model of an audio Labels project on
// annotated regions of FSDD recordings; its pre-labels are regions with labels.
func TestRegionModel(t *testing.T) {
	t.Parallel()
	wavs := fixture.Glob(t, "audio/fsdd/*_george_*.wav")
	if len(wavs) < 20 {
		t.Fatalf("%d of George's FSDD recordings in testdata, want 20", len(wavs))
	}
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	preset, _ := labeling.PresetByName("speech-segments")
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "speech", LabelConfig: preset.Config, MaximumAnnotations: 1, Sampling: "sequential", RetrainEvery: 12}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.token(mgr)
	files := map[string][]byte{}
	for _, w := range wavs[:20] {
		files[filepath.Base(w)], _ = os.ReadFile(w)
	}
	mb, ct := multipartBody(t, files, nil)
	if code, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct); code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	// Label 12 recordings: the spoken part as Speech, the rest as Noise.
	for i := 0; i < 12; i++ {
		var lt struct {
			labelingTask
			Media map[string]struct {
				Duration float64 `json:"duration"`
			} `json:"media"`
		}
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
		d := lt.Media["audio"].Duration
		result := []map[string]any{
			{"id": "a", "from_name": "label", "to_name": "audio", "type": "labels", "value": map[string]any{"start": 0, "end": d * 0.15, "labels": []string{"Noise"}}},
			{"id": "b", "from_name": "label", "to_name": "audio", "type": "labels", "value": map[string]any{"start": d * 0.2, "end": d * 0.8, "labels": []string{"Speech"}}},
		}
		if code, _ := e.submit(tok, lt.Task.ID, fmt.Sprint("r", i), map[string]any{"result": result}); code != 201 {
			t.Fatalf("submit %d: %d", i, code)
		}
	}
	var regions int
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && regions == 0; time.Sleep(200 * time.Millisecond) {
		e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM predictions p, jsonb_array_elements(p.result) r
			WHERE p.project_id = $1 AND r->>'type' = 'labels' AND (r->'value'->>'end')::float > (r->'value'->>'start')::float
			  AND r->'value'->'labels' ?| array['Speech', 'Noise']`, p.ID).Scan(&regions)
	}
	if regions == 0 {
		var models []map[string]any
		e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/models", p.ID), nil, &models)
		t.Fatalf("no region predictions; models: %v", models)
	}
}
