package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"concord/internal/fixture"
	"concord/internal/labeling"
	"concord/internal/store"
)

// The annotator's workspace end to end: a real browser presses keys, clicks
// and drags on the labeling page, and the annotation stored in the database is
// checked. Selectors always carry CSS punctuation (a bare tag name is XPath).

// storedResult is one result item as the annotations table holds it.
type storedResult struct {
	ID             string `json:"id"`
	FromName       string `json:"from_name"`
	ToName         string `json:"to_name"`
	Type           string `json:"type"`
	OriginalWidth  int    `json:"original_width"`
	OriginalHeight int    `json:"original_height"`
	Value          struct {
		Choices         []string `json:"choices"`
		Labels          []string `json:"labels"`
		RectangleLabels []string `json:"rectanglelabels"`
		Start           float64  `json:"start"`
		End             float64  `json:"end"`
		Text            any      `json:"text"` // a span's text, or a text area's list of texts
		X               float64  `json:"x"`
		Y               float64  `json:"y"`
		Width           float64  `json:"width"`
		Height          float64  `json:"height"`
	} `json:"value"`
}

// storedAnnotation is a row of the annotations table.
type storedAnnotation struct {
	TaskID    int64
	Result    []storedResult
	Cancelled bool
	LeadTime  float64
}

// workspace is a project with an annotator signed in on its labeling page.
type workspace struct {
	t     *testing.T
	e     *env
	p     store.Project
	ann   store.User
	ctx   context.Context // the browser tab
	tasks []int64         // the project's task ids, in order
}

// newWorkspace makes a project from config, fills it with fill (given a
// manager's token), adds an annotator and opens the labeling page as them.
func newWorkspace(t *testing.T, config string, fill func(e *env, token string, p store.Project)) *workspace {
	t.Helper()
	e := newEnv(t)
	bg := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	ann := e.user("annotator@x.org", store.RoleAnnotator)
	p, err := e.store.CreateProject(bg, store.ProjectFields{Title: "Labeling", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential"}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetMember(bg, p.ID, ann.ID, store.RoleAnnotator); err != nil {
		t.Fatal(err)
	}
	fill(e, e.token(mgr), p)
	rows, err := e.store.Pool.Query(bg, `SELECT id FROM tasks WHERE project_id = $1 ORDER BY id`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{t: t, e: e, p: p, ann: ann}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		w.tasks = append(w.tasks, id)
	}
	if rows.Err() != nil || len(w.tasks) == 0 {
		t.Fatalf("tasks of the project: %v %v", w.tasks, rows.Err())
	}
	w.ctx = chrome(t)
	w.do("open the labeling page", 20*time.Second,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, ann.Email),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/label", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`#task-root .obj`),
	)
	return w
}

// do runs browser steps with a deadline, failing the test with a screenshot's worth of context.
func (w *workspace) do(what string, d time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(within(w.ctx, d), steps...); err != nil {
		status, _ := chromedp.Run(within(w.ctx, 2*time.Second), chromedp.Evaluate[string](`(document.querySelector('.label-bar .status') || {}).textContent + ' / ' + document.querySelector('#task-root').innerText.slice(0, 80) + ' / ' + document.querySelector('dialog[open]')`))
		w.t.Fatalf("%s: %v (page status %q)", what, err, status)
	}
}

// eval evaluates a script on the page.
func eval[T any](w *workspace, script string) T {
	w.t.Helper()
	v, err := chromedp.Run(within(w.ctx, 10*time.Second), chromedp.Evaluate[T](script))
	if err != nil {
		w.t.Fatalf("%s: %v", script, err)
	}
	return v
}

// waitShown waits until the page shows the task with the given id.
func (w *workspace) waitShown(id int64) {
	w.t.Helper()
	w.do(fmt.Sprintf("show task %d", id), 15*time.Second,
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`(document.querySelector('.task-id') || {}).textContent === 'Task #%d'`, id), chromedp.WithPollingInterval(50*time.Millisecond)))
}

// annotations reads the project's stored annotations, oldest first.
func (w *workspace) annotations() []storedAnnotation {
	w.t.Helper()
	rows, err := w.e.store.Pool.Query(context.Background(),
		`SELECT task_id, result, was_cancelled, lead_time FROM annotations WHERE project_id = $1 AND completed_by = $2 ORDER BY id`, w.p.ID, w.ann.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []storedAnnotation
	for rows.Next() {
		var a storedAnnotation
		var raw []byte
		if err := rows.Scan(&a.TaskID, &raw, &a.Cancelled, &a.LeadTime); err != nil {
			w.t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &a.Result); err != nil {
			w.t.Fatalf("stored result %s: %v", raw, err)
		}
		out = append(out, a)
	}
	return out
}

// waitAnnotations waits until n annotations are stored and returns them.
func (w *workspace) waitAnnotations(n int) []storedAnnotation {
	w.t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		as := w.annotations()
		if len(as) >= n || time.Now().After(end) {
			if len(as) != n {
				w.t.Fatalf("%d annotations stored, want %d: %+v", len(as), n, as)
			}
			return as
		}
	}
}

// shot saves a screenshot to $CONCORD_SCREENSHOTS/name.png when that is set.
func (w *workspace) shot(name string) {
	dir := os.Getenv("CONCORD_SCREENSHOTS")
	if dir == "" {
		return
	}
	if b, err := chromedp.Run(within(w.ctx, 10*time.Second), chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
}

// rect is a box on the page, in CSS pixels of the viewport.
type rect struct{ X, Y, W, H float64 }

func (w *workspace) rect(script string) rect {
	w.t.Helper()
	r := eval[[]float64](w, `(() => { const b = `+script+`.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })()`)
	return rect{r[0], r[1], r[2], r[3]}
}

// word is the on-screen box of the first occurrence of s in the task's text,
// found in the page's text nodes.
func (w *workspace) word(s string) rect {
	w.t.Helper()
	return w.rect(fmt.Sprintf(`(() => { const t = document.querySelector('#task-root .text'), w = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode()); ) { const i = n.data.indexOf(%q); if (i >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + %d); return r; } } })()`, s, utf16Len(s)))
}

func ctrlEnter() chromedp.Action[chromedp.Void] {
	return chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// importFiles uploads files from the repository's testdata folder through the import API.
func importFiles(t *testing.T, paths ...string) func(e *env, token string, p store.Project) {
	return func(e *env, token string, p store.Project) {
		files := map[string][]byte{}
		for _, path := range paths {
			b, err := os.ReadFile(fixture.Path(t, path))
			if err != nil {
				t.Fatal(err)
			}
			files[filepath.Base(path)] = b
		}
		mb, ct := multipartBody(t, files, nil)
		if code, body := e.upload(token, fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct); code != 201 {
			t.Fatalf("import: %d %s", code, body)
		}
	}
}

func textTasks(texts ...string) func(e *env, token string, p store.Project) {
	return func(e *env, token string, p store.Project) {
		for _, s := range texts {
			if _, err := e.store.CreateTask(context.Background(), p.ID, map[string]any{"text": s}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
}

func preset(t *testing.T, name string) string {
	p, ok := labeling.PresetByName(name)
	if !ok {
		t.Fatalf("no preset %q", name)
	}
	return p.Config
}

// The folders of testdata the workspace tests import from.
const (
	mnist = "image/mnist_png/"
	fsdd  = "audio/fsdd/"
)

// TestLabelTextClassification presses a choice's hotkey and Ctrl+Enter twice
// quickly: one annotation is stored, and the next task appears without a page load.
func TestLabelTextClassification(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "sentiment"), textTasks("I love it", "I hate it", "It is a phone"))
	w.waitShown(w.tasks[0])
	eval[bool](w, `window.samePage = true`)
	w.do("label and submit twice", 10*time.Second,
		chromedp.KeyEvent("2"),
		chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "Negative")]`))
	w.shot("label-text")
	w.do("submit twice", 5*time.Second, ctrlEnter(), ctrlEnter())
	w.waitShown(w.tasks[1])
	time.Sleep(500 * time.Millisecond) // room for a second submission, if the page made one
	as := w.waitAnnotations(1)
	a := as[0]
	if a.TaskID != w.tasks[0] || a.Cancelled || len(a.Result) != 1 || a.Result[0].FromName != "sentiment" ||
		a.Result[0].Type != "choices" || strings.Join(a.Result[0].Value.Choices, ",") != "Negative" || a.LeadTime <= 0 {
		t.Fatalf("stored %+v", a)
	}
	if !eval[bool](w, `window.samePage === true`) {
		t.Fatal("the page was reloaded to show the next task")
	}
	pressed := eval[int](w, `document.querySelectorAll('#task-root [aria-pressed="true"]').length`)
	progress := eval[string](w, `document.querySelector('#progress').textContent`)
	if pressed != 0 || !strings.Contains(progress, "Done today: 1") {
		t.Fatalf("next task: %d choices pressed, progress %q", pressed, progress)
	}
}

// TestLabelTextSpans labels words after emoji, one selected with the mouse and
// one with Shift+arrows: the stored offsets are UTF-16 code units.
func TestLabelTextSpans(t *testing.T) {
	t.Parallel()
	text := "Hi 👋🏽 Paris is nice, said Anna 😀 in Berlin."
	w := newWorkspace(t, preset(t, "ner"), textTasks(text))
	w.waitShown(w.tasks[0])
	paris := w.word("Paris")
	w.do("select Paris with the mouse, label it LOC", 10*time.Second,
		chromedp.DragAndDropXY(paris.X+1, paris.Y+paris.H/2, paris.X+paris.W-1, paris.Y+paris.H/2, 5),
		chromedp.KeyEvent("3"),
		chromedp.WaitVisible(`#task-root mark.sp`))
	berlin := w.word("B")
	w.do("select Berlin with Shift+arrows, label it LOC", 10*time.Second,
		chromedp.MouseClickXY(berlin.X+0.5, berlin.Y+berlin.H/2),
		chromedp.KeyEvent(strings.Repeat(kb.ArrowRight, 6), chromedp.KeyModifiers(chromedp.ModifierShift)),
		chromedp.KeyEvent("3"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#task-root .regions li').length === 2`))
	w.shot("label-spans")
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	want := map[string][2]int{}
	for _, s := range []string{"Paris", "Berlin"} {
		i := strings.Index(text, s)
		want[s] = [2]int{utf16Len(text[:i]), utf16Len(text[:i]) + utf16Len(s)}
	}
	if want["Paris"] != [2]int{8, 13} {
		t.Fatalf("test text changed: Paris at %v", want["Paris"])
	}
	if len(a.Result) != 2 {
		t.Fatalf("stored %+v", a.Result)
	}
	for _, r := range a.Result {
		s, _ := r.Value.Text.(string)
		wa, ok := want[s]
		if !ok || r.Type != "labels" || r.FromName != "label" || strings.Join(r.Value.Labels, ",") != "LOC" ||
			r.Value.Start != float64(wa[0]) || r.Value.End != float64(wa[1]) || r.ID == "" {
			t.Errorf("stored span %+v, want %q at %v", r, s, wa)
		}
	}
}

// TestLabelImageClassification clicks a class of an imported MNIST image.
func TestLabelImageClassification(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "image-classes"), importFiles(t, mnist+"3_0000.png", mnist+"3_0001.png"))
	w.waitShown(w.tasks[0])
	w.do("click Dog, submit", 10*time.Second,
		chromedp.Poll[chromedp.Void](`document.querySelector('#task-root .layer img').naturalWidth === 28`),
		chromedp.Click(`//button[contains(@class, "choice")][contains(., "Dog")]`),
		chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "Dog")]`))
	w.shot("label-image")
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	if a.TaskID != w.tasks[0] || len(a.Result) != 1 || a.Result[0].ToName != "image" || strings.Join(a.Result[0].Value.Choices, ",") != "Dog" {
		t.Fatalf("stored %+v", a)
	}
	w.waitShown(w.tasks[1])
}

// TestLabelImageBox drags a box on an imported MNIST image: the stored box is
// the drag in percent of the image, with the image's size.
func TestLabelImageBox(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "object-boxes"), importFiles(t, mnist+"7_0000.png"))
	w.waitShown(w.tasks[0])
	w.do("the image is fitted", 10*time.Second, chromedp.Poll[chromedp.Void](`document.querySelector('#task-root .layer').style.width !== ''`))
	img := w.rect(`document.querySelector('#task-root .layer')`)
	x0, y0, x1, y1 := 0.25, 0.20, 0.75, 0.80
	w.do("pick Animal, drag a box, submit", 10*time.Second,
		chromedp.KeyEvent("3"),
		chromedp.DragAndDropXY(img.X+img.W*x0, img.Y+img.H*y0, img.X+img.W*x1, img.Y+img.H*y1, 8),
		chromedp.WaitVisible(`#task-root .box`))
	w.shot("label-box")
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	if len(a.Result) != 1 {
		t.Fatalf("stored %+v", a.Result)
	}
	r := a.Result[0]
	v := r.Value
	if r.Type != "rectanglelabels" || strings.Join(v.RectangleLabels, ",") != "Animal" || r.OriginalWidth != 28 || r.OriginalHeight != 28 ||
		!near(v.X, 100*x0, 1.5) || !near(v.Y, 100*y0, 1.5) || !near(v.Width, 100*(x1-x0), 1.5) || !near(v.Height, 100*(y1-y0), 1.5) {
		t.Fatalf("stored box %+v with original size %dx%d; dragged %.0f,%.0f to %.0f,%.0f %%", v, r.OriginalWidth, r.OriginalHeight, 100*x0, 100*y0, 100*x1, 100*y1)
	}
}

// waitWaveform waits until wavesurfer has drawn the stored peaks.
func (w *workspace) waitWaveform() {
	w.t.Helper()
	w.do("the waveform is drawn", 15*time.Second,
		chromedp.Poll[chromedp.Void](`!!document.querySelector('#task-root .time') && document.querySelector('#task-root .time').textContent.includes('/') ||
			!!document.querySelector('#task-root .audio .err')`))
	if msg := eval[string](w, `(document.querySelector('#task-root .audio .err') || {}).textContent || ''`); msg != "" {
		w.t.Fatalf("audio: %s (are /static/vendor/wavesurfer/*.js served? static/static.go must embed vendor)", msg)
	}
}

// TestLabelAudioClassification classifies an imported FSDD recording with a hotkey.
func TestLabelAudioClassification(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "audio-classes"), importFiles(t, fsdd+"0_george_5.wav"))
	w.waitShown(w.tasks[0])
	w.waitWaveform()
	w.do("press 1, submit", 10*time.Second,
		chromedp.KeyEvent("1"),
		chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "Speech")]`))
	w.shot("label-audio")
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	if len(a.Result) != 1 || a.Result[0].ToName != "audio" || strings.Join(a.Result[0].Value.Choices, ",") != "Speech" {
		t.Fatalf("stored %+v", a)
	}
}

// TestLabelAudioRegion drags a region on the waveform of an imported FSDD
// recording, labels it, and transcribes it in its per-region text box.
func TestLabelAudioRegion(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "speech-segments"), importFiles(t, fsdd+"3_theo_5.wav"))
	w.waitShown(w.tasks[0])
	w.waitWaveform()
	dur, err := chromedp.Run(within(w.ctx, 5*time.Second), chromedp.Evaluate[float64](
		fmt.Sprintf(`fetch('/api/tasks/%d/labeling').then(r => r.json()).then(lt => lt.media.audio.duration)`, w.tasks[0]), chromedp.EvalAwaitPromise))
	if err != nil || dur <= 0 {
		t.Fatalf("the task's audio duration: %v %v", dur, err)
	}
	x0, x1 := 0.2, 0.6
	w.transcribeRegion(x0, x1, "three")
	w.shot("label-audio-region")
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	var region, text *storedResult
	for i, r := range a.Result {
		switch r.Type {
		case "labels":
			region = &a.Result[i]
		case "textarea":
			text = &a.Result[i]
		}
	}
	if len(a.Result) != 2 || region == nil || text == nil {
		t.Fatalf("stored %+v", a.Result)
	}
	if strings.Join(region.Value.Labels, ",") != "Speech" || !near(region.Value.Start, x0*dur, 0.03*dur) || !near(region.Value.End, x1*dur, 0.03*dur) {
		t.Errorf("stored region %+v, dragged %.3f–%.3f s of %.3f s", region.Value, x0*dur, x1*dur, dur)
	}
	if texts, _ := text.Value.Text.([]any); text.ID != region.ID || text.FromName != "transcription" || len(texts) != 1 || texts[0] != "three" {
		t.Errorf("stored transcription %+v for region %q", *text, region.ID)
	}
}

// transcribeRegion drags a region over the fractions x0–x1 of the waveform,
// labels it with the first label (key 1) and types text in its per-region box.
func (w *workspace) transcribeRegion(x0, x1 float64, text string) {
	w.t.Helper()
	wave := w.rect(`document.querySelector('#task-root .wave')`)
	w.do("drag a region, label it, transcribe it", 10*time.Second,
		chromedp.DragAndDropXY(wave.X+wave.W*x0, wave.Y+wave.H/2, wave.X+wave.W*x1, wave.Y+wave.H/2, 8),
		chromedp.WaitVisible(`#task-root .regions li`),
		chromedp.KeyEvent("1"),
		chromedp.KeyEvent(kb.Enter), // to the region's text box
		chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.matches('.ctl-textarea textarea')`),
		chromedp.KeyEvent(text))
}

// TestLabelSkipBackAndEdit skips a task with a reason, goes back to it with
// Ctrl+Backspace and labels it: the stored annotation is updated, not doubled.
func TestLabelSkipBackAndEdit(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "sentiment"), textTasks("first", "second"))
	w.waitShown(w.tasks[0])
	w.do("skip with a reason", 10*time.Second,
		chromedp.KeyEvent(" ", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(`#skip-reason`),
		chromedp.SendKeys(`#skip-reason`, "not English\r"))
	w.waitShown(w.tasks[1])
	a := w.waitAnnotations(1)[0]
	if !a.Cancelled || len(a.Result) != 0 {
		t.Fatalf("skip stored %+v", a)
	}
	var reason string
	w.e.store.Pool.QueryRow(context.Background(), `SELECT skip_reason FROM annotations WHERE task_id = $1`, w.tasks[0]).Scan(&reason)
	if reason != "not English" {
		t.Errorf("skip reason %q", reason)
	}
	w.do("back, label, update", 10*time.Second,
		chromedp.KeyEvent(kb.Backspace, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('.task-id').textContent === 'Task #%d'`, w.tasks[0])),
		chromedp.WaitVisible(`//button[@id="btn-submit"][text()="Update"]`),
		chromedp.KeyEvent("1"),
		chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "Positive")]`),
		ctrlEnter())
	w.waitShown(w.tasks[1]) // forward again, to the task the queue holds for me
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if as := w.annotations(); len(as) == 1 && !as[0].Cancelled {
			break
		}
	}
	as := w.annotations()
	if len(as) != 1 || as[0].Cancelled || len(as[0].Result) != 1 || strings.Join(as[0].Result[0].Value.Choices, ",") != "Positive" {
		t.Fatalf("after the edit: %+v", as)
	}
}

// TestLabelDraftSurvivesReload labels without submitting, waits for the
// autosave, and reloads: the same task comes back with the draft filled in.
func TestLabelDraftSurvivesReload(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "sentiment"), textTasks("first", "second"))
	w.waitShown(w.tasks[0])
	w.do("label, wait for the draft, reload", 15*time.Second,
		chromedp.KeyEvent("3"),
		chromedp.Poll[chromedp.Void](`document.querySelector('.label-bar .status').textContent === 'Draft saved'`),
		chromedp.Reload(),
		chromedp.WaitVisible(`#task-root .obj`))
	w.waitShown(w.tasks[0])
	w.do("the draft is shown", 5*time.Second, chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "Neutral")]`))
	if as := w.annotations(); len(as) != 0 {
		t.Fatalf("a draft made annotations: %+v", as)
	}
}
