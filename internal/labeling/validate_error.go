package labeling

import "fmt"

// ResultError is one problem with one result, or with a required control that has none.
type ResultError struct {
	Index    int    // the result's index in the list, or -1 for a required control without a result
	FromName string // the result's from_name, or the required control's name
	Msg      string
}

// Error formats the problem as `result 2 ("sentiment"): message`.
func (e *ResultError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("control %q: %s", e.FromName, e.Msg)
	}
	return fmt.Sprintf("result %d (%q): %s", e.Index, e.FromName, e.Msg)
}

// ResultErrors lists every problem Validate found, at most one per result, in result order.
//
// errors.As(err, &resultErr) with a *ResultError finds the first.
type ResultErrors []*ResultError

// Error formats the first problem and counts the others.
func (es ResultErrors) Error() string {
	switch len(es) {
	case 0:
		return "no problems"
	case 1:
		return es[0].Error()
	case 2:
		return es[0].Error() + " (and 1 more problem)"
	}
	return fmt.Sprintf("%s (and %d more problems)", es[0].Error(), len(es)-1)
}

// Unwrap returns the problems, for errors.As and errors.Is.
func (es ResultErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
