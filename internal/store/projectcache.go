package store

import (
	"context"
	"sync"
	"time"
)

// projectTTL bounds how long a process answers ProjectForUser from memory. A
// change is forgotten sooner: at once in the process that made it (after its
// commit), and in every other process when the concord_projects notification
// that the database's triggers send (migration 000017) reaches ForgetProject.
const projectTTL = 10 * time.Second

// projectCache keeps, per process, the projects that ProjectForUser read
// outside a transaction, with each caller's role in them: the annotator's hot
// path then reads neither projects nor project_members.
type projectCache struct {
	mu  sync.Mutex
	gen uint64 // moves on every forget: a read begun before it is not kept
	m   map[int64]map[int64]cachedRole
}

type cachedRole struct {
	p    Project
	role string
	at   time.Time
}

func newProjectCache() *projectCache {
	return &projectCache{m: map[int64]map[int64]cachedRole{}}
}

// get finds a live entry, or says which generation a read that fills it starts in.
func (c *projectCache) get(id, userID int64) (cachedRole, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id][userID]
	if ok && time.Since(e.at) < projectTTL {
		return e, c.gen, true
	}
	return e, c.gen, false
}

// put keeps what a read begun in generation gen found, unless something was
// forgotten since: that read may predate the change.
func (c *projectCache) put(gen uint64, userID int64, e cachedRole) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m[e.p.ID] == nil {
		c.m[e.p.ID] = map[int64]cachedRole{}
	}
	c.m[e.p.ID][userID] = e
}

// forget drops a project (0: every project).
func (c *projectCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if id == 0 {
		clear(c.m)
		return
	}
	delete(c.m, id)
}

// ForgetProject drops what this process remembers of a project (0: of every
// project); live.Listen calls it for each concord_projects notification, and
// with 0 after reconnecting, when notifications may have been missed.
func (s *Store) ForgetProject(id int64) {
	if s.cache != nil {
		s.cache.forget(id)
	}
}

// changed makes this process forget a project once the change being written
// to it (its settings, members, task count, webhooks or ML backends) commits.
func (s *Store) changed(id int64) {
	s.afterCommit(func() { s.ForgetProject(id) })
}

// ProjectForUser finds a project and the user's role in it ("" when not a
// member), with whether hooks hear of its new annotations, in one query; on
// the pool, from this process's cache when it holds them.
func (s *Store) ProjectForUser(ctx context.Context, id, userID int64) (Project, string, error) {
	if s.tx != nil || s.cache == nil {
		return s.projectForUser(ctx, id, userID)
	}
	e, gen, ok := s.cache.get(id, userID)
	if ok {
		return e.p, e.role, nil
	}
	e.p, e.role, e.at = Project{}, "", time.Now()
	var err error
	e.p, e.role, err = s.projectForUser(ctx, id, userID)
	if err == nil {
		s.cache.put(gen, userID, e)
	}
	return e.p, e.role, err
}

func (s *Store) projectForUser(ctx context.Context, id, userID int64) (Project, string, error) {
	type row struct {
		Project
		MemberRole string `db:"member_role"`
		Hooks      bool   `db:"hooks"`
	}
	r, err := one[row](s.db.Query(ctx, `SELECT `+projectColumns+`, coalesce(m.role, '') AS member_role,
			EXISTS (SELECT 1 FROM webhooks w WHERE w.project_id = p.id AND 'annotation.created' = ANY (w.events))
			OR EXISTS (SELECT 1 FROM ml_backends b WHERE b.project_id = p.id) AS hooks
		FROM projects p LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
		WHERE p.id = $1`, id, userID))
	r.Project.AnnotationHooks = r.Hooks
	return r.Project, r.MemberRole, wrap("project for user", err)
}
