// Package app holds Concord's use cases: the application logic between the
// HTTP adapters (web pages, the web/api JSON API), the background jobs, the
// command line, and the store. A use case is a function of (ctx, caller,
// input) that returns domain errors (*Error), which each adapter renders its
// own way; it knows nothing of HTTP.
package app

import (
	"errors"
	"fmt"
	"time"
)

// Kind is the kind of a domain error; adapters map it to a status.
type Kind int

// The kinds of domain error.
const (
	NotFound  Kind = iota + 1 // no such thing, or the caller may not know it exists
	Forbidden                 // the caller may not do this
	Invalid                   // the input is refused for its content
	Conflict                  // the input clashes with existing data
	Busy                      // too many of these are running: try again after RetryAfter
)

// Error is a use case's refusal: a message safe to show the user, kept apart
// from the cause that only the log sees.
type Error struct {
	Kind    Kind
	Msg     string // shown to the user
	Details any    // more for API clients (e.g. field errors)
	Err     error  // the cause, for the log only
	// RetryAfter says when to try a Busy request again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Msg, e.Err)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNotFound says there is no such thing as what (or the caller may not know of it).
func ErrNotFound(what string) *Error { return &Error{Kind: NotFound, Msg: what + " not found"} }

// ErrForbidden says the caller may not do this.
func ErrForbidden() *Error {
	return &Error{Kind: Forbidden, Msg: "you do not have permission to do this"}
}

// ErrInvalid says the input is refused, with a message saying why and optional details.
func ErrInvalid(msg string, details any) *Error {
	return &Error{Kind: Invalid, Msg: msg, Details: details}
}

// As finds the domain error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
