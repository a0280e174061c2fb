package app

import (
	"sync"

	"concord/internal/labeling"
	"concord/internal/store"
)

// maxConfigs bounds the parsed configs a Configs keeps; past it, it starts over.
const maxConfigs = 256

// Configs keeps parsed label configs by their text, so that a project's config
// is parsed once per version of it, not on every submission. A parsed Config
// is only read after parsing, so it is shared. The zero value is ready.
type Configs struct {
	mu sync.Mutex
	m  map[string]parsedConfig
}

type parsedConfig struct {
	c   *labeling.Config
	err error
}

// Of is p's label config, parsed (labeling.ParseConfig), from memory when this
// version of it was parsed before.
func (cs *Configs) Of(p store.Project) (*labeling.Config, error) {
	cs.mu.Lock()
	pc, ok := cs.m[p.LabelConfig]
	cs.mu.Unlock()
	if ok {
		return pc.c, pc.err
	}
	pc.c, pc.err = labeling.ParseConfig(p.LabelConfig)
	cs.mu.Lock()
	if cs.m == nil || len(cs.m) >= maxConfigs {
		cs.m = map[string]parsedConfig{}
	}
	cs.m[p.LabelConfig] = pc
	cs.mu.Unlock()
	return pc.c, pc.err
}
