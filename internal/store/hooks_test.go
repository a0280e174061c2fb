package store

// SelectSQL exposes a task query's SQL to the plan tests of package store_test.
func (q TaskQuery) SelectSQL() (string, []any, error) { return q.selectSQL() }
