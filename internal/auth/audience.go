package auth

import (
	"errors"

	"concord/internal/store"
)

// Audience says who may call a route. Each route of the routes tables
// (web/routes.go, web/api/routes.go) declares one; a middleware enforces it,
// and the OpenAPI document's "who" is its String.
type Audience int

// The audiences, from the widest to the narrowest.
const (
	Anyone          Audience = iota // no sign-in needed
	SignedIn                        // any signed-in account
	Creator                         // admins and managers: those who may create projects
	ProjectMember                   // members of the route's project (admins too)
	AnnotationOwner                 // an annotation's annotator, or its project's managers
	ProjectManager                  // managers of the route's project (admins too)
	Admin                           // admins only
)

var audienceNames = [...]string{
	Anyone:          "anyone",
	SignedIn:        "anyone signed in",
	Creator:         "admins and managers",
	ProjectMember:   "members",
	AnnotationOwner: "its annotator, project managers",
	ProjectManager:  "project managers",
	Admin:           "admins",
}

// String is how the OpenAPI document and the docs name the audience.
func (a Audience) String() string {
	if a < 0 || int(a) >= len(audienceNames) {
		return "nobody"
	}
	return audienceNames[a]
}

// Action is what the audience needs to be allowed to do to the route's
// project; ok is false for audiences that are not about a project.
func (a Audience) Action() (act Action, ok bool) {
	switch a {
	case ProjectMember, AnnotationOwner:
		return ViewProject, true
	case ProjectManager:
		return ManageProject, true
	}
	return 0, false
}

// Errors of the policy: ErrSignIn (no caller where one is needed), ErrHidden
// (the caller may not know the project exists: answer as if it did not), and
// ErrForbidden (the caller sees it but may not do this).
var (
	ErrSignIn    = errors.New("sign in first")
	ErrHidden    = errors.New("not found")
	ErrForbidden = errors.New("you do not have permission to do this")
)

// Admit decides the part of an audience that the account alone settles, before
// any project is loaded: nil when u (signedIn false: no caller) may pass. For
// project audiences, it lets through every signed-in account; Access then
// decides with the caller's membership.
func Admit(a Audience, u store.User, signedIn bool) error {
	if a == Anyone {
		return nil
	}
	if !signedIn {
		return ErrSignIn
	}
	switch a {
	case Creator:
		if !CanCreateProject(u) {
			return ErrForbidden
		}
	case Admin:
		if u.Role != store.RoleAdmin {
			return ErrForbidden
		}
	}
	return nil
}

// Access decides whether u, whose role in a project is memberRole ("" when not
// a member), may do act to it: nil, ErrHidden when u may not even see the
// project, or ErrForbidden. It is the one project check that pages and the API share.
func Access(u store.User, memberRole string, act Action) error {
	if !Can(u, memberRole, ViewProject) {
		return ErrHidden
	}
	if !Can(u, memberRole, act) {
		return ErrForbidden
	}
	return nil
}

// AnnotationAccess decides whether u, whose role in the annotation's project
// is memberRole, may read an annotation (write false) or change it: its own
// annotator and the project's managers may do both; other members may read it
// when the project shows annotators each other's work (showOthers), and are
// then ErrForbidden to change it; otherwise the annotation is ErrHidden.
func AnnotationAccess(u store.User, memberRole string, own, showOthers, write bool) error {
	switch {
	case own || Can(u, memberRole, ManageProject):
		return nil
	case showOthers && !write:
		return nil
	case showOthers:
		return ErrForbidden
	}
	return ErrHidden
}
