package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TaskQuery selects, orders and pages a project's tasks: the one filter
// engine behind the task table and the Data Manager `query` of /api/tasks.
// Build it with ParseDMQuery or by hand, then Validate it (FindTasks and
// CountTasks do).
type TaskQuery struct {
	ProjectID   int64
	Conjunction string       // "and" (default) or "or", between Filters
	Filters     []TaskFilter // Label Studio's filter items
	Order       TaskOrder    // zero: by id
	Selected    Selection    // zero: every matching task
	Search      string       // words that must all occur in the task's data (full text)
	After       *Cursor      // keyset: the rows after this one in Order
	Offset      int          // rows to skip (Label Studio's page numbers); prefer After
	Limit       int
}

// TaskFilter is one condition: a column, an operator and a value, with
// Label Studio's names ("tasks:total_annotations", "greater", 2).
type TaskFilter struct {
	Column   string // "tasks:<name>" or "tasks:data.<field>"
	Operator string
	Type     string // Label Studio's value type; it chooses how data fields compare
	Value    json.RawMessage
}

// TaskOrder sorts by one column, then by id in the same direction.
type TaskOrder struct {
	Column string // "tasks:<name>"; empty: tasks:id
	Desc   bool
}

// Selection is Label Studio's selectedItems: every task but Excluded, or
// (Only) just the Included ones. The zero Selection is every task.
type Selection struct {
	Only     bool
	Included []int64
	Excluded []int64
}

// Cursor is where a keyset page starts: the sort value (as PostgreSQL prints
// it; nil for NULL) and the id of the last row seen.
type Cursor struct {
	Value *string `json:"v"`
	ID    int64   `json:"id"`
}

// QueryError says a task query is malformed: it names the filter, operator,
// column or value at fault. The HTTP layers answer it with 400.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

func queryErr(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// dmQuery is the JSON of Label Studio's Data Manager query.
type dmQuery struct {
	Filters       *dmFilters `json:"filters,omitempty"`
	Ordering      []string   `json:"ordering,omitempty"`
	SelectedItems *dmItems   `json:"selectedItems,omitempty"`
	Search        string     `json:"search,omitempty"` // Concord's addition: full-text search in the task data
}

type dmFilters struct {
	Conjunction string     `json:"conjunction"`
	Items       []dmFilter `json:"items"`
}

type dmFilter struct {
	Filter   string          `json:"filter"`
	Operator string          `json:"operator"`
	Type     string          `json:"type"`
	Value    json.RawMessage `json:"value"`
}

type dmItems struct {
	All      bool    `json:"all"`
	Included []int64 `json:"included,omitempty"`
	Excluded []int64 `json:"excluded,omitempty"`
}

// ParseDMQuery reads the `query` parameter of Label Studio's /api/tasks into
// a TaskQuery for the project, validated: an unknown filter, operator or
// ordering column is a QueryError naming it.
func ParseDMQuery(projectID int64, raw string) (TaskQuery, error) {
	if strings.TrimSpace(raw) == "" {
		return TaskQuery{ProjectID: projectID}, nil
	}
	var in dmQuery
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return TaskQuery{ProjectID: projectID}, queryErr("query: not a Data Manager query (%v)", err)
	}
	return in.query(projectID)
}

// query is the TaskQuery of a Data Manager query, validated.
func (in dmQuery) query(projectID int64) (TaskQuery, error) {
	q := TaskQuery{ProjectID: projectID}
	if f := in.Filters; f != nil {
		q.Conjunction = f.Conjunction
		for _, it := range f.Items {
			col, ok := strings.CutPrefix(it.Filter, "filter:")
			if !ok {
				return q, queryErr("query: filter %q must start with \"filter:\"", it.Filter)
			}
			q.Filters = append(q.Filters, TaskFilter{Column: col, Operator: it.Operator, Type: it.Type, Value: it.Value})
		}
	}
	switch len(in.Ordering) {
	case 0:
	case 1:
		o := in.Ordering[0]
		q.Order.Desc = strings.HasPrefix(o, "-")
		q.Order.Column = strings.TrimPrefix(strings.TrimPrefix(o, "-"), "filter:")
	default:
		return q, queryErr("query: ordering takes one column, got %d", len(in.Ordering))
	}
	if s := in.SelectedItems; s != nil {
		q.Selected = Selection{Only: !s.All, Included: s.Included, Excluded: s.Excluded}
	}
	q.Search = in.Search
	return q, q.Validate()
}

// dm is q as a Data Manager query (its page left out).
func (q TaskQuery) dm() dmQuery {
	var out dmQuery
	if len(q.Filters) > 0 || q.Conjunction != "" {
		out.Filters = &dmFilters{Conjunction: cmp.Or(q.Conjunction, "and"), Items: []dmFilter{}}
		for _, f := range q.Filters {
			out.Filters.Items = append(out.Filters.Items, dmFilter{Filter: "filter:" + f.Column, Operator: f.Operator, Type: f.Type, Value: f.Value})
		}
	}
	if q.Order.Column != "" || q.Order.Desc {
		o := cmp.Or(q.Order.Column, "tasks:id")
		if q.Order.Desc {
			o = "-" + o
		}
		out.Ordering = []string{o}
	}
	if s := q.Selected; s.Only || len(s.Excluded) > 0 {
		out.SelectedItems = &dmItems{All: !s.Only, Included: s.Included, Excluded: s.Excluded}
	}
	out.Search = q.Search
	return out
}

// DMQuery is q as Label Studio's Data Manager query, the JSON ParseDMQuery
// reads back (its page left out): how a selection travels in jobs and exports.
func (q TaskQuery) DMQuery() string {
	b, _ := json.Marshal(q.dm())
	return string(b)
}

// Validate checks every column, operator and value of the query.
func (q TaskQuery) Validate() error {
	_, _, err := q.build(&sqlArgs{})
	return err
}

// value kinds a filter value parses into.
type filterValue struct {
	scalar   any   // float64, time.Time, string or bool
	min, max any   // for in / not_in
	list     []any // for in_list / not_in_list
}

// parseValue reads a filter's JSON value as the column's type expects for op.
func parseValue(f TaskFilter, typ string, op string) (filterValue, error) {
	var v filterValue
	raw := bytes.TrimSpace(f.Value)
	switch op {
	case "empty":
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return v, queryErr("filter %s: operator empty takes true or false, got %s", f.Column, raw)
		}
		v.scalar = b
		return v, nil
	case "in", "not_in":
		var r struct {
			Min json.RawMessage `json:"min"`
			Max json.RawMessage `json:"max"`
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.Min == nil || r.Max == nil {
			return v, queryErr("filter %s: operator %s takes {\"min\": …, \"max\": …}, got %s", f.Column, op, raw)
		}
		var err error
		if v.min, err = scalarOf(f.Column, typ, r.Min); err != nil {
			return v, err
		}
		v.max, err = scalarOf(f.Column, typ, r.Max)
		return v, err
	case "in_list", "not_in_list":
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return v, queryErr("filter %s: operator %s takes a list, got %s", f.Column, op, raw)
		}
		for _, it := range items {
			s, err := scalarOf(f.Column, typ, it)
			if err != nil {
				return v, err
			}
			v.list = append(v.list, s)
		}
		return v, nil
	}
	var err error
	v.scalar, err = scalarOf(f.Column, typ, raw)
	return v, err
}

// scalarOf parses one JSON value as a typ (Number, Datetime, Boolean, String).
func scalarOf(col, typ string, raw json.RawMessage) (any, error) {
	var s string
	isString := json.Unmarshal(raw, &s) == nil
	switch typ {
	case "Number":
		var n float64
		if err := json.Unmarshal(raw, &n); err == nil {
			return n, nil
		}
		if isString {
			if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
				return n, nil
			}
		}
		return nil, queryErr("filter %s: %s is not a number", col, raw)
	case "Datetime":
		if isString {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t, nil
			}
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return t, nil
			}
		}
		return nil, queryErr("filter %s: %s is not a date and time (give RFC 3339, e.g. 2021-11-01T00:00:00Z)", col, raw)
	case "Boolean":
		var b bool
		if err := json.Unmarshal(raw, &b); err == nil {
			return b, nil
		}
		if isString && (s == "true" || s == "false") {
			return s == "true", nil
		}
		return nil, queryErr("filter %s: %s is not true or false", col, raw)
	}
	if isString {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return nil, queryErr("filter %s: %s is not a string", col, raw)
}
