package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"concord/internal/store"
	"concord/static"
)

// wsClient connects to /ws with a token and subscribes to a project.
func (e *env) wsClient(token string, project int64) *websocket.Conn {
	e.t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws"
	c, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Authorization": {"Token " + token}})
	if err != nil {
		e.t.Fatalf("dial /ws: %v (%v)", err, resp)
	}
	e.t.Cleanup(func() { c.Close() })
	if err := c.WriteJSON(map[string]int64{"subscribe": project}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// next reads the next message, up to a deadline.
func next(c *websocket.Conn, d time.Duration) (map[string]any, error) {
	c.SetReadDeadline(time.Now().Add(d))
	var m map[string]any
	err := c.ReadJSON(&m)
	return m, err
}

// TestLiveEvents submits an annotation and sees its event reach a subscriber
// of the project, while a member of another project gets nothing and is
// refused a subscription to this one.
func TestLiveEvents(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 3, 1, "ann")
	other := e.user("other@x.org", store.RoleManager)
	otherTok := e.token(other)
	q := e.project(other, "other project")

	watcher := e.wsClient(tok["manager"], p.ID)
	if m, err := next(watcher, 5*time.Second); err != nil || m["type"] != "subscribed" {
		t.Fatalf("subscribe: %v %v", m, err)
	}
	outsider := e.wsClient(otherTok, p.ID)
	if m, err := next(outsider, 5*time.Second); err != nil || m["type"] != "error" {
		t.Fatalf("a non-member's subscription: %v %v, want an error", m, err)
	}
	outsider.WriteJSON(map[string]int64{"subscribe": q.ID})
	if m, err := next(outsider, 5*time.Second); err != nil || m["type"] != "subscribed" {
		t.Fatalf("own project: %v %v", m, err)
	}

	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	_, annID := e.submit(tok["ann"], lt.Task.ID, "k1", map[string]any{"result": choice("Positive")})
	m, err := next(watcher, 10*time.Second)
	if err != nil || m["type"] != "annotation.created" || m["id"] != float64(annID) || m["project"] != float64(p.ID) {
		t.Fatalf("event: %v %v; want annotation.created %d", m, err, annID)
	}
	if m, err := next(outsider, 500*time.Millisecond); err == nil {
		t.Fatalf("a member of another project received %v", m)
	}
	// Without credentials there is no websocket.
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws"
	if _, resp, err := websocket.DefaultDialer.DialContext(context.Background(), url, nil); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("anonymous websocket: %v %v, want 401", resp, err)
	}
}

// TestProjectPageLive checks the manager's project page shows progress and
// loads the live script.
func TestProjectPageLive(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 2, 1, "ann")
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	e.submit(tok["ann"], lt.Task.ID, "k", map[string]any{"result": choice("Positive")})
	var st struct {
		Tasks, Completed, Annotations int
		Annotators                    []struct{ Email string }
	}
	if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/stats", p.ID), nil, &st); code != 200 || st.Tasks != 2 || st.Completed != 1 || st.Annotations != 1 || len(st.Annotators) != 1 || st.Annotators[0].Email != "ann@x.org" {
		t.Fatalf("stats: %d %+v", code, st)
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/stats", p.ID), nil, nil); code != 403 {
		t.Fatalf("an annotator reads the project's stats: %d, want 403", code)
	}
	br := e.browser()
	br.signIn("manager@x.org")
	code, page := br.get(fmt.Sprintf("/projects/%d", p.ID))
	if code != 200 || !strings.Contains(page, `id="stat-completed">1<`) || !strings.Contains(page, static.URL("js/live.js")) {
		t.Fatalf("project page: %d\n%s", code, page)
	}
}
