// Package backend is Concord's HTTP client for external Label Studio ML
// backends: servers built on HumanSignal's label-studio-ml-backend that answer
// GET /health, POST /setup, POST /predict and POST /webhook.
//
// Payload shapes follow the two sides of the real protocol:
//   - the server, label-studio-ml-backend's label_studio_ml/api.py (routes and
//     the fields each reads) and label_studio_ml/response.py (ModelResponse: a
//     task's entry in "results" is one prediction or a list of them);
//   - the caller, Label Studio's label_studio/ml/api_connector.py (MLApi:
//     setup, make_predictions, health, the "<project id>.<created_at unix>"
//     project uid, and START_TRAINING sent to /webhook) and ml/models.py (how
//     "results" is matched to tasks).
//
// Every call has its own timeout; Health and Predict, which change nothing on
// the backend, are retried with exponential backoff and jitter on 5xx, 429,
// timeouts and dropped connections. Answers must be JSON and at most
// Options.MaxResponseBytes long. Errors are *Error values naming the endpoint,
// the HTTP status and an excerpt of the body.
//
// The package does not decide which addresses may be reached: pass an
// *http.Client from internal/netguard (New does so when given nil).
package backend

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"concord/internal/netguard"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultHealthTimeout    = 5 * time.Second
	DefaultSetupTimeout     = 10 * time.Second
	DefaultPredictTimeout   = 100 * time.Second // as Label Studio's ML_TIMEOUT_PREDICT
	DefaultWebhookTimeout   = 30 * time.Second
	DefaultMaxAttempts      = 3
	DefaultBackoffBase      = 250 * time.Millisecond
	DefaultBackoffMax       = 5 * time.Second
	DefaultMaxResponseBytes = 32 << 20
	DefaultUserAgent        = "concord-ml-client"
)

// Options tunes a Client; zero fields take the defaults above.
type Options struct {
	// HealthTimeout, SetupTimeout, PredictTimeout and WebhookTimeout bound one attempt of each call.
	HealthTimeout  time.Duration
	SetupTimeout   time.Duration
	PredictTimeout time.Duration
	WebhookTimeout time.Duration
	// MaxAttempts bounds the tries of a retried call (Health, Predict), the first included.
	MaxAttempts int
	// BackoffBase is the wait before the second attempt; it doubles each time, up to BackoffMax.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// MaxResponseBytes bounds the size of an answer.
	MaxResponseBytes int64
	// BasicAuthUser and BasicAuthPassword, when both set, are sent as HTTP basic
	// auth (label-studio-ml-backend's BASIC_AUTH_USER / BASIC_AUTH_PASS).
	BasicAuthUser     string
	BasicAuthPassword string
	// UserAgent is sent with every request.
	UserAgent string
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.HealthTimeout, DefaultHealthTimeout)
	set(&o.SetupTimeout, DefaultSetupTimeout)
	set(&o.PredictTimeout, DefaultPredictTimeout)
	set(&o.WebhookTimeout, DefaultWebhookTimeout)
	set(&o.BackoffBase, DefaultBackoffBase)
	set(&o.BackoffMax, DefaultBackoffMax)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	return o
}

// Client talks to one ML backend; it is safe for concurrent use.
type Client struct {
	base *url.URL
	hc   *http.Client
	opts Options
}

// New returns a client for the backend at baseURL, which must be an absolute
// http or https URL without credentials, query or fragment; a nil hc means a
// netguard client that allows no internal addresses.
//
// hc's own Timeout, if any, also bounds each attempt: give it one at least as
// long as the longest per-call timeout in opts.
func New(baseURL string, hc *http.Client, opts Options) (*Client, error) {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	if hc == nil {
		longest := max(opts.HealthTimeout, opts.SetupTimeout, opts.PredictTimeout, opts.WebhookTimeout)
		hc = netguard.NewClient(netguard.Options{Timeout: longest})
	}
	return &Client{base: u, hc: hc, opts: opts}, nil
}

// URL returns the backend's base URL.
func (c *Client) URL() string { return c.base.String() }

// parseBaseURL validates a backend address.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("ml backend URL: %w", err)
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("ml backend URL %q: the scheme must be http or https", shown)
	case u.User != nil:
		return nil, fmt.Errorf("ml backend URL %q: credentials in the URL are not allowed; set basic auth separately", shown)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("ml backend URL %q: no host", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("ml backend URL %q: a query or fragment is not allowed", shown)
	}
	return u, nil
}

// endpoint returns the URL of one route below the base URL.
func (c *Client) endpoint(route string) string {
	return c.base.JoinPath(route).String()
}
