package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"concord/internal/auth"
	"concord/internal/live"
	"concord/internal/store"
)

// TestCredentialsRevoked: a password change signs out the user's other
// sessions and revokes their tokens (the changing session carries on); an
// admin's reset and disabling do the same for every session and token, and
// re-enabling revives none of them.
func TestCredentialsRevoked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.user("ann@example.com", store.RoleAnnotator)
	signedIn := func(b *browser) bool {
		code, _ := b.get("/projects")
		return code == http.StatusOK
	}
	tokenWorks := func(k string) bool {
		return e.call(k, "GET", "/api/current-user/whoami", nil, nil) == http.StatusOK
	}

	a, b := e.browser(), e.browser()
	a.signIn(u.Email)
	b.signIn(u.Email)
	k := e.token(u)
	if resp := a.post("/account/password", url.Values{"current": {testPassword}, "new": {"a new long password"}}); resp.StatusCode != 200 {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	if !signedIn(a) || signedIn(b) || tokenWorks(k) {
		t.Fatalf("after a password change: this session %v (want true), the other %v, the token %v (want false)", signedIn(a), signedIn(b), tokenWorks(k))
	}

	for name, change := range map[string]func(){
		"an admin's reset": func() {
			hash, _ := auth.HashPassword("yet another password")
			if err := e.store.SetUserPassword(ctx, u.ID, hash); err != nil {
				t.Fatal(err)
			}
		},
		"disable, then enable": func() {
			if err := e.store.SetUserDisabled(ctx, u.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := e.store.SetUserDisabled(ctx, u.ID, false); err != nil {
				t.Fatal(err)
			}
		},
	} {
		hash, _ := auth.HashPassword(testPassword)
		e.store.SetUserPassword(ctx, u.ID, hash)
		s := e.browser()
		s.signIn(u.Email)
		k := e.token(u)
		change()
		if signedIn(s) || tokenWorks(k) {
			t.Errorf("after %s: the session still signed in %v, the token still works %v", name, signedIn(s), tokenWorks(k))
		}
	}
}

// TestWebsocketAccessRechecked: an open websocket stops getting a project's
// events when its user leaves the project, and is closed when its token is
// revoked, its user disabled or their password changed, or its session
// signed out; whatever made the change (here, mostly the store directly).
func TestWebsocketAccessRechecked(t *testing.T) {
	t.Parallel()
	if live.AccessChannel != store.AccessChannel {
		t.Fatalf("live listens on %q, the store notifies %q", live.AccessChannel, store.AccessChannel)
	}
	e, p, tok := labelEnv(t, 20, 1, "ann")
	ctx := context.Background()
	subscribed := func(c *websocket.Conn) {
		t.Helper()
		if m, err := next(c, 5*time.Second); err != nil || m["type"] != "subscribed" {
			t.Fatalf("subscribe: %v %v", m, err)
		}
	}
	// cut reports whether c is closed or refused the project within a while.
	cut := func(c *websocket.Conn) string {
		m, err := next(c, 10*time.Second)
		switch {
		case err != nil && !isTimeout(err):
			return "closed"
		case err == nil && m["type"] == "error" && m["project"] == float64(p.ID):
			return "unsubscribed"
		}
		return fmt.Sprintf("still open (%v %v)", m, err)
	}
	member := func(name string) (store.User, string) {
		u := e.user(name+"@example.com", store.RoleAnnotator)
		if err := e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
		return u, e.token(u)
	}
	cases := []struct {
		name   string
		change func(u store.User)
		want   string
	}{
		{"removed from the project", func(u store.User) { e.store.RemoveMember(ctx, p.ID, u.ID) }, "unsubscribed"},
		{"disabled", func(u store.User) { e.store.SetUserDisabled(ctx, u.ID, true) }, "closed"},
		{"password reset", func(u store.User) {
			hash, _ := auth.HashPassword("another long password")
			e.store.SetUserPassword(ctx, u.ID, hash)
		}, "closed"},
		{"token revoked", func(u store.User) {
			ts, _ := e.store.Tokens(ctx, u.ID)
			for _, tk := range ts {
				e.store.RevokeToken(ctx, u.ID, tk.ID)
			}
		}, "closed"},
	}
	for _, c := range cases {
		u, k := member(strings.ReplaceAll(c.name, " ", "-"))
		ws := e.wsClient(k, p.ID)
		subscribed(ws)
		c.change(u)
		if got := cut(ws); got != c.want {
			t.Errorf("%s: the websocket is %s, want %s", c.name, got, c.want)
		}
	}

	// A session's websocket, signed out.
	u, _ := member("session")
	b := e.browser()
	b.signIn(u.Email)
	wsURL := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws"
	srvURL, _ := url.Parse(e.srv.URL)
	h := http.Header{"Origin": {e.srv.URL}}
	for _, ck := range b.c.Jar.Cookies(srvURL) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(wsURL, h)
	if err != nil {
		t.Fatalf("session websocket: %v %v", err, resp)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]int64{"subscribe": p.ID})
	subscribed(ws)
	if resp := b.post("/signout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if got := cut(ws); got != "closed" {
		t.Errorf("signed out: the session's websocket is %s, want closed", got)
	}

	// One left untouched still gets the project's events.
	_, k := member("stays")
	stays := e.wsClient(k, p.ID)
	subscribed(stays)
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	e.submit(tok["ann"], lt.Task.ID, "k", map[string]any{"result": choice("Positive")})
	if m, err := next(stays, 10*time.Second); err != nil || m["type"] != "annotation.created" {
		t.Fatalf("an untouched member's websocket: %v %v", m, err)
	}
}

// TestInvitationsRevocableAndBoundToTheirMaker: a project's invitations are
// listed (without their tokens) and revocable; an invitation dies with its
// maker's right to manage the project (removed, demoted or disabled).
func TestInvitationsRevocableAndBoundToTheirMaker(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	m1 := e.user("m1@example.com", store.RoleManager)
	m2 := e.user("m2@example.com", store.RoleManager)
	p := e.project(m1, "invited")
	if err := e.store.SetMember(ctx, p.ID, m2.ID, store.RoleManager); err != nil {
		t.Fatal(err)
	}
	invite := func(by store.User) (string, int64) {
		key, hash, _ := auth.NewToken()
		inv, err := e.store.CreateInvitation(ctx, p.ID, by.ID, hash, store.RoleAnnotator, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return "/invite/" + key, inv.ID
	}
	ann := e.user("a@example.com", store.RoleAnnotator)
	b := e.browser()
	b.signIn(ann.Email)
	opens := func(link string) bool { code, _ := b.get(link); return code == http.StatusOK }

	revoked, revokedID := invite(m1)
	byRemoved, _ := invite(m2)
	byDisabled, _ := invite(m2)
	stays, _ := invite(m1)
	var list []map[string]any
	if code := e.call(e.token(m1), "GET", fmt.Sprintf("/api/projects/%d/invitations", p.ID), nil, &list); code != 200 || len(list) != 4 {
		t.Fatalf("list: %d %v", code, list)
	}
	if strings.Contains(fmt.Sprint(list), strings.TrimPrefix(revoked, "/invite/")) {
		t.Fatal("the list shows an invitation's token")
	}
	if code := e.call(e.token(m1), "DELETE", fmt.Sprintf("/api/projects/%d/invitations/%d", p.ID, revokedID), nil, nil); code != http.StatusNoContent {
		t.Fatalf("revoke: %d", code)
	}
	if opens(revoked) {
		t.Error("a revoked invitation still opens")
	}
	if !opens(byRemoved) {
		t.Fatal("a live invitation does not open")
	}
	e.store.RemoveMember(ctx, p.ID, m2.ID)
	if opens(byRemoved) {
		t.Error("an invitation outlives its maker's membership")
	}
	e.store.SetMember(ctx, p.ID, m2.ID, store.RoleManager)
	e.store.SetUserDisabled(ctx, m2.ID, true)
	if opens(byDisabled) {
		t.Error("an invitation outlives its maker's account")
	}
	if resp := b.post(stays, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting a live invitation: %d", resp.StatusCode)
	}
	e.call(e.token(m1), "GET", fmt.Sprintf("/api/projects/%d/invitations", p.ID), nil, &list)
	live := 0
	for _, inv := range list {
		if inv["live"] == true {
			live++
		}
	}
	if live != 0 {
		t.Fatalf("%d invitations still live: %v", live, list)
	}
}
