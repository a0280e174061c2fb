package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestLabelSpanModesAndUndo: select-then-label and label-then-select both
// work and show which is on; a label key right after labeling a selection
// relabels that span (it used to change the picked label instead); and every
// edit can be undone and redone with Ctrl+Z / Ctrl+Shift+Z.
func TestLabelSpanModesAndUndo(t *testing.T) {
	t.Parallel()
	text := "Paris is nice, said Anna in Berlin."
	w := newWorkspace(t, preset(t, "ner"), textTasks(text))
	w.waitShown(w.tasks[0])
	spans := func() string {
		return eval[string](w, `Array.from(document.querySelectorAll('#task-root .regions li b')).map((b) => b.textContent).join(",")`)
	}
	mode := func() string {
		return eval[string](w, `document.querySelector('#task-root .labelbar .mode').textContent`)
	}
	if m := mode(); !strings.Contains(m, "Select, then press a label") {
		t.Errorf("the mode shown at first: %q", m)
	}
	paris := w.word("Paris")
	w.do("select Paris, press PER, then LOC", 10*time.Second,
		chromedp.DragAndDropXY(paris.X+1, paris.Y+paris.H/2, paris.X+paris.W-1, paris.Y+paris.H/2, 5),
		chromedp.KeyEvent("1"),
		chromedp.WaitVisible(`#task-root mark.sp`),
		chromedp.KeyEvent("3"),
		chromedp.Poll[chromedp.Void](`document.querySelector('#task-root .regions li b').textContent === 'LOC'`))
	if got := spans(); got != "LOC" {
		t.Fatalf("after PER then LOC on Paris the spans are %q, want one LOC", got)
	}
	w.do("deselect, pick ORG with nothing selected", 10*time.Second,
		chromedp.KeyEvent(kb.Escape),
		chromedp.Click(`//div[contains(@class,"labelbar")]//button[contains(., "ORG")]`),
		chromedp.Poll[chromedp.Void](`document.querySelector('#task-root .labelbar .mode.on') !== null`))
	if m := mode(); !strings.Contains(m, "“ORG”") {
		t.Errorf("the mode shown with ORG picked: %q", m)
	}
	anna := w.word("Anna")
	w.do("select Anna: it gets ORG", 10*time.Second,
		chromedp.DragAndDropXY(anna.X+1, anna.Y+anna.H/2, anna.X+anna.W-1, anna.Y+anna.H/2, 5),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#task-root .regions li').length === 2`))
	if got := spans(); got != "LOC,ORG" {
		t.Fatalf("spans %q, want LOC,ORG", got)
	}
	for _, step := range []struct {
		what, key string
		shift     bool
		want      string
	}{
		{"undo Anna", "z", false, "LOC"},
		{"redo Anna", "z", true, "LOC,ORG"},
		{"undo Anna again", "z", false, "LOC"},
		{"undo the relabel", "z", false, "PER"},
		{"undo Paris", "z", false, ""},
		{"redo Paris", "y", false, "PER"},
	} {
		mods := chromedp.KeyModifiers(chromedp.ModifierCtrl)
		if step.shift {
			mods = chromedp.KeyModifiers(chromedp.ModifierCtrl, chromedp.ModifierShift)
		}
		w.do(step.what, 5*time.Second, chromedp.KeyEvent(step.key, mods),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`Array.from(document.querySelectorAll('#task-root .regions li b')).map((b) => b.textContent).join(",") === %q`, step.want)))
	}
	w.do("submit", 5*time.Second, ctrlEnter())
	a := w.waitAnnotations(1)[0]
	if len(a.Result) != 1 || strings.Join(a.Result[0].Value.Labels, ",") != "PER" || a.Result[0].Value.Text != "Paris" {
		t.Fatalf("stored %+v, want Paris as PER", a.Result)
	}
}

// TestLabelColoursAndImageKeys: ten labels get ten different colours (labels 0
// and 9 shared red), and a label with hotkey 0 takes the key from the image's
// zoom-to-fit, which then answers to f, as the shortcut list says.
func TestLabelColoursAndImageKeys(t *testing.T) {
	t.Parallel()
	var labels strings.Builder
	for d := range 10 {
		fmt.Fprintf(&labels, `<Label value="digit %d" hotkey="%d"/>`, d, d)
	}
	config := `<View><Image name="img" value="$image"/><RectangleLabels name="digit" toName="img">` + labels.String() + `</RectangleLabels></View>`
	w := newWorkspace(t, config, importFiles(t, mnist+"7_0000.png"))
	w.waitShown(w.tasks[0])
	colours := eval[[]string](w, `Array.from(document.querySelectorAll('#task-root .labelbar .lab .sw')).map((s) => getComputedStyle(s).backgroundColor)`)
	seen := map[string]bool{}
	for _, c := range colours {
		seen[c] = true
	}
	if len(colours) != 10 || len(seen) != 10 {
		t.Errorf("the ten labels' colours: %v", colours)
	}
	w.do("press 0: it picks digit 0", 5*time.Second, chromedp.KeyEvent("0"),
		chromedp.WaitVisible(`//button[@aria-pressed="true"][contains(., "digit 0")]`))
	help := eval[string](w, `document.querySelector('dialog.dlg-help').textContent`)
	if !strings.Contains(help, "fZoom the image to fit") || strings.Contains(help, "0 or f") {
		t.Errorf("the shortcut list does not give f for zoom to fit: %q", help)
	}
}

// TestLabelSubmitFeedbackAndNewWork: a double Ctrl+Enter says why the second
// press did nothing; a Ctrl+Enter on a task just shown but already labeled is
// never dropped; and the "No more tasks" screen brings the queue back when a
// manager imports new tasks, without a reload.
func TestLabelSubmitFeedbackAndNewWork(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, preset(t, "sentiment"), textTasks("one", "two", "three"))
	w.waitShown(w.tasks[0])
	// The second press comes as the next task appears (pressed from the page's
	// script, so that it is not later than a double press on a slow machine).
	w.do("label, Ctrl+Enter, and again as the next task appears", 10*time.Second, chromedp.KeyEvent("1"), ctrlEnter(),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { if ((document.querySelector('.task-id') || {}).textContent !== 'Task #%d') return false;
			document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true })); return true; })()`, w.tasks[1]),
			chromedp.WithPollingInterval(10*time.Millisecond)))
	w.do("the second press is explained", 5*time.Second,
		chromedp.Poll[chromedp.Void](`document.querySelector('.label-bar .status').textContent.includes('press it again')`))
	if n := len(w.waitAnnotations(1)); n != 1 {
		t.Fatalf("%d annotations after a double press, want 1", n)
	}
	w.do("label the new task at once and submit", 10*time.Second, chromedp.KeyEvent("2"), ctrlEnter())
	w.waitShown(w.tasks[2])
	w.do("label the last task", 10*time.Second, chromedp.KeyEvent("3"), ctrlEnter(),
		chromedp.WaitVisible(`//h2[text()="No more tasks"]`))
	if n := len(w.waitAnnotations(3)); n != 3 {
		t.Fatalf("%d annotations, want 3", n)
	}
	mgr, err := w.e.store.UserByEmail(context.Background(), "manager@x.org")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		TaskIDs []int64 `json:"task_ids"`
	}
	if code := w.e.call(w.e.token(mgr), "POST", fmt.Sprintf("/api/projects/%d/import?return_task_ids=true", w.p.ID), []map[string]any{{"text": "four"}}, &res); code != 201 || len(res.TaskIDs) != 1 {
		t.Fatalf("import: %d %+v", code, res)
	}
	w.waitShown(res.TaskIDs[0])
}
