// Package auth holds Concord's password hashing, API tokens, the caller carried in
// a request's context, and the permission policy: who may do what to which project.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/alexedwards/argon2id"

	"concord/internal/store"
)

// MinPasswordLength is the shortest password Concord accepts.
const MinPasswordLength = 8

// ErrWeakPassword says a password is too short.
var ErrWeakPassword = errors.New("the password must have at least 8 characters")

// HashPassword hashes a password with argon2id.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	return argon2id.CreateHash(password, argon2id.DefaultParams)
}

// CheckPassword reports whether password matches hash.
func CheckPassword(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// dummyHash is compared against when no user exists, so that a wrong e-mail
// takes as long to refuse as a wrong password.
var dummyHash, _ = argon2id.CreateHash("concord-timing-equaliser", argon2id.DefaultParams)

// CheckNoUser spends the time a password check would.
func CheckNoUser(password string) { CheckPassword(password, dummyHash) }

// NewToken makes a new API token: the key the user keeps (40 hex characters,
// like Label Studio's) and the hash and short prefix Concord stores.
func NewToken() (key string, hash []byte, prefix string) {
	b := make([]byte, 20)
	rand.Read(b)
	key = hex.EncodeToString(b)
	return key, TokenHash(key), key[:6]
}

// TokenHash is the stored form of a token key.
func TokenHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// RandomPassword makes a password for a generated account.
func RandomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type userKey struct{}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u store.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the signed-in user, if any.
func UserFrom(ctx context.Context) (store.User, bool) {
	u, ok := ctx.Value(userKey{}).(store.User)
	return u, ok
}
