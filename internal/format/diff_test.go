package format

import (
	"fmt"
	"strings"
)

// lineDiff compares two texts line by line and describes the differences
// ("-" want, "+" got); it returns "" when they are equal. It aligns lines by
// their longest common subsequence, which is plenty for test-sized inputs.
func lineDiff(want, got string) string {
	if want == got {
		return ""
	}
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	if len(a)*len(b) > 4_000_000 { // too big to align: report the first difference
		for i := 0; i < len(a) && i < len(b); i++ {
			if a[i] != b[i] {
				return fmt.Sprintf("line %d:\n- %s\n+ %s\n", i+1, a[i], b[i])
			}
		}
		return fmt.Sprintf("lengths differ: %d lines, want %d\n", len(b), len(a))
	}
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var s strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&s, "+%d: %s\n", j+1, b[j])
			j++
		default:
			fmt.Fprintf(&s, "-%d: %s\n", i+1, a[i])
			i++
		}
	}
	return s.String()
}

// sliceDiff compares two string slices element by element.
func sliceDiff(want, got []string) string {
	return lineDiff(strings.Join(want, "\n"), strings.Join(got, "\n"))
}
