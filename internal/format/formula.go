package format

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// NeutraliseFormula returns s with a leading apostrophe when a spreadsheet
// would read it as a formula: when it begins with =, +, -, @, a tab or a
// carriage return (OWASP's CSV injection list), or does after leading spaces.
// Numbers (-5, +1.5e3) are left as they are: they cannot be formulas.
func NeutraliseFormula(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" || !strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// safeCSV is a csv.Writer whose records are neutralised unless raw.
type safeCSV struct {
	*csv.Writer
	raw bool
}

func newSafeCSV(w io.Writer, raw bool) *safeCSV {
	return &safeCSV{Writer: csv.NewWriter(w), raw: raw}
}

// Write writes one record, each field through NeutraliseFormula unless raw.
func (c *safeCSV) Write(record []string) error {
	if !c.raw {
		for i, f := range record {
			record[i] = NeutraliseFormula(f)
		}
	}
	return c.Writer.Write(record)
}
