package auth

import "concord/internal/store"

// Action is something a user may do to a project.
type Action int

// The project actions, from least to most privileged.
const (
	ViewProject   Action = iota // see the project, its tasks, and label
	ManageProject               // edit settings, import, manage members, review, export
)

// IsRole reports whether role is one of the account roles.
func IsRole(role string) bool {
	return role == store.RoleAdmin || role == store.RoleManager || role == store.RoleAnnotator
}

// IsMemberRole reports whether role is a role within a project.
func IsMemberRole(role string) bool {
	return role == store.RoleManager || role == store.RoleAnnotator
}

// CanCreateProject reports whether u may create projects: admins and managers.
func CanCreateProject(u store.User) bool {
	return u.Role == store.RoleAdmin || u.Role == store.RoleManager
}

// CanSeeAllProjects reports whether u sees every project, member or not: admins.
func CanSeeAllProjects(u store.User) bool { return u.Role == store.RoleAdmin }

// CanManageUsers reports whether u may list users and change their roles: admins.
func CanManageUsers(u store.User) bool { return u.Role == store.RoleAdmin }

// Can reports whether u, whose role in the project is memberRole ("" when not a
// member), may do a to it. Admins may do anything; members see their projects;
// only a project's managers manage it — and an account demoted to annotator
// keeps no manager rights, whatever its membership says.
func Can(u store.User, memberRole string, a Action) bool {
	if u.Role == store.RoleAdmin {
		return true
	}
	switch a {
	case ViewProject:
		return memberRole != ""
	case ManageProject:
		return memberRole == store.RoleManager && u.Role == store.RoleManager
	}
	return false
}
