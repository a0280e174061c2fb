package api

import (
	"fmt"
	"sync"

	"concord/internal/app"
	"concord/web/problem"
)

// Caps on exports, so that one user or one project cannot take the database's
// connections or the worker's queue from everyone else. A streamed export
// holds one connection while it reads (at the database's pace, see
// exportNow). Queued exports have theirs in app.Exports.
const (
	StreamedExportsPerUser    = 2
	StreamedExportsPerProject = 3
)

// exportSlots counts the streamed exports running in this process by user and by project.
type exportSlots struct {
	mu        sync.Mutex
	byUser    map[int64]int
	byProject map[int64]int
}

// take reserves a slot for user's export of project, or says why not; the
// returned func gives it back.
func (s *exportSlots) take(user, project int64) (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byUser == nil {
		s.byUser, s.byProject = map[int64]int{}, map[int64]int{}
	}
	switch {
	case s.byUser[user] >= StreamedExportsPerUser:
		return nil, problem.TooMany(fmt.Sprintf("you already have %d exports streaming; wait for one to finish", StreamedExportsPerUser), app.ExportRetryAfter)
	case s.byProject[project] >= StreamedExportsPerProject:
		return nil, problem.TooMany(fmt.Sprintf("this project already has %d exports streaming; wait for one to finish", StreamedExportsPerProject), app.ExportRetryAfter)
	}
	s.byUser[user]++
	s.byProject[project]++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.byUser[user]--; s.byUser[user] == 0 {
			delete(s.byUser, user)
		}
		if s.byProject[project]--; s.byProject[project] == 0 {
			delete(s.byProject, project)
		}
	}, nil
}
