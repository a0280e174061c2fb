package web_test

import (
	"context"
	"net/url"
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
	if code := e.call(tok, "GET", "/api/current-user/whoami", nil, nil); code != 200 {
		t.Fatalf("after enabling: %d", code)
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
