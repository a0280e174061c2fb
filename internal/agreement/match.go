package agreement

import "math"

// MinIoU is the usual intersection-over-union threshold for boxes and regions.
const MinIoU = 0.5

// Score is the result of matching reference items against hypothesis items
// one to one: matched pairs are true positives, unmatched hypotheses false
// positives and unmatched references false negatives.
type Score struct {
	TP, FP, FN int
	Precision  float64 // TP/(TP+FP); 0 when there are no hypotheses
	Recall     float64 // TP/(TP+FN); 0 when there are no references
	F1         float64 // 2TP/(2TP+FP+FN)
	MeanIoU    float64 // mean IoU of the matched pairs; 0 when none matched
}

// pair is a matched reference i and hypothesis j with their IoU.
type pair struct {
	i, j int
	iou  float64
}

// newScore builds a Score from a one-to-one matching; two empty sets agree
// perfectly (all ratios 1).
func newScore(refs, hyps int, pairs []pair) Score {
	matched, sumIoU := len(pairs), 0.0
	for _, p := range pairs {
		sumIoU += p.iou
	}
	s := Score{TP: matched, FP: hyps - matched, FN: refs - matched}
	if refs == 0 && hyps == 0 {
		s.Precision, s.Recall, s.F1 = 1, 1, 1
		return s
	}
	if hyps > 0 {
		s.Precision = float64(matched) / float64(hyps)
	}
	if refs > 0 {
		s.Recall = float64(matched) / float64(refs)
	}
	s.F1 = 2 * float64(matched) / float64(refs+hyps)
	if matched > 0 {
		s.MeanIoU = sumIoU / float64(matched)
	}
	return s
}

// matchOneToOne pairs refs items with hyps items one to one, maximising the
// number of pairs and, among matchings of that size, their total IoU. iou
// reports a pair's IoU and whether it may be matched at all. The eligible
// pairs split into connected components that are solved separately, so the
// cost is O(refs·hyps) plus a Kuhn–Munkres assignment per component.
func matchOneToOne(refs, hyps int, iou func(i, j int) (float64, bool)) (pairs []pair) {
	var edges []pair
	parent := make([]int, refs+hyps) // union–find over refs then hyps
	for x := range parent {
		parent[x] = x
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range refs {
		for j := range hyps {
			v, ok := iou(i, j)
			if !ok {
				continue
			}
			edges = append(edges, pair{i, j, v})
			a, b := find(i), find(refs+j)
			if a != b {
				parent[b] = a
			}
		}
	}
	if len(edges) == 0 {
		return nil
	}
	// Gather each component's edges, keeping their order.
	comps := make(map[int][]pair)
	var roots []int
	for _, e := range edges {
		root := find(e.i)
		if _, ok := comps[root]; !ok {
			roots = append(roots, root)
		}
		comps[root] = append(comps[root], e)
	}
	for _, root := range roots {
		es := comps[root]
		if len(es) == 1 {
			pairs = append(pairs, es[0])
			continue
		}
		// Number the component's refs and hyps locally.
		ri, hi := map[int]int{}, map[int]int{}
		for _, e := range es {
			if _, ok := ri[e.i]; !ok {
				ri[e.i] = len(ri)
			}
			if _, ok := hi[e.j]; !ok {
				hi[e.j] = len(hi)
			}
		}
		rows, cols := len(ri), len(hi)
		transpose := rows > cols
		if transpose {
			rows, cols = cols, rows
		}
		// Weight M + IoU with M above any total IoU makes the cardinality
		// count first; minimise its negation.
		bonus := float64(rows + 1)
		cost := make([]float64, rows*cols)
		edge := make([]*pair, rows*cols)
		for k, e := range es {
			r, c := ri[e.i], hi[e.j]
			if transpose {
				r, c = c, r
			}
			cost[r*cols+c] = -(bonus + e.iou)
			edge[r*cols+c] = &es[k]
		}
		for r, c := range assign(cost, rows, cols) {
			if e := edge[r*cols+c]; e != nil {
				pairs = append(pairs, *e)
			}
		}
	}
	return pairs
}

// assign solves the assignment problem for a rows×cols cost matrix with
// rows ≤ cols, returning the column of each row that minimises the total
// cost (Kuhn–Munkres with potentials, O(rows²·cols)).
func assign(cost []float64, rows, cols int) []int {
	inf := math.Inf(1)
	u := make([]float64, rows+1)
	v := make([]float64, cols+1)
	p := make([]int, cols+1) // p[j]: row (1-based) assigned to column j
	way := make([]int, cols+1)
	minv := make([]float64, cols+1)
	used := make([]bool, cols+1)
	for i := 1; i <= rows; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = inf
			used[j] = false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], inf, 0
			for j := 1; j <= cols; j++ {
				if used[j] {
					continue
				}
				cur := cost[(i0-1)*cols+j-1] - u[i0] - v[j]
				if cur < minv[j] {
					minv[j] = cur
					way[j] = j0
				}
				if minv[j] < delta {
					delta = minv[j]
					j1 = j
				}
			}
			for j := 0; j <= cols; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	out := make([]int, rows)
	for j := 1; j <= cols; j++ {
		if p[j] != 0 {
			out[p[j]-1] = j - 1
		}
	}
	return out
}
