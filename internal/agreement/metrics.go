package agreement

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"concord/internal/labeling"
)

// metricScales says which scales each figure of a [ControlReport] fits.
var metricScales = map[string][]string{
	"mean_task_agreement": {ScaleNominal, ScaleSet, ScaleNumeric, ScaleStructured},
	"percent_agreement":   {ScaleNominal, ScaleSet, ScaleNumeric},
	"krippendorff_alpha":  {ScaleNominal, ScaleNumeric},
	"fleiss_kappa":        {ScaleNominal, ScaleNumeric},
	"alpha_ordinal":       {ScaleNumeric},
	"alpha_interval":      {ScaleNumeric},
	"alpha_ratio":         {ScaleNumeric},
	"alpha_jaccard":       {ScaleSet},
	"alpha_masi":          {ScaleSet},
}

// scaleWords describes a scale's answers, for error messages.
var scaleWords = map[string]string{
	ScaleNominal:    "its answers are unordered categories (single choice)",
	ScaleSet:        "its answers are sets of choices (multiple choice)",
	ScaleNumeric:    "its answers are numbers (Rating or Number)",
	ScaleStructured: "its answers are regions or text, compared pairwise",
}

// ScaleOf is the scale of a control's answers.
func ScaleOf(c labeling.Control) string {
	switch {
	case c.Type == labeling.TypeChoices && c.Multiple():
		return ScaleSet
	case c.Type == labeling.TypeChoices:
		return ScaleNominal
	case c.Type == labeling.TypeRating || c.Type == labeling.TypeNumber:
		return ScaleNumeric
	}
	return ScaleStructured
}

// CheckMetric says why a metric does not fit a control's scale, or nil when it does.
func CheckMetric(c labeling.Control, metric string) error {
	scale := ScaleOf(c)
	scales, ok := metricScales[metric]
	if !ok {
		names := make([]string, 0, len(metricScales))
		for m := range metricScales {
			names = append(names, m)
		}
		sort.Strings(names)
		return fmt.Errorf("unknown metric %q: the metrics are %s", metric, strings.Join(names, ", "))
	}
	if slices.Contains(scales, scale) {
		return nil
	}
	var fits []string
	for m, ss := range metricScales {
		if slices.Contains(ss, scale) {
			fits = append(fits, m)
		}
	}
	sort.Strings(fits)
	return fmt.Errorf("%s does not fit control %q: %s; its metrics are %s", metric, c.Name, scaleWords[scale], strings.Join(fits, ", "))
}

// Control finds a control's report by name.
func (r Report) ControlNamed(name string) (ControlReport, error) {
	var names []string
	for _, c := range r.Controls {
		if c.Control == name {
			return c, nil
		}
		names = append(names, c.Control)
	}
	return ControlReport{}, fmt.Errorf("no control %q in the report: its controls are %s", name, strings.Join(names, ", "))
}
