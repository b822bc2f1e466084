package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
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
	// tokens remembers tokens recently found valid, for at most tokenTTL.
	tokens tokenCache
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
	defer a.tokens.forget()
	return wrap(a.store.Update(ctx, func(tx store.Tx) error {
		ok, err := tx.RevokeToken(id, a.now().UTC())
		if err == nil && !ok {
			err = reconi.Errorf(reconi.KindNotFound, "token %d not found, or already revoked", id)
		}
		return err
	}))
}

// Authenticate returns the actor a bearer token stands for. A token found
// valid is remembered for tokenTTL, so that a client's next requests cost
// no query: a revoked token is refused within tokenTTL (under a second) on
// every replica, and at once on the one that revoked it.
func (a *Access) Authenticate(ctx context.Context, token string) (reconi.Actor, int64, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return reconi.Actor{}, 0, reconi.Errorf(reconi.KindUnauthorized, "invalid token")
	}
	key := sha256.Sum256([]byte(token))
	if e, ok := a.tokens.get(key); ok {
		return e.actor, e.id, nil
	}
	read := time.Now()
	var tok *store.Token
	if err := a.store.View(ctx, func(tx store.Tx) (err error) {
		tok, err = tx.TokenByHash(hex.EncodeToString(key[:]))
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
	actor := reconi.Actor{Name: name, Role: tok.Role, Orgs: tok.Orgs}
	a.tokens.put(key, tokenEntry{actor: actor, id: tok.ID, until: read.Add(tokenTTL)})
	return actor, tok.ID, nil
}

// tokenTTL is how long a token found valid is taken on trust: a token
// revoked on another replica is refused within it. Counted from before the
// read, so an entry never outlives a revocation by more.
const tokenTTL = 900 * time.Millisecond

// maxCachedTokens bounds the cache; when full it starts again.
const maxCachedTokens = 4096

type tokenEntry struct {
	actor reconi.Actor
	id    int64
	until time.Time
}

// tokenCache maps a token's SHA-256 to what it stood for when last read.
type tokenCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]tokenEntry
}

func (c *tokenCache) get(key [sha256.Size]byte) (tokenEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if ok && !time.Now().Before(e.until) {
		delete(c.m, key)
		return e, false
	}
	return e, ok
}

func (c *tokenCache) put(key [sha256.Size]byte, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = map[[sha256.Size]byte]tokenEntry{}
	}
	c.m[key] = e
}

// forget drops every remembered token: one was revoked.
func (c *tokenCache) forget() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}
