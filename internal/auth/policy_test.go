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

func TestAdmit(t *testing.T) {
	admin := store.User{Role: store.RoleAdmin}
	manager := store.User{Role: store.RoleManager}
	annotator := store.User{Role: store.RoleAnnotator}
	tests := []struct {
		aud      Audience
		user     store.User
		signedIn bool
		want     error
	}{
		{Anyone, store.User{}, false, nil},
		{SignedIn, store.User{}, false, ErrSignIn},
		{SignedIn, annotator, true, nil},
		{ProjectMember, store.User{}, false, ErrSignIn},
		{ProjectMember, annotator, true, nil}, // membership is Access's to decide
		{ProjectManager, annotator, true, nil},
		{Creator, annotator, true, ErrForbidden},
		{Creator, manager, true, nil},
		{Creator, admin, true, nil},
		{Admin, manager, true, ErrForbidden},
		{Admin, admin, true, nil},
		{Admin, store.User{}, false, ErrSignIn},
	}
	for _, tt := range tests {
		if got := Admit(tt.aud, tt.user, tt.signedIn); got != tt.want {
			t.Errorf("Admit(%s, %s, signed in %v) = %v, want %v", tt.aud, tt.user.Role, tt.signedIn, got, tt.want)
		}
	}
}

func TestAccess(t *testing.T) {
	admin := store.User{Role: store.RoleAdmin}
	manager := store.User{Role: store.RoleManager}
	annotator := store.User{Role: store.RoleAnnotator}
	tests := []struct {
		name   string
		user   store.User
		member string
		aud    Audience
		want   error
	}{
		{"admin, not a member, manages", admin, "", ProjectManager, nil},
		{"manager, not a member: hidden", manager, "", ProjectMember, ErrHidden},
		{"manager, not a member, manage: hidden", manager, "", ProjectManager, ErrHidden},
		{"manager of the project manages", manager, store.RoleManager, ProjectManager, nil},
		{"manager, annotator in the project: sees", manager, store.RoleAnnotator, ProjectMember, nil},
		{"manager, annotator in the project: may not manage", manager, store.RoleAnnotator, ProjectManager, ErrForbidden},
		{"annotator member sees", annotator, store.RoleAnnotator, ProjectMember, nil},
		{"annotator member reaches an annotation route", annotator, store.RoleAnnotator, AnnotationOwner, nil},
		{"annotator, not a member: hidden", annotator, "", ProjectMember, ErrHidden},
		{"annotator listed as manager may not manage", annotator, store.RoleManager, ProjectManager, ErrForbidden},
	}
	for _, tt := range tests {
		act, ok := tt.aud.Action()
		if !ok {
			t.Fatalf("%s: %s is not a project audience", tt.name, tt.aud)
		}
		if got := Access(tt.user, tt.member, act); got != tt.want {
			t.Errorf("%s: Access = %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, a := range []Audience{Anyone, SignedIn, Creator, Admin} {
		if _, ok := a.Action(); ok {
			t.Errorf("%s claims to be about a project", a)
		}
	}
}

func TestAudienceNames(t *testing.T) {
	seen := map[string]Audience{}
	for a := Anyone; a <= Admin; a++ {
		name := a.String()
		if name == "nobody" || name == "" {
			t.Errorf("audience %d has no name", a)
		}
		if b, ok := seen[name]; ok {
			t.Errorf("audiences %d and %d share the name %q", a, b, name)
		}
		seen[name] = a
	}
}

func TestAnnotationAccess(t *testing.T) {
	manager := store.User{Role: store.RoleManager}
	annotator := store.User{Role: store.RoleAnnotator}
	tests := []struct {
		name                   string
		user                   store.User
		member                 string
		own, showOthers, write bool
		want                   error
	}{
		{"own, read", annotator, store.RoleAnnotator, true, false, false, nil},
		{"own, write", annotator, store.RoleAnnotator, true, false, true, nil},
		{"project manager, write", manager, store.RoleManager, false, false, true, nil},
		{"other annotator, hidden work", annotator, store.RoleAnnotator, false, false, false, ErrHidden},
		{"other annotator, shown work, read", annotator, store.RoleAnnotator, false, true, false, nil},
		{"other annotator, shown work, write", annotator, store.RoleAnnotator, false, true, true, ErrForbidden},
		{"manager account who is an annotator here, write", manager, store.RoleAnnotator, false, false, true, ErrHidden},
	}
	for _, tt := range tests {
		if got := AnnotationAccess(tt.user, tt.member, tt.own, tt.showOthers, tt.write); got != tt.want {
			t.Errorf("%s: AnnotationAccess = %v, want %v", tt.name, got, tt.want)
		}
	}
}
