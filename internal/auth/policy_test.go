package auth

import (
	"testing"

	"concord/internal/store"
)

func TestCan(t *testing.T) {
	admin := store.User{Role: store.RoleAdmin}
	manager := store.User{Role: store.RoleManager}
	annotator := store.User{Role: store.RoleAnnotator}
	tests := []struct {
		name   string
		user   store.User
		member string
		action Action
		want   bool
	}{
		{"admin, not a member, manages", admin, "", ManageProject, true},
		{"manager, not a member, cannot see", manager, "", ViewProject, false},
		{"manager, project manager, manages", manager, store.RoleManager, ManageProject, true},
		{"manager, project annotator, sees", manager, store.RoleAnnotator, ViewProject, true},
		{"manager, project annotator, cannot manage", manager, store.RoleAnnotator, ManageProject, false},
		{"annotator, member, sees", annotator, store.RoleAnnotator, ViewProject, true},
		{"annotator, not a member, cannot see", annotator, "", ViewProject, false},
		{"annotator listed as project manager cannot manage", annotator, store.RoleManager, ManageProject, false},
	}
	for _, tt := range tests {
		if got := Can(tt.user, tt.member, tt.action); got != tt.want {
			t.Errorf("%s: Can = %v, want %v", tt.name, got, tt.want)
		}
	}
	if CanCreateProject(annotator) || !CanCreateProject(manager) || !CanCreateProject(admin) {
		t.Error("only admins and managers may create projects")
	}
}

func TestPasswordAndToken(t *testing.T) {
	if _, err := HashPassword("short"); err != ErrWeakPassword {
		t.Fatalf("short password: %v", err)
	}
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword("correct horse", h) || CheckPassword("correct horsE", h) {
		t.Fatal("CheckPassword accepts a wrong password or refuses the right one")
	}
	key, hash, prefix := NewToken()
	if len(key) != 40 || prefix != key[:6] || string(TokenHash(key)) != string(hash) {
		t.Fatalf("token %q prefix %q", key, prefix)
	}
	if other, _, _ := NewToken(); other == key {
		t.Fatal("two tokens are equal")
	}
}
