package store

import (
	"context"
	"time"
)

// Project is a labeling project.
type Project struct {
	ID                 int64     `db:"id"`
	Title              string    `db:"title"`
	Description        string    `db:"description"`
	LabelConfig        string    `db:"label_config"`
	ExpertInstruction  string    `db:"expert_instruction"`
	MaximumAnnotations int       `db:"maximum_annotations"`
	Sampling           string    `db:"sampling"`
	LockMinutes        int       `db:"lock_minutes"`
	ShowOthers         bool      `db:"show_others"`
	RetrainEvery       int       `db:"retrain_every"`
	GoldRate           float64   `db:"gold_rate"`
	AgreementThreshold float64   `db:"agreement_threshold"`
	MaxExtra           int       `db:"max_extra_annotators"`
	GoldPauseWindow    int       `db:"gold_pause_window"`
	GoldPauseThreshold float64   `db:"gold_pause_threshold"`
	CreatedBy          *int64    `db:"created_by"`
	CreatorEmail       string    `db:"creator_email"` // "" when the creator's account is gone
	CreatorName        string    `db:"creator_name"`
	CreatedAt          time.Time `db:"created_at"`
	UpdatedAt          time.Time `db:"updated_at"`
	TaskCount          int64     `db:"task_count"`
	// AnnotationHooks: a webhook or ML backend must hear of each new
	// annotation (set by ProjectForUser only).
	AnnotationHooks bool `db:"-"`
}

// DefaultLockMinutes is how long a served task stays reserved when a project does not say.
const DefaultLockMinutes = 30

// DefaultRetrainEvery is how many new labels trigger a training when a project does not say.
const DefaultRetrainEvery = 50

// defaults fills the settings left at zero.
func (f *ProjectFields) defaults() {
	if f.LockMinutes == 0 {
		f.LockMinutes = DefaultLockMinutes
	}
	if f.RetrainEvery == 0 {
		f.RetrainEvery = DefaultRetrainEvery
	}
}

// ProjectFields are the settings a manager writes.
type ProjectFields struct {
	Title              string
	Description        string
	LabelConfig        string
	ExpertInstruction  string
	MaximumAnnotations int
	Sampling           string
	LockMinutes        int     // how long a served task stays reserved for its annotator
	ShowOthers         bool    // whether annotators may see each other's annotations
	RetrainEvery       int     // new labels that trigger a training of the in-house model
	GoldRate           float64 // share of served tasks that are gold (have ground truth), 0 to 1
	AgreementThreshold float64 // a task under this agreement gets one more annotator…
	MaxExtra           int     // …up to this many more
	GoldPauseWindow    int     // pause an annotator whose accuracy on their last this many gold tasks (0: never)…
	GoldPauseThreshold float64 // …is under this, 0 to 1
}

const projectColumns = `p.id, p.title, p.description, p.label_config, p.expert_instruction,
	p.maximum_annotations, p.sampling, p.lock_minutes, p.show_others, p.retrain_every, p.gold_rate, p.agreement_threshold, p.max_extra_annotators, p.gold_pause_window, p.gold_pause_threshold, p.created_by, p.created_at, p.updated_at,
	p.task_count, coalesce(cu.email, '') AS creator_email, coalesce(cu.name, '') AS creator_name`

// projectFrom is the FROM of every project query: the project and its creator.
const projectFrom = ` FROM projects p LEFT JOIN users cu ON cu.id = p.created_by`

// CreateProject adds a project and makes its creator a manager of it.
func (s *Store) CreateProject(ctx context.Context, f ProjectFields, creator int64) (Project, error) {
	f.defaults()
	var p Project
	err := s.Transact(ctx, func(tx *Store) error {
		var id int64
		err := tx.db.QueryRow(ctx, `
			INSERT INTO projects (title, description, label_config, expert_instruction, maximum_annotations, sampling,
				lock_minutes, show_others, retrain_every, gold_rate, agreement_threshold, max_extra_annotators, created_by,
				gold_pause_window, gold_pause_threshold)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
			f.Title, f.Description, f.LabelConfig, f.ExpertInstruction, f.MaximumAnnotations, f.Sampling,
			f.LockMinutes, f.ShowOthers, f.RetrainEvery, f.GoldRate, f.AgreementThreshold, f.MaxExtra, creator,
			f.GoldPauseWindow, f.GoldPauseThreshold).Scan(&id)
		if err != nil {
			return err
		}
		if err := tx.addMember(ctx, id, creator, RoleManager); err != nil {
			return err
		}
		p, err = tx.projectByID(ctx, id)
		return err
	})
	return p, wrap("create project", err)
}

// ProjectByID finds a project.
func (s *Store) ProjectByID(ctx context.Context, id int64) (Project, error) {
	p, err := s.projectByID(ctx, id)
	return p, wrap("project by id", err)
}

func (s *Store) projectByID(ctx context.Context, id int64) (Project, error) {
	return one[Project](s.db.Query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.id = $1`, id))
}

// Projects lists every project, newest first.
func (s *Store) Projects(ctx context.Context) ([]Project, error) {
	ps, err := all[Project](s.db.Query(ctx, `SELECT `+projectColumns+projectFrom+` ORDER BY p.id DESC`))
	return ps, wrap("projects", err)
}

// ProjectsOf lists the projects a user is a member of, newest first.
func (s *Store) ProjectsOf(ctx context.Context, userID int64) ([]Project, error) {
	ps, err := all[Project](s.db.Query(ctx, `
		SELECT `+projectColumns+projectFrom+`
		JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
		ORDER BY p.id DESC`, userID))
	return ps, wrap("projects of user", err)
}

// UpdateProject replaces a project's settings.
func (s *Store) UpdateProject(ctx context.Context, id int64, f ProjectFields) (Project, error) {
	f.defaults()
	var p Project
	err := s.Transact(ctx, func(tx *Store) error {
		err := mustAffect(tx.db.Exec(ctx, `
			UPDATE projects SET title = $2, description = $3, label_config = $4, expert_instruction = $5,
				maximum_annotations = $6, sampling = $7, lock_minutes = $8, show_others = $9, retrain_every = $10,
				gold_rate = $11, agreement_threshold = $12, max_extra_annotators = $13,
				gold_pause_window = $14, gold_pause_threshold = $15, updated_at = now()
			WHERE id = $1`,
			id, f.Title, f.Description, f.LabelConfig, f.ExpertInstruction, f.MaximumAnnotations, f.Sampling,
			f.LockMinutes, f.ShowOthers, f.RetrainEvery, f.GoldRate, f.AgreementThreshold, f.MaxExtra,
			f.GoldPauseWindow, f.GoldPauseThreshold))
		if err != nil {
			return err
		}
		// Annotators per task may have changed: which tasks are full follows.
		if _, err := tx.db.Exec(ctx, `
			UPDATE tasks SET is_full = done_count >= $2 + extra_annotators
			WHERE project_id = $1 AND is_full <> (done_count >= $2 + extra_annotators)`, id, f.MaximumAnnotations); err != nil {
			return err
		}
		tx.changed(id)
		p, err = tx.projectByID(ctx, id)
		return err
	})
	return p, wrap("update project", err)
}

// DeleteProject removes a project with its tasks and memberships.
func (s *Store) DeleteProject(ctx context.Context, id int64) error {
	err := mustAffect(s.db.Exec(ctx, `DELETE FROM projects WHERE id = $1`, id))
	s.changed(id)
	return wrap("delete project", err)
}
