package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Channel is the PostgreSQL notification channel that carries events.
const Channel = "concord_events"

// AccessChannel carries the id of a user whose access changed (sent by the
// database's triggers, migration 000012, and by store.NotifyAccess); the
// hub then rechecks that user's clients.
const AccessChannel = "concord_access"

// ProjectChannel carries the id of a project whose settings, members, task
// count, webhooks or ML backends changed (sent by the database's triggers,
// migration 000017); each process then forgets what it cached of it.
const ProjectChannel = "concord_projects"

const (
	maxPayload    = 7000                    // largest event Notify sends; PostgreSQL refuses 8000 bytes
	listenerName  = "concord-live-listener" // application_name of Listen's connection, unless the URL sets one
	healthCheck   = 30 * time.Second        // an idle listener pings its connection this often
	pingTimeout   = 5 * time.Second         // time allowed for that ping
	minBackoff    = 250 * time.Millisecond  // first wait before reconnecting
	maxBackoff    = 30 * time.Second        // longest wait between reconnects
	closeConnWait = time.Second             // time allowed to close the listener's connection
)

// Execer is what a pgx pool, connection and transaction offer.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Notify announces e to every Concord process through pg_notify. Call it with
// the pool after the change's transaction has committed, never inside it. An
// event over ~7 KB is refused with ErrTooLarge.
func Notify(ctx context.Context, db Execer, e Event) error {
	if e.Project <= 0 || e.Type == "" {
		return fmt.Errorf("live: notify: event needs a project and a type, got %d %q", e.Project, e.Type)
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("live: notify %s: %w", e.Type, err)
	}
	if len(payload) > maxPayload {
		return fmt.Errorf("live: notify %s: %d bytes, limit %d: %w", e.Type, len(payload), maxPayload, ErrTooLarge)
	}
	if _, err := db.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, string(payload)); err != nil {
		return fmt.Errorf("live: notify %s: %w", e.Type, err)
	}
	return nil
}

// Forgetter is what a process remembers of projects and users' access (the
// store's memory); ids of 0 mean everything.
type Forgetter interface {
	ForgetProject(id int64)
	ForgetUser(id int64)
}

// Listen holds one dedicated connection that LISTENs on Channel and publishes
// every notification into hub, on AccessChannel (hub rechecks the user's
// clients, and forget, when not nil, forgets the user), and on ProjectChannel
// (forget forgets the project). When the connection drops it logs, waits
// (backing off from 250 ms to 30 s) and reconnects; after reconnecting it sends
// hub's clients TypeResync and forgets everything, as notifications may have
// been missed meanwhile. It returns nil when ctx ends, and an error only when
// connString is malformed.
func Listen(ctx context.Context, connString string, hub *Hub, forget Forgetter, log *slog.Logger) error {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return fmt.Errorf("live: listen: %w", err)
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = listenerName
	}
	if forget == nil {
		forget = forgetNothing{}
	}
	delay, lost := minBackoff, false
	for {
		err := listen(ctx, cfg, hub, forget, log, func() {
			delay = minBackoff
			if lost {
				forget.ForgetProject(0)
				forget.ForgetUser(0)
				log.Info("live: listener reconnected", "channel", Channel)
				hub.requestResync()
				hub.Recheck(0) // access changes may have been missed too
			}
		})
		if ctx.Err() != nil {
			return nil
		}
		lost = true
		log.Warn("live: listener lost its connection; reconnecting", "error", err, "retry_in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		delay = min(2*delay, maxBackoff)
	}
}

// listen connects, LISTENs, calls ready, and publishes notifications until the
// connection fails or ctx ends.
func listen(ctx context.Context, cfg *pgx.ConnConfig, hub *Hub, forget Forgetter, log *slog.Logger, ready func()) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), closeConnWait)
		defer cancel()
		conn.Close(cctx)
	}()
	for _, ch := range []string{Channel, AccessChannel, ProjectChannel} {
		if _, err := conn.Exec(ctx, `LISTEN `+ch); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	ready()
	for {
		wctx, cancel := context.WithTimeout(ctx, healthCheck)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// Idle: make sure the connection is still there.
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		case err != nil:
			return fmt.Errorf("wait: %w", err)
		case n.Channel == AccessChannel:
			if user, err := strconv.ParseInt(n.Payload, 10, 64); err == nil && user > 0 {
				forget.ForgetUser(user)
				hub.Recheck(user)
			}
		case n.Channel == ProjectChannel:
			if project, err := strconv.ParseInt(n.Payload, 10, 64); err == nil && project > 0 {
				forget.ForgetProject(project)
			}
		default:
			var e Event
			if err := json.Unmarshal([]byte(n.Payload), &e); err != nil || e.Project <= 0 || e.Type == "" {
				log.Warn("live: ignoring a malformed notification", "payload_bytes", len(n.Payload), "error", err)
				continue
			}
			hub.Publish(e)
		}
	}
}

// forgetNothing is the Forgetter of a process that remembers nothing.
type forgetNothing struct{}

func (forgetNothing) ForgetProject(int64) {}
func (forgetNothing) ForgetUser(int64)    {}
