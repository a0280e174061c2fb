package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserGoldPause: an annotator labeling in the browser is paused by
// low gold accuracy; their page says why instead of giving a task, at the
// next submission and on reload; the manager's open quality page shows the
// pause without a reload (live event), and the manager's Unpause gives the
// annotator tasks again.
func TestBrowserGoldPause(t *testing.T) {
	t.Parallel()
	e, pid, tok, tasks := goldPauseEnv(t, 6)
	mgr := chrome(t)
	step := within(mgr, 2*time.Minute)
	signIn := func(email string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(e.srv.URL + "/signin"),
			chromedp.SendKeys(`#email`, email),
			chromedp.SendKeys(`#password`, testPassword),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`//h1[text()="Projects"]`),
		}
	}
	quality := fmt.Sprintf("%s/projects/%d/quality", e.srv.URL, pid)
	if err := chromedp.Do(step, append(signIn("manager@x.org"),
		chromedp.Navigate(quality),
		chromedp.WaitVisible(`#quality-live`),
		chromedp.Sleep(500*time.Millisecond), // live.js subscribes
	)...); err != nil {
		t.Fatalf("manager opens the quality page: %v", err)
	}
	annCtx, cancel := chromedp.NewContext(mgr, chromedp.WithNewBrowserContext())
	defer cancel()
	ann := within(annCtx, 2*time.Minute)
	label := fmt.Sprintf("%s/projects/%d/label", e.srv.URL, pid)
	if err := chromedp.Do(ann, append(signIn("ann@x.org"),
		chromedp.Navigate(label),
		chromedp.WaitVisible(`#task-root .obj`),
	)...); err != nil {
		t.Fatalf("annotator opens the labeling page: %v", err)
	}

	// Meanwhile three gold answers, two wrong, arrive from another client of ann's: paused.
	for i, v := range []string{"Positive", "Negative", "Negative"} {
		if code, _ := e.submit(tok["ann"], tasks[3+i], fmt.Sprint("g", i), map[string]any{"result": choice(v)}); code != 201 {
			t.Fatalf("gold answer %d: %d", i, code)
		}
	}
	// The manager's page shows the pause by itself.
	if err := chromedp.Do(step, chromedp.WaitVisible(`#paused`)); err != nil {
		t.Fatalf("the quality page did not show the pause live: %v", err)
	}
	row, _ := chromedp.Run(step, chromedp.Text(`#paused tbody`))
	if !strings.Contains(row, "ann@x.org") || !strings.Contains(row, "0.333 (last 3 gold tasks)") || !strings.Contains(row, "0.600") {
		t.Fatalf("paused annotators: %q", row)
	}

	// The annotator submits the task on screen: refused, and told why instead of the next task.
	if err := chromedp.Do(ann,
		chromedp.Click(`//button[contains(., "Positive")]`),
		ctrlEnter(),
		chromedp.WaitVisible(`#paused`),
	); err != nil {
		t.Fatalf("the paused annotator's submission: %v", err)
	}
	msg, _ := chromedp.Run(ann, chromedp.Text(`#paused`))
	if !strings.Contains(msg, "You are paused on this project") || !strings.Contains(msg, "was 33 %") || !strings.Contains(msg, "threshold of 60 %") {
		t.Fatalf("the annotator's page says %q", msg)
	}
	var n int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM annotations a JOIN users u ON u.id = a.completed_by WHERE a.project_id = $1 AND u.email = 'ann@x.org'`, pid).Scan(&n)
	if n != 3 {
		t.Fatalf("ann has %d annotations, want the 3 gold answers only", n)
	}
	if err := chromedp.Do(ann, chromedp.Navigate(label), chromedp.WaitVisible(`#paused`)); err != nil {
		t.Fatalf("reload while paused: %v", err)
	}

	// The manager unpauses; the annotator gets a task again.
	if err := chromedp.Do(step,
		chromedp.Click(`#paused button[type="submit"]`),
		chromedp.WaitVisible(`//*[contains(@class, "flash")][contains(., "Unpaused")]`),
	); err != nil {
		t.Fatalf("unpause: %v", err)
	}
	if left, _ := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll("#paused").length`)); left != 0 {
		t.Fatalf("the quality page still lists a pause after unpausing")
	}
	if err := chromedp.Do(ann, chromedp.Navigate(label), chromedp.WaitVisible(`#task-root .obj`)); err != nil {
		t.Fatalf("the unpaused annotator gets no task: %v", err)
	}
}
