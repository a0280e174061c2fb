package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"concord/internal/fixture"
	"concord/internal/labeling"
	"concord/internal/store"
)

// chrome starts headless Debian Chromium for t. Without it the test is skipped,
// except in CI, where a missing browser is a failure.
func chrome(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; .ci/run installs it with apt-get install chromium")
		}
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser, which lives as long as its context:
	// start it here, without a deadline; steps get their own deadlines.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// within gives browser steps a deadline, as a tab's first context must have none.
func within(ctx context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(ctx, d)
	go func() { <-ctx.Done(); cancel() }()
	return ctx
}

// TestBrowserSignIn signs in with a real browser, creates a project from a
// preset with the keyboard-reachable form, and signs out.
func TestBrowserSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	ctx := chrome(t)

	step := within(ctx, time.Minute)
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/projects"), // redirected to sign in
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, mgr.Email),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	heading, _ := chromedp.Run(step, chromedp.Text(`h1`))
	who, _ := chromedp.Run(step, chromedp.Text(`.who`))
	if heading != "Projects" || !strings.Contains(who, mgr.Email) {
		t.Fatalf("after sign-in: heading %q, user %q", heading, who)
	}

	// New project from the NER preset: the preset button fills the config (our JS).
	err = chromedp.Do(step,
		chromedp.Click(`a[href="/projects/new"]`),
		chromedp.WaitVisible(`#title`),
		chromedp.SendKeys(`#title`, "Tweets NER"),
		chromedp.Click(`//button[contains(@class,"preset")][contains(., "Named entities")]`),
	)
	if err != nil {
		t.Fatalf("new project form: %v", err)
	}
	config, err := chromedp.Run(step, chromedp.Value(`#label_config`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(step, chromedp.Submit(`#title`), chromedp.WaitVisible(`#task-count`)); err != nil {
		t.Fatalf("create project: %v", err)
	}
	heading, _ = chromedp.Run(step, chromedp.Text(`h1`))
	if !strings.Contains(config, "<Labels") || heading != "Tweets NER" {
		t.Fatalf("preset filled %q; project page heading %q", config, heading)
	}
	ps, _ := e.store.Projects(context.Background())
	if len(ps) != 1 || ps[0].Title != "Tweets NER" || !strings.Contains(ps[0].LabelConfig, "PER") {
		t.Fatalf("stored projects: %+v", ps)
	}

	shot, err := chromedp.Run(step, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(step, chromedp.Click(`.signout button`), chromedp.WaitVisible(`#email`)); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if dir := os.Getenv("CONCORD_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "project.png"), shot, 0o644)
	}
}

// TestBrowserImport creates an audio project from its preset and fills it
// through the import page, as a manager would: choose files, press Import.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	wavs := fixture.Glob(t, "audio/fsdd/3_theo_*.wav")
	if len(wavs) < 2 {
		t.Fatalf("%d recordings of Theo saying 3 in testdata, want 2", len(wavs))
	}
	for i, w := range wavs {
		wavs[i], _ = filepath.Abs(w)
	}
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	preset, _ := labeling.PresetByName("audio-classes")
	p, err := e.store.CreateProject(context.Background(), store.ProjectFields{Title: "Digits", LabelConfig: preset.Config, MaximumAnnotations: 1, Sampling: "sequential"}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	ctx := chrome(t)
	step := within(ctx, time.Minute)
	err = chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, mgr.Email),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/import", e.srv.URL, p.ID)),
		chromedp.SetUploadFiles(`#files`, wavs),
		chromedp.Click(`#import-form button[type=submit]`),
		chromedp.WaitVisible(`//p[@id="import-status"][contains(., "Imported")]`),
	)
	if err != nil {
		t.Fatalf("import in the browser: %v", err)
	}
	status, _ := chromedp.Run(step, chromedp.Text(`#import-status`))
	if !strings.Contains(status, fmt.Sprintf("Imported %d tasks", len(wavs))) {
		t.Fatalf("status %q", status)
	}
	if got, _ := e.store.ProjectByID(context.Background(), p.ID); got.TaskCount != int64(len(wavs)) {
		t.Fatalf("%d tasks stored, want %d", got.TaskCount, len(wavs))
	}
}

// TestBrowserLiveProgress opens a project page as its manager; an annotation
// submitted elsewhere updates the page's counts without a reload.
func TestBrowserLiveProgress(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 2, 1, "ann")
	ctx := chrome(t)
	step := within(ctx, time.Minute)
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`#stat-annotations`),
	)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := chromedp.Run(step, chromedp.Text(`#stat-annotations`))
	time.Sleep(500 * time.Millisecond) // let the page's websocket subscribe
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	e.submit(tok["ann"], lt.Task.ID, "live", map[string]any{"result": choice("Negative")})
	if err := chromedp.Do(step, chromedp.WaitVisible(`//dd[@id="stat-annotations"][text()="1"]`), chromedp.WaitVisible(`//table[@id="annotators"]//td[text()="ann@x.org"]`)); err != nil {
		t.Fatalf("the page did not update (it showed %q before): %v", before, err)
	}
}
