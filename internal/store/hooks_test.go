package store

// SelectSQL exposes a task query's SQL to the plan tests of package store_test.
func (q TaskQuery) SelectSQL() (string, []any, error) { return q.selectSQL() }

// PickSQL and OpenRangeSQL expose the queue's pick of an open task to TestNextTaskPlan.
var (
	PickSQL      = pickSQL
	OpenRangeSQL = openRangeSQL
)
