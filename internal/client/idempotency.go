package client

import (
	"crypto/rand"
	"encoding/hex"
)

// newKey returns a fresh Idempotency-Key. Every mutating request carries
// one, so a retry after a lost answer is answered, not redone.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
