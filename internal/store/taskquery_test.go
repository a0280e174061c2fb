package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// taskFixture is a project of four tasks whose every column differs, and a
// second project with a copy of the first task (never found by the first's queries).
type taskFixture struct {
	s              *store.Store
	p              store.Project
	t1, t2, t3, t4 int64
	u1, u2         int64
}

func choice(label string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`[{"from_name":"s","to_name":"text","type":"choices","value":{"choices":[%q]}}]`, label))
}

func newTaskFixture(t *testing.T) taskFixture {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t)
	mgr, _ := s.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	u1, _ := s.CreateUser(ctx, "a1@x.org", "", "h", store.RoleAnnotator)
	u2, _ := s.CreateUser(ctx, "a2@x.org", "", "h", store.RoleAnnotator)
	f := store.ProjectFields{Title: "P", LabelConfig: "<View/>", MaximumAnnotations: 2, Sampling: "sequential"}
	p, err := s.CreateProject(ctx, f, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.CreateProject(ctx, f, mgr.ID)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	task := func(pid int64, data string) int64 {
		var m map[string]any
		must(json.Unmarshal([]byte(data), &m))
		tk, err := s.CreateTask(ctx, pid, m)
		must(err)
		return tk.ID
	}
	submit := func(taskID, user int64, result json.RawMessage, cancelled bool) int64 {
		a, _, err := s.Submit(ctx, store.Submission{TaskID: taskID, UserID: user, Result: result, WasCancelled: cancelled}, p.MaximumAnnotations)
		must(err)
		return a.ID
	}
	score := func(v float64) *float64 { return &v }
	fx := taskFixture{s: s, p: p, u1: u1.ID, u2: u2.ID}
	fx.t1 = task(p.ID, `{"text": "The quick brown fox", "n": 5, "ok": true}`)
	fx.t2 = task(p.ID, `{"text": "lazy dog", "n": 10, "ok": false}`)
	fx.t3 = task(p.ID, `{"text": "Hello world 100%"}`)
	fx.t4 = task(p.ID, `{"text": "fox again", "n": 1}`)
	task(other.ID, `{"text": "The quick brown fox", "n": 5, "ok": true}`)

	gt := submit(fx.t1, u1.ID, choice("pos"), false)
	submit(fx.t1, u2.ID, choice("neg"), false)
	submit(fx.t2, u1.ID, choice("pos"), false)
	submit(fx.t3, u2.ID, json.RawMessage(`[]`), true)
	_, err = s.Pool.Exec(ctx, `UPDATE annotations SET ground_truth = true, review_state = 'accepted' WHERE id = $1`, gt)
	must(err)
	_, err = s.Pool.Exec(ctx, `UPDATE tasks SET agreement = 0.5, review_state = 'accepted' WHERE id = $1`, fx.t1)
	must(err)
	_, err = s.Pool.Exec(ctx, `UPDATE tasks SET agreement = 0.9, review_state = 'rejected',
		created_at = '2021-01-01T00:00:00Z', updated_at = '2021-01-02T00:00:00Z' WHERE id = $1`, fx.t2)
	must(err)
	_, err = s.Pool.Exec(ctx, `UPDATE annotations SET review_state = 'rejected' WHERE task_id = $1`, fx.t2)
	must(err)
	_, err = s.CreatePrediction(ctx, fx.t1, "v1", score(0.9), choice("pos"))
	must(err)
	_, err = s.CreatePrediction(ctx, fx.t2, "v2", score(0.2), choice("neg"))
	must(err)
	_, err = s.CreatePrediction(ctx, fx.t2, "v2", score(0.4), choice("neg"))
	must(err)
	return fx
}

// ids runs q and lists the ids it found.
func (fx taskFixture) ids(t *testing.T, q store.TaskQuery) []int64 {
	t.Helper()
	q.ProjectID = fx.p.ID
	if q.Limit == 0 {
		q.Limit = 100
	}
	rows, err := fx.s.FindTasks(context.Background(), q)
	if err != nil {
		t.Fatalf("FindTasks(%+v): %v", q, err)
	}
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func item(col, op, typ, value string) store.TaskFilter {
	return store.TaskFilter{Column: col, Operator: op, Type: typ, Value: json.RawMessage(value)}
}

func TestTaskFilters(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	t1, t2, t3, t4 := fx.t1, fx.t2, fx.t3, fx.t4
	all := []int64{t1, t2, t3, t4}
	u1, u2 := fmt.Sprint(fx.u1), fmt.Sprint(fx.u2)
	cases := []struct {
		name string
		f    store.TaskFilter
		want []int64
	}{
		{"id equal", item("tasks:id", "equal", "Number", fmt.Sprint(t2)), []int64{t2}},
		{"id not_equal", item("tasks:id", "not_equal", "Number", fmt.Sprint(t2)), []int64{t1, t3, t4}},
		{"id less", item("tasks:id", "less", "Number", fmt.Sprint(t2)), []int64{t1}},
		{"id greater", item("tasks:id", "greater", "Number", fmt.Sprint(t2)), []int64{t3, t4}},
		{"id less_or_equal", item("tasks:id", "less_or_equal", "Number", fmt.Sprint(t2)), []int64{t1, t2}},
		{"id greater_or_equal", item("tasks:id", "greater_or_equal", "Number", fmt.Sprint(t3)), []int64{t3, t4}},
		{"id in", item("tasks:id", "in", "Number", fmt.Sprintf(`{"min": %d, "max": %d}`, t2, t3)), []int64{t2, t3}},
		{"id not_in", item("tasks:id", "not_in", "Number", fmt.Sprintf(`{"min": %d, "max": %d}`, t2, t3)), []int64{t1, t4}},
		{"id in_list", item("tasks:id", "in_list", "Number", fmt.Sprintf(`[%d, %d]`, t1, t4)), []int64{t1, t4}},
		{"id not_in_list", item("tasks:id", "not_in_list", "Number", fmt.Sprintf(`[%d, %d]`, t1, t4)), []int64{t2, t3}},
		{"completed_at not empty (labeled)", item("tasks:completed_at", "empty", "Datetime", `false`), []int64{t1}},
		{"completed_at empty (unlabeled)", item("tasks:completed_at", "empty", "Datetime", `true`), []int64{t2, t3, t4}},
		{"completed_at after 2000", item("tasks:completed_at", "greater", "Datetime", `"2000-01-01T00:00:00.000000Z"`), []int64{t1}},
		{"created_at in 2021", item("tasks:created_at", "in", "Datetime", `{"min": "2021-01-01T00:00:00Z", "max": "2021-12-31T00:00:00Z"}`), []int64{t2}},
		{"created_at not_in 2021", item("tasks:created_at", "not_in", "Datetime", `{"min": "2021-01-01", "max": "2021-12-31"}`), []int64{t1, t3, t4}},
		{"updated_at less", item("tasks:updated_at", "less", "Datetime", `"2022-01-01T00:00:00Z"`), []int64{t2}},
		{"updated_at equal", item("tasks:updated_at", "equal", "Datetime", `"2021-01-02T00:00:00Z"`), []int64{t2}},
		{"total_annotations equal 0", item("tasks:total_annotations", "equal", "Number", `0`), []int64{t3, t4}},
		{"total_annotations greater 0", item("tasks:total_annotations", "greater", "Number", `0`), []int64{t1, t2}},
		{"cancelled_annotations (skipped)", item("tasks:cancelled_annotations", "greater", "Number", `0`), []int64{t3}},
		{"total_predictions", item("tasks:total_predictions", "greater_or_equal", "Number", `2`), []int64{t2}},
		{"reviews_accepted", item("tasks:reviews_accepted", "equal", "Number", `1`), []int64{t1}},
		{"reviews_rejected", item("tasks:reviews_rejected", "greater", "Number", `0`), []int64{t2}},
		{"agreement range", item("tasks:agreement", "in", "Number", `{"min": 0.4, "max": 0.6}`), []int64{t1}},
		{"agreement empty", item("tasks:agreement", "empty", "Number", `true`), []int64{t3, t4}},
		{"agreement not_equal keeps NULL", item("tasks:agreement", "not_equal", "Number", `0.5`), []int64{t2, t3, t4}},
		{"agreement less_or_equal", item("tasks:agreement", "less_or_equal", "Number", `0.5`), []int64{t1}},
		{"predictions_score (lowest) greater", item("tasks:predictions_score", "greater", "Number", `0.3`), []int64{t1}},
		{"predictions_score (lowest) less", item("tasks:predictions_score", "less", "Number", `0.3`), []int64{t2}},
		{"predictions_score empty", item("tasks:predictions_score", "empty", "Number", `true`), []int64{t3, t4}},
		{"reviewed", item("tasks:reviewed", "equal", "Boolean", `true`), []int64{t1, t2}},
		{"not reviewed", item("tasks:reviewed", "not_equal", "Boolean", `true`), []int64{t3, t4}},
		{"review_state equal", item("tasks:review_state", "equal", "String", `"rejected"`), []int64{t2}},
		{"review_state empty", item("tasks:review_state", "empty", "String", `true`), []int64{t3, t4}},
		{"review_state in_list", item("tasks:review_state", "in_list", "String", `["accepted", "rejected"]`), []int64{t1, t2}},
		{"review_state not_in_list", item("tasks:review_state", "not_in_list", "String", `["accepted"]`), []int64{t2, t3, t4}},
		{"ground_truth", item("tasks:ground_truth", "equal", "Boolean", `true`), []int64{t1}},
		{"ground_truth false", item("tasks:ground_truth", "equal", "Boolean", `false`), []int64{t2, t3, t4}},
		{"annotators contains", item("tasks:annotators", "contains", "List", u1), []int64{t1, t2}},
		{"annotators not_contains", item("tasks:annotators", "not_contains", "List", u1), []int64{t3, t4}},
		{"annotators equal", item("tasks:annotators", "equal", "List", u2), []int64{t1, t3}},
		{"annotators not_equal", item("tasks:annotators", "not_equal", "List", u2), []int64{t2, t4}},
		{"annotators in_list", item("tasks:annotators", "in_list", "List", "["+u1+","+u2+"]"), []int64{t1, t2, t3}},
		{"annotators not_in_list", item("tasks:annotators", "not_in_list", "List", "["+u2+"]"), []int64{t2, t4}},
		{"annotators empty", item("tasks:annotators", "empty", "List", `true`), []int64{t4}},
		{"annotators not empty", item("tasks:annotators", "empty", "List", `false`), []int64{t1, t2, t3}},
		{"annotation label", item("tasks:annotations_labels", "contains", "List", `"neg"`), []int64{t1}},
		{"annotation labels in_list", item("tasks:annotations_labels", "in_list", "List", `["pos", "neg"]`), []int64{t1, t2}},
		{"annotation label not_contains", item("tasks:annotations_labels", "not_contains", "List", `"pos"`), []int64{t3, t4}},
		{"prediction label", item("tasks:predictions_labels", "equal", "List", `"neg"`), []int64{t2}},
		{"prediction labels empty", item("tasks:predictions_labels", "empty", "List", `true`), []int64{t3, t4}},
		{"model version", item("tasks:predictions_model_versions", "contains", "List", `"v1"`), []int64{t1}},
		{"model version not_in_list", item("tasks:predictions_model_versions", "not_in_list", "List", `["v1"]`), []int64{t2, t3, t4}},
		{"model version empty", item("tasks:predictions_model_versions", "empty", "List", `false`), []int64{t1, t2}},
		{"annotations_results contains", item("tasks:annotations_results", "contains", "String", `"NEG"`), []int64{t1}},
		{"annotations_results not_contains", item("tasks:annotations_results", "not_contains", "String", `"pos"`), []int64{t3, t4}},
		{"annotations_results empty", item("tasks:annotations_results", "empty", "String", `true`), []int64{t3, t4}},
		{"predictions_results contains", item("tasks:predictions_results", "contains", "String", `"pos"`), []int64{t1}},
		{"data text contains", item("tasks:data.text", "contains", "String", `"FOX"`), []int64{t1, t4}},
		{"data text not_contains", item("tasks:data.text", "not_contains", "String", `"fox"`), []int64{t2, t3}},
		{"data text equal", item("tasks:data.text", "equal", "String", `"lazy dog"`), []int64{t2}},
		{"data text not_equal", item("tasks:data.text", "not_equal", "String", `"lazy dog"`), []int64{t1, t3, t4}},
		{"data text in_list", item("tasks:data.text", "in_list", "String", `["lazy dog", "fox again"]`), []int64{t2, t4}},
		{"data text not_in_list", item("tasks:data.text", "not_in_list", "String", `["lazy dog"]`), []int64{t1, t3, t4}},
		{"data n greater (Number)", item("tasks:data.n", "greater", "Number", `4`), []int64{t1, t2}},
		{"data n in (Number)", item("tasks:data.n", "in", "Number", `{"min": 1, "max": 5}`), []int64{t1, t4}},
		{"data n empty", item("tasks:data.n", "empty", "Number", `true`), []int64{t3}},
		{"data n as a string is text", item("tasks:data.n", "equal", "String", `"10"`), []int64{t2}},
		{"data ok (Boolean)", item("tasks:data.ok", "equal", "Boolean", `false`), []int64{t2}},
		{"data missing field is empty", item("tasks:data.nope", "empty", "String", `true`), all},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fx.ids(t, store.TaskQuery{Filters: []store.TaskFilter{c.f}})
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestTaskQueryConjunctionSelectionSearch(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	t1, t2, t3, t4 := fx.t1, fx.t2, fx.t3, fx.t4
	fox := item("tasks:data.text", "contains", "String", `"fox"`)
	done := item("tasks:total_annotations", "greater", "Number", `0`)
	cases := []struct {
		name string
		q    store.TaskQuery
		want []int64
	}{
		{"and", store.TaskQuery{Filters: []store.TaskFilter{fox, done}}, []int64{t1}},
		{"or", store.TaskQuery{Conjunction: "or", Filters: []store.TaskFilter{fox, done}}, []int64{t1, t2, t4}},
		{"included", store.TaskQuery{Selected: store.Selection{Only: true, Included: []int64{t2, t3}}}, []int64{t2, t3}},
		{"none included", store.TaskQuery{Selected: store.Selection{Only: true}}, nil},
		{"all but excluded", store.TaskQuery{Selected: store.Selection{Excluded: []int64{t2}}}, []int64{t1, t3, t4}},
		{"search one word", store.TaskQuery{Search: "FOX"}, []int64{t1, t4}},
		{"search every word", store.TaskQuery{Search: "fox quick"}, []int64{t1}},
		{"search wildcard is literal", store.TaskQuery{Search: "100%"}, []int64{t3}},
		{"search _ is literal", store.TaskQuery{Search: "l_zy"}, nil},
		{"selection and filter", store.TaskQuery{Selected: store.Selection{Only: true, Included: []int64{t1, t2}}, Filters: []store.TaskFilter{fox}}, []int64{t1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fx.ids(t, c.q); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestTaskSortsAndKeyset(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	t1, t2, t3, t4 := fx.t1, fx.t2, fx.t3, fx.t4
	// The expected ascending order of each sortable column (NULLs last, ties by id).
	cases := map[string][]int64{
		"tasks:id":                    {t1, t2, t3, t4},
		"tasks:created_at":            {t2, t1, t3, t4},
		"tasks:total_annotations":     {t3, t4, t2, t1},
		"tasks:cancelled_annotations": {t1, t2, t4, t3},
		"tasks:total_predictions":     {t3, t4, t1, t2},
		"tasks:reviews_accepted":      {t2, t3, t4, t1},
		"tasks:reviews_rejected":      {t1, t3, t4, t2},
		"tasks:completed_at":          {t1, t2, t3, t4},
		"tasks:agreement":             {t1, t2, t3, t4},
		"tasks:predictions_score":     {t2, t1, t3, t4},
		"tasks:reviewed":              {t3, t4, t1, t2},
		"tasks:review_state":          {t3, t4, t1, t2},
		"tasks:ground_truth":          {t2, t3, t4, t1},
	}
	// updated_at depends on write times, and text order on the database's collation: ask the database.
	cases["tasks:updated_at"] = orderedIDs(t, fx, "updated_at, id")
	cases["tasks:data.text"] = orderedIDs(t, fx, "data->>'text', id")
	for _, name := range append(store.ColumnNames(), "tasks:data.text") {
		want, sortable := cases[name]
		q := store.TaskQuery{Order: store.TaskOrder{Column: name}}
		if !sortable {
			q.ProjectID, q.Limit = fx.p.ID, 10
			var qe *store.QueryError
			if _, err := fx.s.FindTasks(context.Background(), q); !errors.As(err, &qe) || !strings.Contains(qe.Msg, name) {
				t.Errorf("sorting by set column %s: got %v, want a QueryError naming it", name, err)
			}
			continue
		}
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s desc=%v", name, desc), func(t *testing.T) {
				q.Order.Desc = desc
				exp := slices.Clone(want)
				if desc {
					exp = descending(t, fx, name)
				}
				if got := fx.ids(t, q); !slices.Equal(got, exp) {
					t.Fatalf("order: got %v, want %v", got, exp)
				}
				// Walk it one row per page by keyset: the same order, nothing twice.
				var walked []int64
				q := q
				q.ProjectID, q.Limit = fx.p.ID, 1
				for range 10 {
					rows, err := fx.s.FindTasks(context.Background(), q)
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) == 0 {
						break
					}
					walked = append(walked, rows[0].ID)
					c := rows[0].Cursor()
					q.After = &c
				}
				if !slices.Equal(walked, exp) {
					t.Fatalf("keyset walk: got %v, want %v", walked, exp)
				}
			})
		}
	}
}

// descending is the descending order matching an ascending one: ties by id
// descending, NULLs first (as PostgreSQL orders).
func descending(t *testing.T, fx taskFixture, name string) []int64 {
	order := map[string]string{
		"tasks:completed_at":          "is_full, id DESC", // only t1 is complete: the NULLs (the rest) come first
		"tasks:agreement":             "agreement DESC, id DESC",
		"tasks:predictions_score":     "(SELECT min(score) FROM predictions p WHERE p.task_id = t.id) DESC, id DESC",
		"tasks:total_annotations":     "done_count DESC, id DESC",
		"tasks:created_at":            "created_at DESC, id DESC",
		"tasks:updated_at":            "updated_at DESC, id DESC",
		"tasks:id":                    "id DESC",
		"tasks:cancelled_annotations": "(SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND a.was_cancelled) DESC, id DESC",
		"tasks:total_predictions":     "(SELECT count(*) FROM predictions p WHERE p.task_id = t.id) DESC, id DESC",
		"tasks:reviews_accepted":      "(SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND a.review_state = 'accepted') DESC, id DESC",
		"tasks:reviews_rejected":      "(SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND a.review_state = 'rejected') DESC, id DESC",
		"tasks:reviewed":              "review_state <> '' DESC, id DESC",
		"tasks:review_state":          "review_state DESC, id DESC",
		"tasks:ground_truth":          "EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.ground_truth) DESC, id DESC",
		"tasks:data.text":             "data->>'text' DESC, id DESC",
	}[name]
	return orderedIDs(t, fx, order)
}

// orderedIDs lists the fixture project's task ids in an ORDER BY written by the test.
func orderedIDs(t *testing.T, fx taskFixture, order string) []int64 {
	t.Helper()
	rows, err := fx.s.Pool.Query(context.Background(), `SELECT id FROM tasks t WHERE project_id = $1 ORDER BY `+order, fx.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func TestTaskQueryErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ query, names string }{
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:nope", "operator": "equal", "type": "Number", "value": 1}]}}`, `"tasks:nope"`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "regex", "type": "Number", "value": 1}]}}`, `"regex"`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "contains", "type": "Number", "value": 1}]}}`, `"contains"`},
		{`{"filters": {"conjunction": "xor", "items": []}}`, `"xor"`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "tasks:id", "operator": "equal", "type": "Number", "value": 1}]}}`, `"tasks:id"`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "equal", "type": "Number", "value": "x"}]}}`, `"x"`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "equal", "type": "Number", "value": 1.5}]}}`, `1.5`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "in", "type": "Number", "value": 3}]}}`, `min`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:created_at", "operator": "less", "type": "Datetime", "value": "yesterday"}]}}`, `yesterday`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:completed_at", "operator": "empty", "type": "Datetime", "value": "maybe"}]}}`, `maybe`},
		{`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:annotators", "operator": "contains", "type": "List", "value": "ann"}]}}`, `ann`},
		{`{"ordering": ["tasks:bogus"]}`, `"tasks:bogus"`},
		{`{"ordering": ["-tasks:annotators"]}`, `tasks:annotators`},
		{`{"ordering": ["tasks:id", "tasks:agreement"]}`, `one column`},
		{`{"filterz": {}}`, `filterz`},
		{`not json`, `query`},
	}
	for _, c := range cases {
		_, err := store.ParseDMQuery(1, c.query)
		var qe *store.QueryError
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, c.names) {
			t.Errorf("ParseDMQuery(%s) = %v; want a QueryError naming %s", c.query, err, c.names)
		}
	}
}

func TestParseDMQueryFromTheSDK(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	// What label-studio-sdk 0.0.34 sends for get_labeled_tasks(), get_unlabeled_tasks() and a filter on ids.
	labeled := `{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:completed_at", "operator": "empty", "value": false, "type": "Datetime"}]}, "ordering": [], "selectedItems": {"all": true, "excluded": []}}`
	unlabeled := `{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:completed_at", "operator": "empty", "value": true, "type": "Datetime"}]}, "ordering": [], "selectedItems": {"all": true, "excluded": []}}`
	none := `{"filters": null, "ordering": ["-tasks:id"], "selectedItems": {"all": false, "included": [` + fmt.Sprint(fx.t2) + `, ` + fmt.Sprint(fx.t3) + `]}}`
	for _, c := range []struct {
		query string
		want  []int64
	}{
		{labeled, []int64{fx.t1}},
		{unlabeled, []int64{fx.t2, fx.t3, fx.t4}},
		{none, []int64{fx.t3, fx.t2}},
		{``, []int64{fx.t1, fx.t2, fx.t3, fx.t4}},
	} {
		q, err := store.ParseDMQuery(fx.p.ID, c.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := fx.ids(t, q); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.query, got, c.want)
		}
	}
}

func TestCountTasks(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	for _, c := range []struct {
		q    store.TaskQuery
		want int64
	}{
		{store.TaskQuery{ProjectID: fx.p.ID}, 4},
		{store.TaskQuery{ProjectID: fx.p.ID, Search: "fox"}, 2},
		{store.TaskQuery{ProjectID: fx.p.ID, Selected: store.Selection{Excluded: []int64{fx.t1}}}, 3},
		{store.TaskQuery{ProjectID: fx.p.ID,
			Filters: []store.TaskFilter{item("tasks:total_annotations", "equal", "Number", "0")}}, 2},
	} {
		got, err := fx.s.CountTasks(ctx, c.q)
		if err != nil || got != (store.TaskCount{N: c.want, Exact: true}) {
			t.Errorf("CountTasks(%+v) = %+v, %v; want exactly %d", c.q, got, err, c.want)
		}
	}
	var ids []int64
	q := store.TaskQuery{ProjectID: fx.p.ID, Search: "o"}
	if err := fx.s.TaskIDs(ctx, q, 1, func(batch []int64) error { ids = append(ids, batch...); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []int64{fx.t1, fx.t2, fx.t3, fx.t4}; !slices.Equal(ids, want) {
		t.Errorf("TaskIDs by batches of 1 = %v, want %v", ids, want)
	}
}
