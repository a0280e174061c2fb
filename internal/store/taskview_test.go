package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestTaskViews saves, reads, overlays, updates and deletes a saved view in
// Label Studio's shape; its filters select what they say; a view never
// leaves its project; bad data is refused naming the fault.
func TestTaskViews(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	s := fx.s
	data := json.RawMessage(`{"title": "Annotated", "type": "list", "columnsWidth": {"tasks:id": 80},
		"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:total_annotations", "operator": "greater", "type": "Number", "value": 0}]},
		"ordering": ["-tasks:id"], "hiddenColumns": {"explore": ["tasks:data"], "labeling": []}}`)
	v, err := s.CreateTaskView(ctx, fx.p.ID, fx.u1, data)
	if err != nil {
		t.Fatal(err)
	}
	vd, q, err := store.ParseView(fx.p.ID, v.Data)
	if err != nil {
		t.Fatal(err)
	}
	if vd.Title != "Annotated" || !slices.Equal(vd.HiddenColumns.Explore, []string{"tasks:data"}) {
		t.Errorf("view data %+v", vd)
	}
	q.Limit = 10
	if got := fx.ids(t, q); !slices.Equal(got, []int64{fx.t2, fx.t1}) {
		t.Errorf("the view's tasks: %v, want t2, t1", got)
	}
	if _, err := s.TaskViewByID(ctx, fx.p.ID+1, v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("view found through another project: %v", err)
	}
	if _, err := s.UpdateTaskView(ctx, fx.p.ID+1, v.ID, data); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("view updated through another project: %v", err)
	}
	if err := s.DeleteTaskView(ctx, fx.p.ID+1, v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("view deleted through another project: %v", err)
	}

	// The table saves a search and no filter over it: Label Studio's other keys stay.
	over, err := store.ViewDataOf(v.Data, "Foxes", store.TaskQuery{ProjectID: fx.p.ID, Search: "fox"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err = s.UpdateTaskView(ctx, fx.p.ID, v.ID, over); err != nil {
		t.Fatal(err)
	}
	var kept map[string]any
	json.Unmarshal(v.Data, &kept)
	if kept["type"] != "list" || kept["columnsWidth"] == nil || kept["title"] != "Foxes" {
		t.Errorf("overlaid data lost keys: %s", v.Data)
	}
	vd, q, err = store.ParseView(fx.p.ID, v.Data)
	if err != nil || !slices.Equal(vd.HiddenColumns.Explore, []string{"tasks:data"}) || len(q.Filters) != 0 {
		t.Fatalf("after overlay: %+v %+v %v", vd, q, err)
	}
	q.Limit = 10
	if got := fx.ids(t, q); !slices.Equal(got, []int64{fx.t1, fx.t4}) {
		t.Errorf("search fox: %v", got)
	}
	vs, err := s.TaskViews(ctx, fx.p.ID)
	if err != nil || len(vs) != 1 || vs[0].ID != v.ID {
		t.Fatalf("views: %+v, %v", vs, err)
	}
	if err := s.DeleteTaskView(ctx, fx.p.ID, v.ID); err != nil {
		t.Fatal(err)
	}
	if vs, _ := s.TaskViews(ctx, fx.p.ID); len(vs) != 0 {
		t.Errorf("%d views after delete", len(vs))
	}

	for _, c := range []struct{ data, want string }{
		{`{"filters": {"conjunction": "and", "items": []}}`, "data.title"},
		{`{"title": "  "}`, "data.title"},
		{`{"title": "x", "filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:nope", "operator": "equal", "type": "Number", "value": 1}]}}`, "tasks:nope"},
		{`{"title": "x", "ordering": ["tasks:annotators"]}`, "tasks:annotators"},
		{`{"title": "x", "filters": {"conjunction": "xor", "items": []}}`, "xor"},
		{`[1]`, "data"},
	} {
		_, _, err := store.ParseView(fx.p.ID, json.RawMessage(c.data))
		var qe *store.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseView(%s) = %v, want a QueryError naming %s", c.data, err, c.want)
		}
	}
}

// TestHiddenTaskColumns keeps each user's hidden columns per project.
func TestHiddenTaskColumns(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	if h, err := fx.s.HiddenTaskColumns(ctx, fx.u1, fx.p.ID); err != nil || h != nil {
		t.Fatalf("before any choice: %v, %v", h, err)
	}
	for _, hidden := range [][]string{{"tasks:data", "tasks:agreement"}, {}} {
		if err := fx.s.SetHiddenTaskColumns(ctx, fx.u1, fx.p.ID, hidden); err != nil {
			t.Fatal(err)
		}
		if h, err := fx.s.HiddenTaskColumns(ctx, fx.u1, fx.p.ID); err != nil || !slices.Equal(h, hidden) || h == nil {
			t.Errorf("hidden %v, %v; want %v", h, err, hidden)
		}
	}
	if h, _ := fx.s.HiddenTaskColumns(ctx, fx.u2, fx.p.ID); h != nil {
		t.Errorf("another user's choice leaked: %v", h)
	}
}

// TestDMQueryRoundTrip writes a task query as a Data Manager query and reads
// it back to the same query.
func TestDMQueryRoundTrip(t *testing.T) {
	t.Parallel()
	q := store.TaskQuery{ProjectID: 7, Conjunction: "or", Search: "fox dog",
		Filters: []store.TaskFilter{item("tasks:total_annotations", "in", "Number", `{"min": 1, "max": 2}`),
			item("tasks:annotators", "contains", "List", `3`)},
		Order:    store.TaskOrder{Column: "tasks:agreement", Desc: true},
		Selected: store.Selection{Excluded: []int64{4, 5}}}
	back, err := store.ParseDMQuery(7, q.DMQuery())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(q)
	b, _ := json.Marshal(back)
	if string(a) != string(b) {
		t.Errorf("round trip:\n%s\n%s", a, b)
	}
	only := store.TaskQuery{ProjectID: 7, Selected: store.Selection{Only: true, Included: []int64{1}}}
	if back, err := store.ParseDMQuery(7, only.DMQuery()); err != nil || !back.Selected.Only || !slices.Equal(back.Selected.Included, []int64{1}) {
		t.Errorf("selection round trip: %+v, %v", back, err)
	}
}
