package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewSpans opens the side-by-side view of a task whose two
// annotators disagree on a span, sees both annotators' marks over the text,
// and rejects bob's annotation with a comment.
func TestBrowserReviewSpans(t *testing.T) {
	t.Parallel()
	e, p, task, ids := spanProject(t)
	ctx := chrome(t)
	step := within(ctx, time.Minute)
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/review", e.srv.URL, p.ID)),
		chromedp.Click(fmt.Sprintf(`a[href="/projects/%d/review/%d"]`, p.ID, task)),
		chromedp.WaitVisible(`.rv-text`),
	)
	if err != nil {
		t.Fatalf("open the side-by-side view: %v", err)
	}
	// Both annotators' marks are drawn: ann's (a0) on Paris, bob's (a1) on Anna and Paris.
	ann, _ := chromedp.Run(step, chromedp.Text(`.rv-text .u.a0`))
	bob, _ := chromedp.Run(step, chromedp.Text(`.rv-text .df .u.a1`))
	text, _ := chromedp.Run(step, chromedp.Text(`.rv-text`))
	if ann != "Paris" || bob != "Anna" || text != "Anna flew to Paris." {
		t.Fatalf("drawn marks: ann %q, bob's differing %q, text %q", ann, bob, text)
	}
	n, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll(".rv-text .u").length`))
	if err != nil || n != 3 {
		t.Fatalf("%d span marks drawn, want 3 (%v)", n, err)
	}
	card := fmt.Sprintf(`#ann-%d`, ids["bob"])
	err = chromedp.Do(step,
		chromedp.Click(card+` details.reject summary`),
		chromedp.WaitVisible(fmt.Sprintf(`#comment-%d`, ids["bob"])),
		chromedp.SendKeys(fmt.Sprintf(`#comment-%d`, ids["bob"]), "Anna is not in the guidelines"),
		chromedp.Click(card+` button[value="reject"]`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("reject: %v", err)
	}
	flash, _ := chromedp.Run(step, chromedp.Text(`.flash`))
	state, _ := chromedp.Run(step, chromedp.Text(card+` .state`))
	if !strings.Contains(flash, "Rejected bob@x.org") || state != "rejected" {
		t.Fatalf("after reject: flash %q, state %q", flash, state)
	}
	var dbState, comment string
	e.store.Pool.QueryRow(t.Context(), `SELECT review_state, review_comment FROM annotations WHERE id = $1`, ids["bob"]).Scan(&dbState, &comment)
	if dbState != "rejected" || comment != "Anna is not in the guidelines" {
		t.Fatalf("stored: %q %q", dbState, comment)
	}
	if dir := os.Getenv("CONCORD_SCREENSHOTS"); dir != "" {
		if shot, err := chromedp.Run(step, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "review-spans.png"), shot, 0o644)
		}
	}
}
