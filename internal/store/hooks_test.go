package store

// SelectSQL exposes a task query's SQL to the plan tests of package store_test.
func (q TaskQuery) SelectSQL() (string, []any, error) { return q.selectSQL() }

// PickSQL is the queue's pick of an open task (ungated), and OpenRangeSQL
// where a random one starts, for TestNextTaskPlan.
var (
	PickSQL      = func(sampling string) string { return pickSQL(sampling, "true") }
	OpenRangeSQL = openRangeSQL
)
