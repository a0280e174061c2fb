package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestExportPage: a manager reaches the export page from the project page,
// queues a background export with the form and sees it listed; an annotator
// may not open the page.
func TestExportPage(t *testing.T) {
	t.Parallel()
	e, p, _ := exportFixture(t)
	b := e.browser()
	b.signIn("manager@x.org")
	if _, body := b.get(fmt.Sprintf("/projects/%d", p.ID)); !strings.Contains(body, fmt.Sprintf(`href="/projects/%d/export"`, p.ID)) {
		t.Errorf("the project page has no link to the export page")
	}
	status, body := b.get(fmt.Sprintf("/projects/%d/export", p.ID))
	if status != 200 || !strings.Contains(body, `name="exportType"`) || !strings.Contains(body, fmt.Sprintf(`formaction="/api/projects/%d/export"`, p.ID)) {
		t.Fatalf("export page: %d", status)
	}
	resp := b.post(fmt.Sprintf("/projects/%d/exports", p.ID), url.Values{"exportType": {"CSV"}, "consensus": {"majority"}, "pseudonymise": {"true"}})
	if resp.StatusCode != 303 {
		t.Fatalf("export form: %d", resp.StatusCode)
	}
	es, err := e.store.Exports(context.Background(), p.ID, 10)
	if err != nil || len(es) != 1 || es[0].Format != "CSV" || !strings.Contains(string(es[0].Options), `"consensus": "majority"`) {
		t.Fatalf("exports after the form: %+v %v", es, err)
	}
	if _, body := b.get(fmt.Sprintf("/projects/%d/export", p.ID)); !strings.Contains(body, fmt.Sprintf(`data-export="%d"`, es[0].ID)) {
		t.Errorf("the new export is not listed")
	}
	resp = b.post(fmt.Sprintf("/projects/%d/exports", p.ID), url.Values{"exportType": {"YOLO"}})
	if resp.StatusCode != 303 {
		t.Errorf("a format that does not fit: %d, want a redirect with a message", resp.StatusCode)
	}
	ann := e.user("ann@x.org", store.RoleAnnotator)
	e.store.SetMember(context.Background(), p.ID, ann.ID, store.RoleAnnotator)
	a := e.browser()
	a.signIn("ann@x.org")
	if status, _ := a.get(fmt.Sprintf("/projects/%d/export", p.ID)); status != 403 {
		t.Errorf("annotator on the export page: %d, want 403", status)
	}
}

// TestExportPageOffersFittingFormats: a format that cannot hold the project's
// labels is shown disabled with the reason, so the form cannot lead to an
// error answer (Download now used to open the API's raw JSON error).
func TestExportPageOffersFittingFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	p := e.project(mgr, "texts")
	b := e.browser()
	b.signIn(mgr.Email)
	code, html := b.get(fmt.Sprintf("/projects/%d/export", p.ID))
	if code != 200 || !strings.Contains(html, `<option value="JSON">`) || !strings.Contains(html, `<option value="COCO" disabled>`) ||
		!strings.Contains(html, "COCO exports need a project whose config has &lt;RectangleLabels&gt; on an &lt;Image&gt;") {
		t.Errorf("the export page of a text project (%d) does not disable COCO with its reason", code)
	}
}
