package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"concord/internal/fixture"
	"concord/internal/labeling"
	"concord/internal/store"
)

// boxReviewProject is an object-boxes project with two image tasks, a 28×28
// MNIST digit and a generated 4,000×3,000 image, each boxed by three
// annotators on nearly the same spot (so their labels would pile up), bob
// with another label. It returns the tasks in id order and each task's
// annotation ids by annotator.
func boxReviewProject(t *testing.T) (*env, store.Project, []int64, []map[string]int64) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	preset, _ := labeling.PresetByName("object-boxes")
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "Boxes", LabelConfig: preset.Config, MaximumAnnotations: 3, Sampling: "sequential", LockMinutes: 30}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	digit, err := os.ReadFile(fixture.Path(t, mnist+"7_0000.png"))
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewGray(image.Rect(0, 0, 4000, 3000))
	for y := range 3000 {
		for x := range 4000 {
			big.SetGray(x, y, color.Gray{Y: uint8(40 + (x/250+y/250)%2*60)})
		}
	}
	var large bytes.Buffer
	if err := png.Encode(&large, big); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"digit.png", digit}, {"large.png", large.Bytes()}} { // one at a time: the digit is the first task
		mb, ct := multipartBody(t, map[string][]byte{f.name: f.data}, nil)
		if code, body := e.upload(e.token(mgr), fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct); code != 201 {
			t.Fatalf("import %s: %d %s", f.name, code, body)
		}
	}
	tasks := e.taskIDs(p.ID)
	if len(tasks) != 2 {
		t.Fatalf("%d tasks imported, want 2", len(tasks))
	}
	sizes := [][2]int{{28, 28}, {4000, 3000}}
	box := func(dx float64, label string, size [2]int) []map[string]any {
		return []map[string]any{{"id": "b1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
			"original_width": size[0], "original_height": size[1],
			"value": map[string]any{"x": 20 + dx, "y": 25, "width": 55, "height": 60, "rotation": 0, "rectanglelabels": []string{label}}}}
	}
	ids := make([]map[string]int64, len(tasks))
	for i := range ids {
		ids[i] = map[string]int64{}
	}
	for k, who := range []string{"ann", "bob", "cy"} {
		u := e.user(who+"@x.org", store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		tok := e.token(u)
		label := "Animal"
		if who == "bob" {
			label = "Other"
		}
		for i, task := range tasks {
			code, id := e.submit(tok, task, fmt.Sprint(who, i), map[string]any{"result": box(float64(k)*0.5, label, sizes[i])})
			if code != 201 {
				t.Fatalf("%s boxes task %d: %d", who, task, code)
			}
			ids[i][who] = id
		}
	}
	return e, p, tasks, ids
}

// overlayGeometry measures the box review's drawing on screen: each label's
// and box's rectangle, the label's font size and the strokes in screen
// pixels, and the image's rectangle.
const overlayGeometry = `(() => {
	const svg = document.querySelector("svg.rv-image");
	svg.scrollIntoView({ block: "center" });
	const k = svg.getScreenCTM().a;
	const r = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
	return {
		scaled: svg.classList.contains("scaled"),
		image: r(svg.querySelector("image")),
		labels: [...svg.querySelectorAll(".bx:not(.lbl)")].map((g) => {
			const box = g.querySelector("rect"), lbl = g.nextLabel || g;
			const t = lbl.querySelector("text"), chip = lbl.querySelector("rect.chip");
			const b = t.getBoundingClientRect(), top = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
			return {
				text: t.textContent, rect: r(t), chip: chip ? r(chip) : [0, 0, 0, 0], onTop: !!top && lbl.contains(top), top: top ? top.tagName + "." + (top.getAttribute("class") || "") : "none",
				font: parseFloat(getComputedStyle(t).fontSize) * k,
				boxStroke: parseFloat(getComputedStyle(box).strokeWidth) * (getComputedStyle(box).vectorEffect === "non-scaling-stroke" ? 1 : k),
				textStroke: getComputedStyle(t).stroke === "none" ? 0 : parseFloat(getComputedStyle(t).strokeWidth) * k,
			};
		}),
	};
})()`

type overlay struct {
	Scaled bool       `json:"scaled"`
	Image  [4]float64 `json:"image"`
	Labels []struct {
		Text       string     `json:"text"`
		OnTop      bool       `json:"onTop"`
		Top        string     `json:"top"`
		Rect       [4]float64 `json:"rect"`
		Chip       [4]float64 `json:"chip"`
		Font       float64    `json:"font"`
		BoxStroke  float64    `json:"boxStroke"`
		TextStroke float64    `json:"textStroke"`
	} `json:"labels"`
}

// checkOverlay fails unless every annotator's label is drawn at a legible
// screen size (13 px), inside its chip and the image, apart from the others
// and on top of every box at its centre,
// with box strokes of a few screen pixels whatever the image's scale.
func checkOverlay(t *testing.T, what string, o overlay) {
	t.Helper()
	if !o.Scaled || len(o.Labels) != 3 {
		t.Fatalf("%s: scaled %v, %d labels drawn, want 3 (one per annotator)", what, o.Scaled, len(o.Labels))
	}
	in := func(a, b [4]float64) bool { // a inside b, half a pixel of slack
		return a[0] >= b[0]-0.5 && a[1] >= b[1]-0.5 && a[2] <= b[2]+0.5 && a[3] <= b[3]+0.5
	}
	seen := map[string]bool{}
	for i, l := range o.Labels {
		seen[strings.Fields(l.Text)[0]] = true
		if l.Font < 12.5 || l.Font > 13.5 {
			t.Errorf("%s: label %q is %.2f screen px, want 13", what, l.Text, l.Font)
		}
		if l.BoxStroke < 1 || l.BoxStroke > 4 || l.TextStroke > 1 {
			t.Errorf("%s: label %q: box stroke %.2f px, text stroke %.2f px on screen", what, l.Text, l.BoxStroke, l.TextStroke)
		}
		if !l.OnTop {
			t.Errorf("%s: label %q is covered at its centre by %s", what, l.Text, l.Top)
		}
		if !in(l.Rect, l.Chip) || !in(l.Chip, o.Image) || l.Rect[2]-l.Rect[0] < 20 {
			t.Errorf("%s: label %q at %v, its chip %v, the image %v", what, l.Text, l.Rect, l.Chip, o.Image)
		}
		for _, m := range o.Labels[:i] {
			a, b := l.Chip, m.Chip
			if a[0] < b[2]-0.5 && b[0] < a[2]-0.5 && a[1] < b[3]-0.5 && b[1] < a[3]-0.5 {
				t.Errorf("%s: label %q %v covers %q %v", what, l.Text, a, m.Text, b)
			}
		}
	}
	if !seen["A1"] || !seen["A2"] || !seen["A3"] {
		t.Errorf("%s: labels %+v, want A1, A2 and A3", what, o.Labels)
	}
}

// TestBrowserReviewBoxes reviews three annotators' boxes on a 28×28 MNIST
// digit and on a 4,000×3,000 image: on both, every label is 13 screen pixels
// on its own chip inside the image, none covering another, and the strokes
// a few pixels (geometry read from the page, no screenshots compared). Then
// the keyboard: Shift+A accepts the selected annotation and opens the next
// task; j, r and Ctrl+Enter reject another with a comment; and "fix and
// accept" unchanged keeps the right answer it started from accepted.
func TestBrowserReviewBoxes(t *testing.T) {
	t.Parallel()
	e, p, tasks, ids := boxReviewProject(t)
	ctx := chrome(t)
	step := within(ctx, 2*time.Minute)
	taskURL := func(task int64) string { return fmt.Sprintf("%s/projects/%d/review/%d", e.srv.URL, p.ID, task) }
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(taskURL(tasks[0])),
		chromedp.WaitVisible(`svg.rv-image.scaled`),
	)
	if err != nil {
		t.Fatalf("open the digit's review: %v", err)
	}
	o, err := chromedp.Run(step, chromedp.Evaluate[overlay](overlayGeometry))
	if err != nil {
		t.Fatal(err)
	}
	checkOverlay(t, "28×28 digit", o)
	if w := o.Image[2] - o.Image[0]; w < 200 {
		t.Errorf("the digit is drawn %.0f px wide", w)
	}
	shot(t, step, "review-boxes-mnist")
	// The window narrows: the labels keep their size.
	if err := chromedp.Do(step, chromedp.EmulateViewport(700, 700), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	o, _ = chromedp.Run(step, chromedp.Evaluate[overlay](overlayGeometry))
	checkOverlay(t, "28×28 digit in a 700 px window", o)
	if err := chromedp.Do(step, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatal(err)
	}

	// Shift+A accepts the selected (first, not reviewed) annotation, ann's, and opens the next task.
	err = chromedp.Do(step,
		chromedp.WaitVisible(`.rv-card.sel`),
		chromedp.KeyEvent("A"),
		chromedp.WaitVisible(fmt.Sprintf(`#review[data-task="%d"]`, tasks[1])),
		chromedp.WaitVisible(`svg.rv-image.scaled`),
	)
	if err != nil {
		t.Fatalf("Shift+A: %v", err)
	}
	var state string
	e.store.Pool.QueryRow(t.Context(), `SELECT review_state FROM annotations WHERE id = $1`, ids[0]["ann"]).Scan(&state)
	if state != "accepted" {
		t.Fatalf("after Shift+A ann's annotation of the digit is %q", state)
	}
	o, _ = chromedp.Run(step, chromedp.Evaluate[overlay](overlayGeometry))
	checkOverlay(t, "4,000×3,000 image", o)
	shot(t, step, "review-boxes-large")

	// j selects bob's card, r opens its comment, Ctrl+Enter rejects.
	card := fmt.Sprintf(`#ann-%d`, ids[1]["bob"])
	err = chromedp.Do(step,
		chromedp.KeyEvent("j"),
		chromedp.WaitVisible(card+`.sel`),
		chromedp.KeyEvent("r"),
		chromedp.WaitVisible(fmt.Sprintf(`#comment-%d`, ids[1]["bob"])),
		chromedp.SendKeys(fmt.Sprintf(`#comment-%d`, ids[1]["bob"]), "it is an animal"),
		ctrlEnter(),
		chromedp.WaitVisible(card+` .state[data-state="rejected"]`),
	)
	if err != nil {
		t.Fatalf("reject by keyboard: %v", err)
	}
	e.store.Pool.QueryRow(t.Context(), `SELECT review_state FROM annotations WHERE id = $1`, ids[1]["bob"]).Scan(&state)
	if state != "rejected" {
		t.Fatalf("after j, r, Ctrl+Enter bob's annotation is %q", state)
	}

	// Fix and accept, from cy's annotation, unchanged: cy's right answer is
	// accepted (not rejected), ann's stays accepted, bob's is left for its own verdict.
	err = chromedp.Do(step,
		chromedp.Navigate(taskURL(tasks[0])),
		chromedp.Click(fmt.Sprintf(`#ann-%d a[href*="fix="]`, ids[0]["cy"])),
		chromedp.WaitVisible(`button[value="fix"]`),
		chromedp.Click(`button[value="fix"]`),
		chromedp.WaitVisible(`//*[contains(@class, "flash")][contains(., "Fixed and accepted")]`),
	)
	if err != nil {
		t.Fatalf("fix and accept: %v", err)
	}
	got := map[string]string{}
	for who, id := range ids[0] {
		var s string
		e.store.Pool.QueryRow(t.Context(), `SELECT review_state FROM annotations WHERE id = $1`, id).Scan(&s)
		got[who] = s
	}
	var gt int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM annotations WHERE task_id = $1 AND ground_truth`, tasks[0]).Scan(&gt)
	if got["ann"] != "accepted" || got["cy"] != "accepted" || got["bob"] != "" || gt != 1 {
		t.Fatalf("after fix and accept unchanged: %v, %d ground truth", got, gt)
	}
}

// shot saves a screenshot to $CONCORD_SCREENSHOTS/name.png when that is set (to look at, never compared).
func shot(t *testing.T, ctx context.Context, name string) {
	if dir := os.Getenv("CONCORD_SCREENSHOTS"); dir != "" {
		if b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(dir+"/"+name+".png", b, 0o644)
		}
	}
}
