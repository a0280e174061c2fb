// Package problem is the typed error that HTTP handlers return: a status and a
// message safe to show the user, kept apart from the cause that only the log sees.
package problem

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"concord/internal/app"
	"concord/internal/store"
)

// Error is an HTTP error with a user-safe message.
type Error struct {
	Status  int    // HTTP status
	Msg     string // shown to the user
	Details any    // extra JSON for API clients (e.g. field errors)
	Err     error  // the cause, for the log only
	// RetryAfter, when positive, is sent as the Retry-After header (whole seconds).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Msg, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an Error with a status and a message.
func New(status int, msg string) *Error { return &Error{Status: status, Msg: msg} }

// BadRequest says the request is malformed.
func BadRequest(format string, args ...any) *Error {
	return New(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

// Invalid says the request is well-formed but its content is refused (422).
func Invalid(msg string, details any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Msg: msg, Details: details}
}

// Unauthorized says the caller is not signed in or the credentials are wrong.
func Unauthorized(msg string) *Error { return New(http.StatusUnauthorized, msg) }

// Forbidden says the caller may not do this.
func Forbidden() *Error { return New(http.StatusForbidden, "you do not have permission to do this") }

// NotFound says there is no such thing (or the caller may not know it exists).
func NotFound(what string) *Error { return New(http.StatusNotFound, what+" not found") }

// TooMany says the caller has too much going on and may retry after a while (429).
func TooMany(msg string, retryAfter time.Duration) *Error {
	return &Error{Status: http.StatusTooManyRequests, Msg: msg, RetryAfter: retryAfter}
}

// Conflict says the request clashes with existing data.
func Conflict(msg string) *Error { return New(http.StatusConflict, msg) }

// appStatus is the HTTP status of each kind of domain error.
var appStatus = map[app.Kind]int{
	app.NotFound:  http.StatusNotFound,
	app.Forbidden: http.StatusForbidden,
	app.Invalid:   http.StatusUnprocessableEntity,
	app.Conflict:  http.StatusConflict,
	app.Busy:      http.StatusTooManyRequests,
}

// From turns any error into an Error: a domain error (app.Error) gets its kind's status, store.ErrNotFound becomes 404,
// store.ErrConflict 409, and anything unknown a 500 that hides its cause.
func From(err error) *Error {
	var pe *Error
	var qe *store.QueryError
	var ae *app.Error
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &qe):
		return &Error{Status: http.StatusBadRequest, Msg: qe.Msg, Err: err}
	case errors.As(err, &ae):
		return &Error{Status: appStatus[ae.Kind], Msg: ae.Msg, Details: ae.Details, Err: ae.Err, RetryAfter: ae.RetryAfter}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Msg: "not found", Err: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Msg: "already exists", Err: err}
	case store.Unavailable(err):
		return &Error{Status: http.StatusServiceUnavailable, Msg: "the database is unavailable; try again in a few seconds", Err: err}
	case errors.Is(err, http.ErrHandlerTimeout):
		return &Error{Status: http.StatusServiceUnavailable, Msg: "the server is busy; try again", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Msg: "internal error: it has been logged", Err: err}
}
