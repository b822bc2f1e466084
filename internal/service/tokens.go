package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// TokenPrefix starts every API token, so that a leaked one is recognisable
// (by secret scanners, too).
const TokenPrefix = "rci_"

// Access manages what `reconi serve` needs besides the Backend: API tokens
// and the first answers to idempotent requests. Tokens are administered on
// the server's machine, against its database.
type Access struct {
	store store.Store
	now   func() time.Time
}

// NewAccess returns an Access over st.
func NewAccess(st store.Store, now func() time.Time) *Access {
	if now == nil {
		now = time.Now
	}
	return &Access{store: st, now: now}
}

// NewToken describes a token to create.
type NewToken struct {
	Name string
	Role string
	Orgs []string
}

// HashToken is how tokens are kept: SHA-256, hex. Tokens carry 256 random
// bits, so a fast hash is enough: there is nothing to guess.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a token and returns it; it is shown this once, only its
// hash is kept.
func (a *Access) CreateToken(ctx context.Context, in NewToken) (string, *store.Token, error) {
	role := reconi.Role(strings.ToLower(strings.TrimSpace(in.Role)))
	switch role {
	case reconi.RoleManager, reconi.RoleHelpdesk, reconi.RoleOperator:
	default:
		return "", nil, reconi.Invalid("role", "%q is not a role: want manager, helpdesk or operator", reconi.Excerpt(in.Role))
	}
	tok := &store.Token{Name: strings.TrimSpace(in.Name), Role: role, Orgs: []reconi.KVK{}, CreatedAt: a.now().UTC()}
	for _, o := range in.Orgs {
		kvk, err := reconi.ParseKVK(o)
		if err != nil {
			return "", nil, err
		}
		tok.Orgs = append(tok.Orgs, kvk)
	}
	if role == reconi.RoleManager && len(tok.Orgs) == 0 {
		return "", nil, reconi.Invalid("org", "a manager token needs at least one organisation")
	}
	if role == reconi.RoleOperator && len(tok.Orgs) > 0 {
		return "", nil, reconi.Invalid("org", "an operator keeps the broker's data for all organisations")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	tok.Hash = HashToken(secret)
	err := wrap(a.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertToken(tok); err != nil {
			return err
		}
		if tok.Name == "" {
			tok.Name = fmt.Sprintf("token-%d", tok.ID)
		}
		return nil
	}))
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// Tokens lists every token, revoked ones included.
func (a *Access) Tokens(ctx context.Context) ([]store.Token, error) {
	var out []store.Token
	err := a.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Tokens()
		return err
	})
	return out, wrap(err)
}

// RevokeToken makes a token unusable from now on.
func (a *Access) RevokeToken(ctx context.Context, id int64) error {
	return wrap(a.store.Update(ctx, func(tx store.Tx) error {
		ok, err := tx.RevokeToken(id, a.now().UTC())
		if err == nil && !ok {
			err = reconi.Errorf(reconi.KindNotFound, "token %d not found, or already revoked", id)
		}
		return err
	}))
}

// Authenticate returns the actor a bearer token stands for.
func (a *Access) Authenticate(ctx context.Context, token string) (reconi.Actor, int64, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return reconi.Actor{}, 0, reconi.Errorf(reconi.KindUnauthorized, "invalid token")
	}
	var tok *store.Token
	if err := a.store.View(ctx, func(tx store.Tx) (err error) {
		tok, err = tx.TokenByHash(HashToken(token))
		return err
	}); err != nil {
		return reconi.Actor{}, 0, wrap(err)
	}
	if tok == nil || tok.RevokedAt != nil {
		return reconi.Actor{}, 0, reconi.Errorf(reconi.KindUnauthorized, "invalid or revoked token")
	}
	name := tok.Name
	if name == "" {
		name = fmt.Sprintf("token-%d", tok.ID)
	}
	return reconi.Actor{Name: name, Role: tok.Role, Orgs: tok.Orgs}, tok.ID, nil
}
