package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// ExportFilter chooses what an export reads. The annotation filters (dates,
// annotators, label, ground truth) keep the annotations that pass them all;
// a task none of whose annotations pass is left out unless AllTasks is set.
//
// There is no review state to filter on yet: annotations have no review
// column (the review workflow is another issue's); add it here when they do.
type ExportFilter struct {
	From, To        *time.Time    // annotation created_at in [From, To)
	Annotators      []int64       // completed_by in this list (empty: anyone)
	Label           string        // a result value (a choice, a span, box or region label, a text) equals this
	GroundTruthOnly bool          // only annotations marked ground truth
	ReviewState     string        // "": any; "accepted", "rejected", or "unreviewed"
	Skipped         bool          // also annotations the annotator skipped (was_cancelled)
	AllTasks        bool          // also tasks without a passing annotation
	Predictions     bool          // read each task's predictions
	Media           bool          // read the facts of media the task data names (/media/<sha256>)
	Tasks           SnapshotTasks // which tasks, by their annotations (Label Studio's task_filter_options)
	Query           string        // only the tasks this Data Manager query selects (a task table selection); "": all
}

// Task filter modes: a SnapshotTasks field keeps every task (""), only the tasks
// that have the property, or only those that have not.
const (
	TasksOnly    = "only"
	TasksExclude = "exclude"
)

// SnapshotTasks chooses tasks by their annotations, whatever the annotation
// filters keep, as Label Studio's export snapshots do; each field is "",
// TasksOnly or TasksExclude.
type SnapshotTasks struct {
	Annotated string // has an annotation that is not a skip
	Skipped   string // has a skip
	Finished  string // all its annotators are done (is_full)
	Reviewed  string // has a reviewed annotation
}

// ExportTask is one task as exports read it: its data and the JSON arrays its
// annotations and predictions were aggregated into by the database.
//
// Annotations hold objects {"id", "completed_by", "email", "result",
// "was_cancelled", "ground_truth", "lead_time", "created_at"}; predictions
// {"model_version", "score", "result"}; Media maps each media hash in the data
// to {"filename", "width", "height"}. The byte slices are only valid during
// the callback that receives them.
type ExportTask struct {
	ID          int64
	Data        json.RawMessage
	Annotations json.RawMessage
	Predictions json.RawMessage
	Media       json.RawMessage
}

// The export query aggregates each task's annotations with json_agg in a
// lateral subquery and streams tasks in id order, so the client holds one
// task at a time whatever the project's size.
const exportQuery = `
	SELECT t.id, t.data, coalesce(a.anns, '[]'::json), coalesce(p.preds, '[]'::json), md.media
	FROM tasks t
	LEFT JOIN LATERAL (
		SELECT json_agg(json_build_object('id', a.id, 'completed_by', a.completed_by, 'email', u.email,
			'result', a.result, 'was_cancelled', a.was_cancelled, 'ground_truth', a.ground_truth,
			'lead_time', a.lead_time, 'created_at', a.created_at, 'review_state', a.review_state) ORDER BY a.id) AS anns
		FROM annotations a LEFT JOIN users u ON u.id = a.completed_by
		WHERE a.task_id = t.id` + exportAnnotationFilter + `
	) a ON true
	LEFT JOIN LATERAL (
		SELECT json_agg(json_build_object('model_version', p.model_version, 'score', p.score, 'result', p.result) ORDER BY p.id) AS preds
		FROM predictions p WHERE p.task_id = t.id AND $9
	) p ON true
	LEFT JOIN LATERAL (
		SELECT json_object_agg(f.hash, json_build_object('filename', f.filename, 'width', f.width, 'height', f.height)) AS media
		FROM jsonb_each_text(CASE WHEN $10 THEN t.data ELSE '{}'::jsonb END) d
		CROSS JOIN LATERAL (
			-- One primary-key look-up per media value of this task, in this project only.
			SELECT pm.hash, pm.filename, m.width, m.height FROM project_media pm JOIN media m ON m.hash = pm.hash
			WHERE pm.project_id = $1 AND pm.hash = substring(d.value FROM '^/media/([0-9a-f]{64})$')
			LIMIT 1 -- (project_id, hash) is the key; the limit keeps the look-up per value, never a join of the project's media
		) f
	) md ON true
	WHERE t.project_id = $1 AND ($8 OR a.anns IS NOT NULL)` + exportTaskFilter

// exportTaskFilter is the task condition of exportQuery ($12–$15) and, renumbered, of CountExportTasks.
const exportTaskFilter = `
	AND ($12::text = '' OR ($12 = 'only') = EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND NOT x.was_cancelled))
	AND ($13::text = '' OR ($13 = 'only') = EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND x.was_cancelled))
	AND ($14::text = '' OR ($14 = 'only') = t.is_full)
	AND ($15::text = '' OR ($15 = 'only') = EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND x.review_state <> ''))`

// exportAnnotationFilter is the annotation condition of exportQuery and CountExportTasks ($2–$7, $11).
const exportAnnotationFilter = `
		AND ($2::timestamptz IS NULL OR a.created_at >= $2)
		AND ($3::timestamptz IS NULL OR a.created_at < $3)
		AND (cardinality($4::bigint[]) = 0 OR a.completed_by = ANY($4))
		AND ($5 = '' OR jsonb_path_exists(a.result, '$[*].value.* ? (@ == $l)', jsonb_build_object('l', $5::text)))
		AND (NOT $6 OR a.ground_truth)
		AND ($7 OR NOT a.was_cancelled)
		AND ($11 = '' OR a.review_state = $11 OR ($11 = 'unreviewed' AND a.review_state = ''))`

func (f ExportFilter) args(projectID int64) []any {
	ann := f.Annotators
	if ann == nil {
		ann = []int64{}
	}
	return []any{projectID, f.From, f.To, ann, f.Label, f.GroundTruthOnly, f.Skipped, f.AllTasks, f.Predictions, f.Media, f.ReviewState,
		f.Tasks.Annotated, f.Tasks.Skipped, f.Tasks.Finished, f.Tasks.Reviewed}
}

// ExportTasks calls fn with each of a project's tasks that pass the filter, in
// id order, reading them from one query as fn consumes them. An error from fn
// stops the query and is returned as it is.
func (s *Store) ExportTasks(ctx context.Context, projectID int64, f ExportFilter, fn func(ExportTask) error) error {
	sql, args, err := ExportQuerySQL(projectID, f)
	if err != nil {
		return err
	}
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return wrap("export tasks", err)
	}
	defer rows.Close()
	var t ExportTask
	for rows.Next() {
		// RawValues are the wire bytes, valid until the next row: no copy.
		// The JSON columns arrive as text; jsonb (data) carries a version byte in binary.
		v := rows.RawValues()
		if err := rows.Scan(&t.ID, nil, nil, nil, nil); err != nil {
			return wrap("export tasks", err)
		}
		t.Data, t.Annotations, t.Predictions, t.Media = jsonbBytes(v[1]), v[2], v[3], v[4]
		if err := fn(t); err != nil {
			return err
		}
	}
	return wrap("export tasks", rows.Err())
}

// jsonbBytes strips the version byte of jsonb's binary format (1), if any.
func jsonbBytes(b []byte) []byte {
	if len(b) > 0 && b[0] == 1 {
		return b[1:]
	}
	return b
}

// ExportQuerySQL returns the export query and its arguments (for measuring it
// against PostgreSQL's own COPY, the benchmark's baseline); a bad Query is a QueryError.
func ExportQuerySQL(projectID int64, f ExportFilter) (string, []any, error) {
	a := &sqlArgs{args: f.args(projectID)}
	sel, err := f.selection(projectID, a)
	return exportQuery + sel + ` ORDER BY t.id`, a.args, err
}

// selection is the condition (with its leading AND) that keeps the tasks of
// f.Query, its parameters bound after those already in a; "" without a query.
func (f ExportFilter) selection(projectID int64, a *sqlArgs) (string, error) {
	if f.Query == "" {
		return "", nil
	}
	q, err := ParseDMQuery(projectID, f.Query)
	if err != nil {
		return "", err
	}
	q.Order, q.After, q.Offset = TaskOrder{}, nil, 0
	where, _, err := q.build(a)
	return " AND " + where, err
}

// CountExportTasks counts the tasks ExportTasks would give.
func (s *Store) CountExportTasks(ctx context.Context, projectID int64, f ExportFilter) (int64, error) {
	var n int64
	args := f.args(projectID)
	// The filter's review state is $11 in the export query and $9 here, the
	// task filter's $12–$15 are $10–$13 (predictions and media are not read);
	// the selection's parameters follow.
	renumber := strings.NewReplacer("$11", "$9", "$12", "$10", "$13", "$11", "$14", "$12", "$15", "$13")
	a := &sqlArgs{args: append(args[:8:8], args[10:]...)}
	sel, err := f.selection(projectID, a)
	if err != nil {
		return 0, err
	}
	err = s.db.QueryRow(ctx, `
		SELECT count(*) FROM tasks t WHERE t.project_id = $1 AND ($8 OR EXISTS (
			SELECT 1 FROM annotations a WHERE a.task_id = t.id`+renumber.Replace(exportAnnotationFilter)+`))`+renumber.Replace(exportTaskFilter)+sel,
		a.args...).Scan(&n)
	return n, wrap("count export tasks", err)
}
