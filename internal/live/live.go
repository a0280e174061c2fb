// Package live carries events to browsers as they happen: a websocket hub
// served at /ws, and a PostgreSQL LISTEN/NOTIFY bridge that carries events
// between Concord processes.
//
// A change is written and committed first; then its writer calls Notify with
// the pool (never inside the transaction, so hot write transactions never wait
// on notification traffic and rolled-back changes are never announced). Every
// process runs one Listen, which publishes each notification into its Hub; the
// Hub sends it to the websocket clients subscribed to the event's project.
//
// Events carry ids and small payloads only. They are hints, not a log: an event
// notified while a listener is reconnecting is lost, so a page that receives
// TypeResync refetches what it shows.
//
// The hub follows gorilla/websocket's examples/chat: one goroutine (Run) owns
// the clients and their subscriptions; each connection has one reader and one
// writer goroutine; a client too slow to drain its bounded send buffer is
// dropped, never allowed to block the hub.
package live

import (
	"encoding/json"
	"errors"
)

// Event is what crosses processes and reaches browsers: ids and small payloads only.
type Event struct {
	Project int64           `json:"project"`
	Type    string          `json:"type"`
	ID      int64           `json:"id,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"` // at most ~1 KB
}

// Event types sent by Concord's writers, always after the change has committed.
const (
	// TypeAnnotationCreated is sent when an annotation is submitted; ID is the annotation, Data {"task": id, "completed_by": user id}.
	TypeAnnotationCreated = "annotation.created"
	// TypeTaskCreated is sent when tasks are added outside an import job; ID is the task (0 for a batch), Data {"count": n}.
	TypeTaskCreated = "task.created"
	// TypeImportProgress is sent as an import job advances; ID is the import, Data {"done": n, "total": n}.
	TypeImportProgress = "import.progress"
	// TypeImportFinished is sent when an import ends; ID is the import, Data {"tasks": n, "errors": n, "error": "…" if it failed}.
	TypeImportFinished = "import.finished"
	// TypeExportProgress is sent as an export job advances; ID is the export, Data {"done": n, "total": n}.
	TypeExportProgress = "export.progress"
	// TypeExportFinished is sent when an export ends; ID is the export, Data {"error": "…"} if it failed.
	TypeExportFinished = "export.finished"
	// TypeModelTrained is sent when a model version is stored; ID is the model version, Data {"metrics": {…}} (a few numbers).
	TypeModelTrained = "model.trained"
	// TypeAgreementUpdated is sent when a project's agreement has been recomputed; ID is unused, Data {"agreement": x} overall.
	TypeAgreementUpdated = "agreement.updated"
	// TypeAnnotatorPaused is sent when an annotator is paused for low gold accuracy; ID is the user, Data {"accuracy": x, "gold_tasks": n, "threshold": x}.
	TypeAnnotatorPaused = "annotator.paused"
	// TypeAnnotatorUnpaused is sent when a manager unpauses an annotator; ID is the user.
	TypeAnnotatorUnpaused = "annotator.unpaused"
	// TypeProgress is sent when a project's progress changes; ID is unused, Data {"tasks": n, "completed": n, "annotations_today": n}.
	TypeProgress = "progress"
)

// Types the hub itself sends to a websocket client, in answer to its messages or its state.
const (
	// TypeSubscribed confirms {"subscribe": id}; Project is the project now subscribed.
	TypeSubscribed = "subscribed"
	// TypeUnsubscribed confirms {"unsubscribe": id}; Project is the project left.
	TypeUnsubscribed = "unsubscribed"
	// TypeError refuses a client message; Project is the project asked for, if any, Data {"error": "…"}.
	TypeError = "error"
	// TypeResync is sent to every client after its server's listener reconnected: events may have been missed, refetch.
	TypeResync = "resync"
)

// ErrUpgrade reports that Serve could not upgrade the request; the Upgrader
// has already written the HTTP error response, so callers only log it.
var ErrUpgrade = errors.New("live: websocket upgrade failed")

// ErrTooLarge reports an event too large to send through pg_notify.
var ErrTooLarge = errors.New("live: event too large")

// Stats counts a hub's connections for metrics and tests.
type Stats struct {
	Clients       int   // connected websocket clients
	Subscriptions int   // (client, project) pairs
	Dropped       int64 // clients dropped since start because their send buffer was full
}
