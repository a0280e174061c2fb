package store

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sqlArgs collects bind parameters while a query is built: user input only
// ever reaches SQL through them, never through the SQL text.
type sqlArgs struct{ args []any }

// add binds v and returns its placeholder.
func (a *sqlArgs) add(v any) string {
	a.args = append(a.args, v)
	return "$" + strconv.Itoa(len(a.args))
}

// column is a column of the task table, in Label Studio's Data Manager names.
// A value column has expr (its SQL value, over tasks as t); a set column
// (annotators, labels, model versions…) has has (SQL true when some member
// of the task's set matches one of vals) and any (the set is not empty).
type column struct {
	typ      string // Number, Datetime, Boolean, String, List
	sqlType  string // the PostgreSQL type of expr (or of a set's members)
	expr     func(a *sqlArgs) string
	nullable bool
	empty    string // SQL true when the column is empty; default: expr IS NULL
	has      func(a *sqlArgs, vals []any) string
	any      string
}

func static(sql string) func(*sqlArgs) string { return func(*sqlArgs) string { return sql } }

// count of the task's annotations (or predictions) meeting cond.
func countOf(table, cond string) func(*sqlArgs) string {
	return static(fmt.Sprintf(`(SELECT count(*) FROM %s x WHERE x.task_id = t.id%s)`, table, cond))
}

// labelsIn is a set column of the labels chosen in the results of table:
// choices, span labels and box labels, matched by JSON containment.
func labelsIn(table, cond string) column {
	return column{typ: "List", sqlType: "text",
		has: func(a *sqlArgs, vals []any) string {
			var patterns []string
			for _, v := range vals {
				for _, kind := range []string{"choices", "labels", "rectanglelabels"} {
					b, _ := json.Marshal([]any{map[string]any{"value": map[string]any{kind: []any{v}}}})
					patterns = append(patterns, string(b))
				}
			}
			return fmt.Sprintf(`EXISTS (SELECT 1 FROM %s x WHERE x.task_id = t.id%s AND x.result @> ANY(%s::jsonb[]))`,
				table, cond, a.add(patterns))
		},
		any: fmt.Sprintf(`EXISTS (SELECT 1 FROM %s x WHERE x.task_id = t.id%s AND x.result <> '[]')`, table, cond)}
}

// textIn is a set column of the results of table, searched as text.
func textIn(table string) column {
	return column{typ: "String", sqlType: "text",
		has: func(a *sqlArgs, vals []any) string {
			return fmt.Sprintf(`EXISTS (SELECT 1 FROM %s x WHERE x.task_id = t.id AND strpos(lower(x.result::text), lower(%s)) > 0)`,
				table, a.add(vals[0]))
		},
		any: fmt.Sprintf(`EXISTS (SELECT 1 FROM %s x WHERE x.task_id = t.id AND x.result <> '[]')`, table)}
}

// columns are the task table's columns. Label Studio's names first, then
// Concord's own (review_state, assignees, annotations_labels, predictions_labels).
var columns = map[string]column{
	"tasks:id":                    {typ: "Number", sqlType: "bigint", expr: static(`t.id`)},
	"tasks:created_at":            {typ: "Datetime", sqlType: "timestamptz", expr: static(`t.created_at`)},
	"tasks:updated_at":            {typ: "Datetime", sqlType: "timestamptz", expr: static(`t.updated_at`)},
	"tasks:total_annotations":     {typ: "Number", sqlType: "integer", expr: static(`t.done_count`)},
	"tasks:cancelled_annotations": {typ: "Number", sqlType: "bigint", expr: countOf("annotations", ` AND x.was_cancelled`)},
	"tasks:total_predictions":     {typ: "Number", sqlType: "bigint", expr: countOf("predictions", ``)},
	"tasks:reviews_accepted":      {typ: "Number", sqlType: "bigint", expr: countOf("annotations", ` AND x.review_state = 'accepted'`)},
	"tasks:reviews_rejected":      {typ: "Number", sqlType: "bigint", expr: countOf("annotations", ` AND x.review_state = 'rejected'`)},
	"tasks:completed_at": {typ: "Datetime", sqlType: "timestamptz", nullable: true, empty: `NOT t.is_full`,
		expr: static(`(CASE WHEN t.is_full THEN (SELECT max(x.created_at) FROM annotations x WHERE x.task_id = t.id AND NOT x.was_cancelled) END)`)},
	"tasks:agreement": {typ: "Number", sqlType: "double precision", nullable: true, expr: static(`t.agreement`)},
	// A task's prediction score is its lowest (the one uncertainty sampling goes by), kept on the task.
	"tasks:predictions_score": {typ: "Number", sqlType: "double precision", nullable: true, expr: static(`t.uncertainty`)},
	"tasks:reviewed":          {typ: "Boolean", sqlType: "boolean", expr: static(`(t.review_state <> '')`)},
	"tasks:review_state":      {typ: "String", sqlType: "text", expr: static(`t.review_state`), empty: `t.review_state = ''`},
	"tasks:ground_truth": {typ: "Boolean", sqlType: "boolean",
		expr: static(`EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND x.ground_truth)`)},
	"tasks:annotators": {typ: "List", sqlType: "bigint",
		has: func(a *sqlArgs, vals []any) string {
			return `EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND x.completed_by = ANY(` + a.add(typed("bigint", vals)) + `::bigint[]))`
		},
		any: `EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = t.id AND x.completed_by IS NOT NULL)`},
	"tasks:assignees": {typ: "List", sqlType: "bigint",
		has: func(a *sqlArgs, vals []any) string {
			return `EXISTS (SELECT 1 FROM task_assignments x WHERE x.task_id = t.id AND x.user_id = ANY(` + a.add(typed("bigint", vals)) + `::bigint[]))`
		},
		any: `EXISTS (SELECT 1 FROM task_assignments x WHERE x.task_id = t.id)`},
	"tasks:predictions_model_versions": {typ: "List", sqlType: "text",
		has: func(a *sqlArgs, vals []any) string {
			return `EXISTS (SELECT 1 FROM predictions x WHERE x.task_id = t.id AND x.model_version = ANY(` + a.add(typed("text", vals)) + `::text[]))`
		},
		any: `EXISTS (SELECT 1 FROM predictions x WHERE x.task_id = t.id AND x.model_version <> '')`},
	"tasks:annotations_results": textIn("annotations"),
	"tasks:predictions_results": textIn("predictions"),
	"tasks:annotations_labels":  labelsIn("annotations", ` AND NOT x.was_cancelled`),
	"tasks:predictions_labels":  labelsIn("predictions", ``),
}

// ColumnNames lists the task table's columns (without data fields), sorted.
func ColumnNames() []string {
	var names []string
	for n := range columns {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// dataPrefix names a field of the task's data: tasks:data.<field>.
const dataPrefix = "tasks:data."

// columnOf finds a column; typ chooses how a data field compares (Number,
// Boolean, or text for anything else).
func columnOf(name, typ string) (column, error) {
	if c, ok := columns[name]; ok {
		return c, nil
	}
	field, ok := strings.CutPrefix(name, dataPrefix)
	if !ok || field == "" {
		return column{}, queryErr("unknown column %q (known: %s and tasks:data.<field>)", name, strings.Join(ColumnNames(), ", "))
	}
	switch typ {
	case "Number":
		return column{typ: "Number", sqlType: "double precision", nullable: true, expr: func(a *sqlArgs) string {
			k := a.add(field)
			return `(CASE WHEN jsonb_typeof(t.data -> ` + k + `::text) = 'number' THEN (t.data ->> ` + k + `::text)::double precision END)`
		}}, nil
	case "Boolean":
		return column{typ: "Boolean", sqlType: "boolean", nullable: true, expr: func(a *sqlArgs) string {
			k := a.add(field)
			return `(CASE WHEN jsonb_typeof(t.data -> ` + k + `::text) = 'boolean' THEN (t.data ->> ` + k + `::text)::boolean END)`
		}}, nil
	}
	c := column{typ: "String", sqlType: "text", nullable: true, expr: func(a *sqlArgs) string {
		return `(t.data ->> ` + a.add(field) + `::text)`
	}}
	return c, nil
}

// operators each column type accepts.
var operators = map[string][]string{
	"Number":   {"equal", "not_equal", "less", "greater", "less_or_equal", "greater_or_equal", "in", "not_in", "in_list", "not_in_list", "empty"},
	"Datetime": {"equal", "not_equal", "less", "greater", "less_or_equal", "greater_or_equal", "in", "not_in", "empty"},
	"Boolean":  {"equal", "not_equal", "empty"},
	"String":   {"equal", "not_equal", "contains", "not_contains", "in_list", "not_in_list", "empty"},
	"List":     {"equal", "not_equal", "contains", "not_contains", "in_list", "not_in_list", "empty"},
}

var comparisons = map[string]string{"less": "<", "greater": ">", "less_or_equal": "<=", "greater_or_equal": ">="}

// condition is the SQL of one filter.
func condition(a *sqlArgs, f TaskFilter) (string, error) {
	c, err := columnOf(f.Column, f.Type)
	if err != nil {
		return "", queryErr("filter: %v", err)
	}
	if !allowed(c.typ, f.Operator) {
		return "", queryErr("filter %s: unknown operator %q for a %s column (known: %s)",
			f.Column, f.Operator, c.typ, strings.Join(operators[c.typ], ", "))
	}
	elem := c.typ
	if c.typ == "List" || c.has != nil {
		elem = "String"
		if c.sqlType == "bigint" {
			elem = "Number"
		}
	}
	v, err := parseValue(f, elem, f.Operator)
	if err != nil {
		return "", err
	}
	if c.has != nil {
		return setCondition(a, c, f, v)
	}
	if err := fitValues(c, f, &v); err != nil {
		return "", err
	}
	e := c.expr(a)
	switch op := f.Operator; op {
	case "equal":
		return e + " = " + a.add(v.scalar), nil
	case "not_equal":
		return e + " IS DISTINCT FROM " + a.add(v.scalar), nil
	case "less", "greater", "less_or_equal", "greater_or_equal":
		return e + " " + comparisons[op] + " " + a.add(v.scalar), nil
	case "in":
		return e + " BETWEEN " + a.add(v.min) + " AND " + a.add(v.max), nil
	case "not_in":
		return "NOT coalesce(" + e + " BETWEEN " + a.add(v.min) + " AND " + a.add(v.max) + ", false)", nil
	case "in_list":
		return e + " = ANY(" + a.add(typed(c.sqlType, v.list)) + "::" + c.sqlType + "[])", nil
	case "not_in_list":
		return "NOT coalesce(" + e + " = ANY(" + a.add(typed(c.sqlType, v.list)) + "::" + c.sqlType + "[]), false)", nil
	case "contains":
		return "strpos(lower(" + e + "), lower(" + a.add(v.scalar) + ")) > 0", nil
	case "not_contains":
		return "NOT coalesce(strpos(lower(" + e + "), lower(" + a.add(v.scalar) + ")) > 0, false)", nil
	default: // empty
		empty := c.empty
		if empty == "" {
			empty = e + " IS NULL"
			if c.typ == "String" {
				empty = "coalesce(" + e + ", '') = ''"
			}
		}
		if v.scalar.(bool) {
			return empty, nil
		}
		return "NOT (" + empty + ")", nil
	}
}

func allowed(typ, op string) bool {
	for _, o := range operators[typ] {
		if o == op {
			return true
		}
	}
	return false
}

// setCondition is the SQL of a filter on a set column: equal, contains and
// in_list ask that the set hold the value (one of the values); their not_
// forms that it hold none.
func setCondition(a *sqlArgs, c column, f TaskFilter, v filterValue) (string, error) {
	vals := v.list
	if v.scalar != nil {
		vals = []any{v.scalar}
	}
	if f.Operator == "empty" {
		if v.scalar.(bool) {
			return "NOT " + c.any, nil
		}
		return c.any, nil
	}
	if len(vals) == 0 {
		return "", queryErr("filter %s: give at least one value", f.Column)
	}
	if c.sqlType == "bigint" {
		ids := make([]any, len(vals))
		for i, x := range vals {
			n, ok := whole(x)
			if !ok {
				return "", queryErr("filter %s: %v is not a user id", f.Column, x)
			}
			ids[i] = n
		}
		vals = ids
	}
	cond := c.has(a, vals)
	if strings.HasPrefix(f.Operator, "not_") {
		return "NOT " + cond, nil
	}
	return cond, nil
}

// fitValues converts parsed numbers to the column's integer type, refusing fractions.
func fitValues(c column, f TaskFilter, v *filterValue) error {
	if c.sqlType != "bigint" && c.sqlType != "integer" {
		return nil
	}
	fit := func(x any) (any, error) {
		if x == nil {
			return nil, nil
		}
		if _, isBool := x.(bool); isBool {
			return x, nil
		}
		n, ok := whole(x)
		if !ok {
			return nil, queryErr("filter %s: %v is not a whole number", f.Column, x)
		}
		return n, nil
	}
	var err error
	if v.scalar, err = fit(v.scalar); err != nil {
		return err
	}
	if v.min, err = fit(v.min); err != nil {
		return err
	}
	if v.max, err = fit(v.max); err != nil {
		return err
	}
	for i := range v.list {
		if v.list[i], err = fit(v.list[i]); err != nil {
			return err
		}
	}
	return nil
}

func whole(x any) (int64, bool) {
	n, ok := x.(float64)
	if !ok || n != math.Trunc(n) || math.Abs(n) > 1<<53 {
		return 0, false
	}
	return int64(n), true
}

// likeEscape escapes LIKE's wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// searchCondition is the full-text search: every word of s occurs in the task's data.
func searchCondition(a *sqlArgs, s string) string {
	var conds []string
	for _, w := range strings.Fields(s) {
		conds = append(conds, `t.data::text ILIKE `+a.add("%"+likeEscape(w)+"%"))
	}
	return strings.Join(conds, " AND ")
}

// build returns the WHERE clause and ORDER BY of q, and the sort value's SQL.
func (q TaskQuery) build(a *sqlArgs) (where string, order string, err error) {
	conds := []string{"t.project_id = " + a.add(q.ProjectID)}
	var fs []string
	for _, f := range q.Filters {
		c, err := condition(a, f)
		if err != nil {
			return "", "", err
		}
		fs = append(fs, "("+c+")")
	}
	switch q.Conjunction {
	case "", "and":
		conds = append(conds, fs...)
	case "or":
		if len(fs) > 0 {
			conds = append(conds, "("+strings.Join(fs, " OR ")+")")
		}
	default:
		return "", "", queryErr("filters: unknown conjunction %q (known: and, or)", q.Conjunction)
	}
	if s := searchCondition(a, q.Search); s != "" {
		conds = append(conds, s)
	}
	switch {
	case q.Selected.Only:
		conds = append(conds, "t.id = ANY("+a.add(nonNil(q.Selected.Included))+"::bigint[])")
	case len(q.Selected.Excluded) > 0:
		conds = append(conds, "t.id <> ALL("+a.add(q.Selected.Excluded)+"::bigint[])")
	}
	sortCol, err := q.sortColumn()
	if err != nil {
		return "", "", err
	}
	e := sortCol.expr(a)
	dir := "ASC"
	if q.Order.Desc {
		dir = "DESC"
	}
	if c := q.After; c != nil {
		conds = append(conds, keyset(a, sortCol, e, q.Order.Desc, *c))
	}
	order = e + " " + dir + ", t.id " + dir
	if e == "t.id" {
		order = "t.id " + dir
	}
	return strings.Join(conds, " AND "), order, nil
}

// sortColumn is the column q is ordered by.
func (q TaskQuery) sortColumn() (column, error) {
	name := q.Order.Column
	if name == "" {
		name = "tasks:id"
	}
	c, err := columnOf(name, "")
	if err != nil {
		return c, queryErr("ordering: %v", err)
	}
	if c.expr == nil {
		return c, queryErr("ordering: column %s cannot be sorted (it holds a set); sort by tasks:total_annotations or tasks:total_predictions", name)
	}
	return c, nil
}

// keyset is the condition for the rows after cursor c in the order by e
// (ascending: NULLs last; descending: NULLs first, as PostgreSQL orders).
func keyset(a *sqlArgs, c column, e string, desc bool, cur Cursor) string {
	id := a.add(cur.ID)
	if e == "t.id" {
		if desc {
			return "t.id < " + id
		}
		return "t.id > " + id
	}
	switch {
	case cur.Value == nil && !desc:
		return "(" + e + " IS NULL AND t.id > " + id + ")"
	case cur.Value == nil && desc:
		return "((" + e + " IS NULL AND t.id < " + id + ") OR " + e + " IS NOT NULL)"
	case desc:
		return "(" + e + ", t.id) < (" + a.add(*cur.Value) + "::" + c.sqlType + ", " + id + ")"
	case c.nullable:
		return "((" + e + ", t.id) > (" + a.add(*cur.Value) + "::" + c.sqlType + ", " + id + ") OR " + e + " IS NULL)"
	default:
		return "(" + e + ", t.id) > (" + a.add(*cur.Value) + "::" + c.sqlType + ", " + id + ")"
	}
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// typed turns parsed values into a slice PostgreSQL can take as an array of sqlType.
func typed(sqlType string, vals []any) any {
	switch sqlType {
	case "bigint", "integer":
		out := make([]int64, len(vals))
		for i, v := range vals {
			out[i], _ = v.(int64)
		}
		return out
	case "double precision":
		out := make([]float64, len(vals))
		for i, v := range vals {
			out[i], _ = v.(float64)
		}
		return out
	case "timestamptz":
		out := make([]time.Time, len(vals))
		for i, v := range vals {
			out[i], _ = v.(time.Time)
		}
		return out
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// ColumnType is the value type of a column (Number, Datetime, Boolean, String,
// List), and of a List's members (Number for user ids, else String).
func ColumnType(name string) (typ, member string, err error) {
	c, err := columnOf(name, "")
	if err != nil {
		return "", "", err
	}
	member = "String"
	if c.sqlType == "bigint" {
		member = "Number"
	}
	return c.typ, member, nil
}

// Operators lists the operators a column type accepts.
func Operators(typ string) []string { return operators[typ] }
