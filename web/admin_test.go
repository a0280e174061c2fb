package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestUserAdministration: an admin creates an account, disables it (its token
// stops working), enables it, resets its password and issues it a token; other
// roles may not.
func TestUserAdministration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user("admin@x.org", store.RoleAdmin)
	mgr := e.user("m@x.org", store.RoleManager)
	mb := e.browser()
	mb.signIn(mgr.Email)
	if code, _ := mb.get("/admin/users"); code != 403 {
		t.Fatalf("a manager opens the users page: %d, want 403", code)
	}
	if resp := mb.post("/admin/users", url.Values{"email": {"x@x.org"}, "role": {"admin"}, "password": {"long enough"}}); resp.StatusCode != 403 {
		t.Fatalf("a manager creates an admin: %d, want 403", resp.StatusCode)
	}

	br := e.browser()
	br.signIn("admin@x.org")
	if resp := br.post("/admin/users", url.Values{"email": {"new@x.org"}, "role": {"annotator"}, "password": {"long enough"}}); resp.StatusCode != 303 {
		t.Fatalf("create: %d %s", resp.StatusCode, readBody(resp))
	}
	u, err := e.store.UserByEmail(context.Background(), "new@x.org")
	if err != nil || u.Role != store.RoleAnnotator {
		t.Fatalf("created user: %+v %v", u, err)
	}
	tok := e.token(u)
	post := func(action string, form url.Values) {
		t.Helper()
		if resp := br.post("/admin/users/"+itoa(u.ID)+"/"+action, form); resp.StatusCode != 303 {
			t.Fatalf("%s: %d %s", action, resp.StatusCode, readBody(resp))
		}
	}
	post("disable", nil)
	if code := e.call(tok, "GET", "/api/current-user/whoami", nil, nil); code != 401 {
		t.Fatalf("a disabled user's token: %d, want 401", code)
	}
	post("enable", nil)
	// Disabling revoked the token for good: re-enabling revives no credential.
	if code := e.call(tok, "GET", "/api/current-user/whoami", nil, nil); code != 401 {
		t.Fatalf("the old token after enabling: %d, want 401", code)
	}
	if code := e.call(e.token(u), "GET", "/api/current-user/whoami", nil, nil); code != 200 {
		t.Fatalf("a new token after enabling: %d", code)
	}
	post("role", url.Values{"role": {"manager"}})
	post("password", url.Values{"password": {"a new password"}})
	after, _ := e.store.UserByID(context.Background(), u.ID)
	if after.Role != store.RoleManager || after.PasswordHash == u.PasswordHash {
		t.Fatalf("after role and password: %+v", after)
	}
	post("token", nil)
	_, page := br.get("/admin/users")
	i := strings.Index(page, `id="admin-token">new@x.org: `)
	if i < 0 {
		t.Fatal("the issued token is not shown")
	}
	key := page[i+len(`id="admin-token">new@x.org: `):][:40]
	if code := e.call(key, "GET", "/api/current-user/whoami", nil, nil); code != 200 {
		t.Fatalf("the issued token: %d", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestInvitation: a manager makes a single-use link; an account that opens it
// while signed in joins the project; the link then no longer works.
func TestInvitation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mgr := e.user("m@x.org", store.RoleManager)
	ann := e.user("a@x.org", store.RoleAnnotator)
	p := e.project(mgr, "invited")
	mb := e.browser()
	mb.signIn(mgr.Email)
	if resp := mb.post(fmt.Sprintf("/projects/%d/invitations", p.ID), url.Values{"role": {"annotator"}}); resp.StatusCode != 303 {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	_, page := mb.get(fmt.Sprintf("/projects/%d/members", p.ID))
	m := regexp.MustCompile(`/invite/([0-9a-f]{40})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no invitation link on the members page:\n%s", page)
	}
	link := "/invite/" + m[1]

	ab := e.browser()
	if code, _ := ab.get(link); code != 303 {
		t.Fatalf("a signed-out visitor: %d, want a redirect to sign in", code)
	}
	ab.signIn(ann.Email)
	if code, page := ab.get(link); code != 200 || !strings.Contains(page, "Join invited") {
		t.Fatalf("invitation page: %d", code)
	}
	if resp := ab.post(link, nil); resp.StatusCode != 303 {
		t.Fatalf("accept: %d %s", resp.StatusCode, readBody(resp))
	}
	if role, _ := e.store.Membership(context.Background(), p.ID, ann.ID); role != store.RoleAnnotator {
		t.Fatalf("after accepting, role %q", role)
	}
	if code, _ := ab.get(link); code != 404 {
		t.Fatalf("a used link: %d, want 404", code)
	}
	// A manager's invitation is refused to an annotator's account.
	mb.post(fmt.Sprintf("/projects/%d/invitations", p.ID), url.Values{"role": {"manager"}})
	_, page = mb.get(fmt.Sprintf("/projects/%d/members", p.ID))
	m = regexp.MustCompile(`/invite/([0-9a-f]{40})`).FindStringSubmatch(page)
	ab.get("/invite/" + m[1])
	if resp := ab.post("/invite/"+m[1], nil); resp.StatusCode != 403 {
		t.Fatalf("an annotator accepts a manager's invitation: %d, want 403", resp.StatusCode)
	}
}
