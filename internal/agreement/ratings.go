package agreement

import (
	"fmt"
	"math"
	"slices"
)

// Missing marks an absent rating in the dense tables given to [RatingsFromTable].
const Missing = -1

// Rating is one coder's category for one unit.
type Rating struct {
	Unit, Coder, Category int
}

// Ratings is an immutable sparse table of units × coders holding category
// indices, stored unit by unit so that every metric is one pass over it.
type Ratings struct {
	coders, categories int
	start              []int   // ratings of unit u are at [start[u], start[u+1])
	coder              []int32 // coder of each rating
	category           []int32 // category of each rating
	scale              []float64
}

// NewRatings builds Ratings for units, coders and categories numbered from 0
// from the given ratings, in any order. A coder may rate a unit at most once.
func NewRatings(units, coders, categories int, ratings []Rating) (*Ratings, error) {
	if units < 0 || coders < 0 || categories < 1 {
		return nil, fmt.Errorf("agreement: new ratings: need units, coders ≥ 0 and categories ≥ 1, got %d, %d, %d", units, coders, categories)
	}
	if coders > math.MaxInt32 || categories > math.MaxInt32 {
		return nil, fmt.Errorf("agreement: new ratings: too many coders or categories")
	}
	start := make([]int, units+1)
	for _, r := range ratings {
		switch {
		case r.Unit < 0 || r.Unit >= units:
			return nil, fmt.Errorf("agreement: new ratings: unit %d out of range [0, %d)", r.Unit, units)
		case r.Coder < 0 || r.Coder >= coders:
			return nil, fmt.Errorf("agreement: new ratings: coder %d out of range [0, %d)", r.Coder, coders)
		case r.Category < 0 || r.Category >= categories:
			return nil, fmt.Errorf("agreement: new ratings: category %d out of range [0, %d)", r.Category, categories)
		}
		start[r.Unit+1]++
	}
	for u := 1; u <= units; u++ {
		start[u] += start[u-1]
	}
	rs := &Ratings{
		coders:     coders,
		categories: categories,
		start:      start,
		coder:      make([]int32, len(ratings)),
		category:   make([]int32, len(ratings)),
	}
	next := slices.Clone(start[:units])
	for _, r := range ratings {
		i := next[r.Unit]
		next[r.Unit]++
		rs.coder[i] = int32(r.Coder)
		rs.category[i] = int32(r.Category)
	}
	// A coder rating a unit twice would make pairwise metrics ambiguous.
	seen := make([]int, coders)
	for c := range seen {
		seen[c] = -1
	}
	for u := range units {
		for i := start[u]; i < start[u+1]; i++ {
			c := rs.coder[i]
			if seen[c] == u {
				return nil, fmt.Errorf("agreement: new ratings: coder %d rated unit %d twice", c, u)
			}
			seen[c] = u
		}
	}
	return rs, nil
}

// RatingsFromTable builds Ratings from a dense table where table[u][c] is
// coder c's category for unit u, or [Missing]. Rows may differ in length;
// the number of coders is the longest row.
func RatingsFromTable(table [][]int, categories int) (*Ratings, error) {
	coders := 0
	var rs []Rating
	for u, row := range table {
		coders = max(coders, len(row))
		for c, k := range row {
			if k != Missing {
				rs = append(rs, Rating{Unit: u, Coder: c, Category: k})
			}
		}
	}
	return NewRatings(len(table), coders, categories, rs)
}

// RatingsFromValues builds Ratings from a dense table of numbers where
// table[u][c] is coder c's value for unit u, or NaN when absent. The distinct
// values become the categories in ascending order and form the scale, so
// every level of [Alpha] sees the values themselves.
func RatingsFromValues(table [][]float64) (*Ratings, error) {
	var values []float64
	for _, row := range table {
		for _, v := range row {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("agreement: ratings from values: infinite value")
			}
			if !math.IsNaN(v) {
				values = append(values, v)
			}
		}
	}
	slices.Sort(values)
	values = slices.Compact(values)
	if len(values) == 0 {
		values = []float64{0}
	}
	coders := 0
	var rs []Rating
	for u, row := range table {
		coders = max(coders, len(row))
		for c, v := range row {
			if !math.IsNaN(v) {
				k, _ := slices.BinarySearch(values, v)
				rs = append(rs, Rating{Unit: u, Coder: c, Category: k})
			}
		}
	}
	r, err := NewRatings(len(table), coders, len(values), rs)
	if err != nil {
		return nil, err
	}
	r.scale = values
	return r, nil
}

// SetScale sets the numeric value of each category, used by the ordinal,
// interval and ratio forms of [Alpha]. Values must be strictly increasing so
// that category order and value order agree. Call it before sharing r.
func (r *Ratings) SetScale(values []float64) error {
	if len(values) != r.categories {
		return fmt.Errorf("agreement: set scale: %d values for %d categories", len(values), r.categories)
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("agreement: set scale: value %d is not finite", i)
		}
		if i > 0 && v <= values[i-1] {
			return fmt.Errorf("agreement: set scale: values must be strictly increasing")
		}
	}
	r.scale = slices.Clone(values)
	return nil
}

// Value returns the numeric value of category k: its scale value, or k itself
// when no scale is set.
func (r *Ratings) Value(k int) float64 {
	if r.scale == nil {
		return float64(k)
	}
	return r.scale[k]
}

// Units returns the number of units.
func (r *Ratings) Units() int { return len(r.start) - 1 }

// Coders returns the number of coders.
func (r *Ratings) Coders() int { return r.coders }

// Categories returns the number of categories.
func (r *Ratings) Categories() int { return r.categories }

// Len returns the number of ratings in total.
func (r *Ratings) Len() int { return len(r.coder) }

// UnitLen returns the number of ratings unit u received.
func (r *Ratings) UnitLen(u int) int { return r.start[u+1] - r.start[u] }

// At returns the coder and category of the i-th rating of unit u.
func (r *Ratings) At(u, i int) (coder, category int) {
	j := r.start[u] + i
	if i < 0 || j >= r.start[u+1] {
		panic(fmt.Sprintf("agreement: rating %d of unit %d out of range", i, u))
	}
	return int(r.coder[j]), int(r.category[j])
}
