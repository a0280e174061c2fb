package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"concord/internal/store"
)

// TestBrowserModelsPage: the models page shows a version as soon as it is
// trained, without a reload (it stayed on "No model yet"), and "Train now" on
// a project the in-house model cannot learn says so instead of queueing a
// training that ends with no model.
func TestBrowserModelsPage(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 24, 1, "ann")
	for i := range 24 {
		var lt labelingTask
		e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
		if code, _ := e.submit(tok["ann"], lt.Task.ID, fmt.Sprint("k", i), map[string]any{"result": choice([]string{"Positive", "Negative"}[i%2])}); code != 201 {
			t.Fatalf("submit %d: %d", i, code)
		}
	}
	boxes, err := e.store.CreateProject(context.Background(), store.ProjectFields{Title: "boxes", LabelConfig: preset(t, "object-boxes"),
		MaximumAnnotations: 1, Sampling: "sequential"}, *p.CreatedBy)
	if err != nil {
		t.Fatal(err)
	}
	var refused map[string]any
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/projects/%d/models/train", boxes.ID), nil, &refused); code != 422 ||
		!strings.Contains(fmt.Sprint(refused["error"]), "ML backend") {
		t.Errorf("train a box project through the API: %d %v, want 422 saying to connect an ML backend", code, refused)
	}
	ctx := chrome(t)
	step := within(ctx, time.Minute)
	err = chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/models", e.srv.URL, boxes.ID)),
		chromedp.Click(`//button[text()="Train now"]`),
		chromedp.WaitVisible(`//p[@class="flash"][contains(., "Not trained") and contains(., "ML backend")]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/models", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`//p[contains(., "No model yet")]`),
		chromedp.Sleep(500*time.Millisecond), // the page's websocket subscribes
	)
	if err != nil {
		t.Fatal(err)
	}
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/projects/%d/models/train", p.ID), nil, nil); code != 202 {
		t.Fatalf("train: %d", code)
	}
	if err := chromedp.Do(step, chromedp.WaitVisible(`//div[@id="models-live"]//td[text()="v1"]`)); err != nil {
		t.Fatalf("the trained version never appeared on the open page: %v", err)
	}
}
