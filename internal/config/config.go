// Package config reads Concord's settings from environment variables and flags.
//
// Every setting has an environment variable and a flag of the same meaning; a flag
// given on the command line wins over the environment. Config is passed by value.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of the concord command.
type Config struct {
	Addr           string        // where serve listens
	DatabaseURL    string        // PostgreSQL URL; empty means the embedded cluster
	DataDir        string        // embedded cluster, media, exports
	AdminEmail     string        // first admin on an empty database
	AdminPassword  string        // its password; generated and printed when empty
	Migrate        bool          // run migrations when serve starts
	Worker         bool          // run the River worker inside serve
	SecureCookies  bool          // mark cookies Secure (set behind TLS)
	SessionMaxAge  time.Duration // how long a browser session lasts
	LogLevel       slog.Level    // debug, info, warn, error
	ShutdownWindow time.Duration // how long in-flight requests and jobs get on shutdown
	WriteTimeout   time.Duration // longest one write of a response may wait for the client; 0: no limit
	MaxUploadMB    int64         // largest upload accepted, in MiB
	AsyncImportMB  int64         // uploads larger than this import in the background, in MiB
	AllowPrivate   string        // private network ranges ML backends may be in (comma-separated CIDRs)
	MetricsToken   string        // bearer token that /metrics requires; empty: no /metrics
	BaseURL        string        // Concord's public address, for every absolute URL it writes; empty: http://Addr
}

// PublicURL is the address others reach Concord at, without a trailing slash:
// BaseURL, or http://Addr when it is unset. It never comes from a request.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// setting is one row of the settings table: variable, flag, default and help.
type setting struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

// Settings lists every setting; the README's configuration table mirrors it.
var settings = []setting{
	{"CONCORD_ADDR", "addr", "127.0.0.1:8080", "address serve listens on", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"CONCORD_DATABASE_URL", "database-url", "", "PostgreSQL URL (unset: the embedded cluster in the data directory)", func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"CONCORD_DATA_DIR", "data-dir", "./concord-data", "directory for the embedded cluster, media and exports", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"CONCORD_ADMIN_EMAIL", "admin-email", "", "on an empty database, create this admin", func(c *Config, v string) error { c.AdminEmail = v; return nil }},
	{"CONCORD_ADMIN_PASSWORD", "admin-password", "", "password of that admin (unset: generated and printed once)", func(c *Config, v string) error { c.AdminPassword = v; return nil }},
	{"CONCORD_MIGRATE", "migrate", "true", "run database migrations when serve starts", boolSetter(func(c *Config) *bool { return &c.Migrate })},
	{"CONCORD_WORKER", "worker", "true", "run the background worker inside serve", boolSetter(func(c *Config) *bool { return &c.Worker })},
	{"CONCORD_SECURE_COOKIES", "secure-cookies", "false", "mark cookies Secure (set it when Concord is served over HTTPS)", boolSetter(func(c *Config) *bool { return &c.SecureCookies })},
	{"CONCORD_SESSION_MAX_AGE", "session-max-age", "168h", "how long a browser session lasts", durationSetter(func(c *Config) *time.Duration { return &c.SessionMaxAge })},
	{"CONCORD_SHUTDOWN_WINDOW", "shutdown-window", "20s", "time in-flight requests and jobs get to finish on shutdown", durationSetter(func(c *Config) *time.Duration { return &c.ShutdownWindow })},
	{"CONCORD_WRITE_TIMEOUT", "write-timeout", "30s", "longest a client may leave a response unread before it is cut off (each write's deadline; 0: none)", durationSetter(func(c *Config) *time.Duration { return &c.WriteTimeout })},
	{"CONCORD_MAX_UPLOAD_MB", "max-upload-mb", "4096", "largest upload accepted, in MiB (larger: 413)", intSetter(func(c *Config) *int64 { return &c.MaxUploadMB })},
	{"CONCORD_ASYNC_IMPORT_MB", "async-import-mb", "16", "uploads larger than this many MiB import in the background, with progress", intSetter(func(c *Config) *int64 { return &c.AsyncImportMB })},
	{"CONCORD_ALLOW_PRIVATE_NETWORKS", "allow-private-networks", "", "comma-separated CIDRs (e.g. 127.0.0.0/8) of private networks ML backends may be in; the server reaches no private address otherwise", func(c *Config, v string) error { c.AllowPrivate = v; return nil }},
	{"CONCORD_METRICS_TOKEN", "metrics-token", "", "bearer token Prometheus sends to scrape /metrics; unset: no /metrics", func(c *Config, v string) error { c.MetricsToken = v; return nil }},
	{"CONCORD_BASE_URL", "base-url", "", "Concord's public address (e.g. https://label.example.org), used for every absolute URL it writes: ML backends' /setup, exports' media URLs; unset: http:// and the listen address", baseURLSetter},
	{"CONCORD_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
}

func baseURLSetter(c *Config, v string) error {
	if v == "" {
		c.BaseURL = ""
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("want an http or https URL such as https://label.example.org, got %q", v)
	}
	c.BaseURL = strings.TrimRight(v, "/")
	return nil
}

func boolSetter(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*field(c) = b
		return nil
	}
}

func intSetter(field func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("want a whole number of MiB, got %q", v)
		}
		*field(c) = n
		return nil
	}
}

func durationSetter(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a positive duration such as 30s or 12h, got %q", v)
		}
		*field(c) = d
		return nil
	}
}

// Register adds a flag for every setting to fs. Call Load after fs.Parse.
func Register(fs *flag.FlagSet) {
	for _, s := range settings {
		fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.help, s.env, s.def))
	}
}

// Load builds a Config from defaults, then the environment, then the flags set in fs.
func Load(fs *flag.FlagSet, getenv func(string) string) (Config, error) {
	var c Config
	given := map[string]string{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = f.Value.String() })
	for _, s := range settings {
		v, from := s.def, "default"
		if e := getenv(s.env); e != "" {
			v, from = e, s.env
		}
		if f, ok := given[s.flag]; ok {
			v, from = f, "--"+s.flag
		}
		if err := s.set(&c, v); err != nil {
			return Config{}, fmt.Errorf("%s: %w", from, err)
		}
	}
	return c, nil
}

// Table returns the settings as rows of variable, flag, default and meaning.
func Table() [][4]string {
	rows := make([][4]string, len(settings))
	for i, s := range settings {
		rows[i] = [4]string{s.env, "--" + s.flag, s.def, s.help}
	}
	return rows
}
