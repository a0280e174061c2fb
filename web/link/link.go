// Package link builds Concord's URLs: one typed function per route of the
// routes tables (web/routes.go, web/api/routes.go), so that templates and
// handlers never format a path by hand.
package link

import (
	"net/url"
	"strconv"

	"concord/static"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Static is the versioned URL of an embedded static file, e.g. Static("js/live.js").
func Static(name string) string { return static.URL(name) }

// Home is the root, which leads to the project list.
func Home() string { return "/" }

// SignIn is the sign-in page; next, when not empty, is where it leads after.
func SignIn(next string) string {
	if next == "" {
		return "/signin"
	}
	return "/signin?next=" + url.QueryEscape(next)
}

// SignOut ends the session (POST).
func SignOut() string { return "/signout" }

// Projects is the project list; a POST creates one.
func Projects() string { return "/projects" }

// NewProject is the project creation form.
func NewProject() string { return "/projects/new" }

// Project is a project's home page.
func Project(p int64) string { return "/projects/" + id(p) }

// ProjectSettings is a project's settings form.
func ProjectSettings(p int64) string { return Project(p) + "/settings" }

// ProjectDelete deletes a project (POST).
func ProjectDelete(p int64) string { return Project(p) + "/delete" }

// Members is a project's member list; a POST adds one.
func Members(p int64) string { return Project(p) + "/members" }

// MemberDelete removes user u from project p (POST).
func MemberDelete(p, u int64) string { return Members(p) + "/" + id(u) + "/delete" }

// Invitations creates an invitation link to project p (POST).
func Invitations(p int64) string { return Project(p) + "/invitations" }

// Invite is an invitation's page.
func Invite(token string) string { return "/invite/" + url.PathEscape(token) }

// Label is the annotator's workspace of a project.
func Label(p int64) string { return Project(p) + "/label" }

// Import is a project's import page; a POST imports files.
func Import(p int64) string { return Project(p) + "/import" }

// Jobs is a project's background jobs page.
func Jobs(p int64) string { return Project(p) + "/jobs" }

// Models is a project's model page.
func Models(p int64) string { return Project(p) + "/models" }

// ModelsTrain queues a training of project p's model (POST).
func ModelsTrain(p int64) string { return Models(p) + "/train" }

// ModelActivate makes model version v project p's active one (POST).
func ModelActivate(p, v int64) string { return Models(p) + "/" + id(v) + "/activate" }

// Tasks is a project's task table (the data manager).
func Tasks(p int64) string { return Project(p) + "/tasks" }

// TasksBulk runs a bulk action of the task table (POST).
func TasksBulk(p int64) string { return Tasks(p) + "/bulk" }

// Task is task t opened from the task table.
func Task(p, t int64) string { return Tasks(p) + "/" + id(t) }

// Review is a project's review queue.
func Review(p int64) string { return Project(p) + "/review" }

// ReviewTask is the side-by-side review of task t.
func ReviewTask(p, t int64) string { return Review(p) + "/" + id(t) }

// ReviewFix is the review of task t with annotation a opened for fixing.
func ReviewFix(p, t, a int64) string { return ReviewTask(p, t) + "?fix=" + id(a) + "#fix" }

// Quality is a project's quality dashboard.
func Quality(p int64) string { return Project(p) + "/quality" }

// Unpause is where the quality page's unpause forms post.
func Unpause(p int64) string { return Quality(p) + "/unpause" }

// Export is a project's export page.
func Export(p int64) string { return Project(p) + "/export" }

// Exports queues a background export of project p (POST).
func Exports(p int64) string { return Project(p) + "/exports" }

// Webhooks is a project's webhooks page; a POST adds one.
func Webhooks(p int64) string { return Project(p) + "/webhooks" }

// WebhookDelete deletes webhook h of project p (POST).
func WebhookDelete(p, h int64) string { return Webhooks(p) + "/" + id(h) + "/delete" }

// MediaPeaks is the waveform peaks of the audio file with this content hash.
func MediaPeaks(hash string) string { return "/media/" + url.PathEscape(hash) + "/peaks" }

// Users is the admin's user table; a POST creates a user.
func Users() string { return "/admin/users" }

// UserAction applies action (role, enable, disable, token, password) to user u (POST).
func UserAction(u int64, action string) string {
	return Users() + "/" + id(u) + "/" + url.PathEscape(action)
}

// Account is the signed-in user's account page.
func Account() string { return "/account" }

// Tokens creates an API token (POST).
func Tokens() string { return "/account/tokens" }

// TokenRevoke revokes API token t (POST).
func TokenRevoke(t int64) string { return Tokens() + "/" + id(t) + "/revoke" }

// Password changes the signed-in user's password (POST).
func Password() string { return "/account/password" }

// APIImport imports files into project p through the API (POST).
func APIImport(p int64) string { return "/api/projects/" + id(p) + "/import" }

// APIExport streams an export of project p.
func APIExport(p int64) string { return "/api/projects/" + id(p) + "/export" }

// APIExportDownload downloads background export e of project p.
func APIExportDownload(p, e int64) string {
	return "/api/projects/" + id(p) + "/exports/" + id(e) + "/download"
}

// TaskViews saves a new view of the task table (POST).
func TaskViews(p int64) string { return Tasks(p) + "/views" }

// TaskView updates a saved view of the task table (POST).
func TaskView(p, v int64) string { return TaskViews(p) + "/" + id(v) }

// TaskViewDelete deletes a saved view of the task table (POST).
func TaskViewDelete(p, v int64) string { return TaskView(p, v) + "/delete" }

// TaskColumns keeps the columns the task table shows (POST).
func TaskColumns(p int64) string { return Tasks(p) + "/columns" }
