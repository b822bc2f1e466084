package service

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strconv"

	"github.com/reconi/reconi/internal/store"
)

// The link of an invitation is sent again as it was while it is valid, so
// its token is kept, sealed with a key of the database's own (meta
// invitation_key): a copy of the invitations table alone, or a log of it,
// does not hold working links. Whoever has the whole database has them, as
// they have the undelivered emails in the outbox; the link is still found by
// its hash.
const invitationKeyMeta = "invitation_key"

// invitationKey returns the database's sealing key, making it on first use.
func (s *Service) invitationKey(tx store.Tx) ([]byte, error) {
	v, err := tx.Meta(invitationKeyMeta)
	if err != nil {
		return nil, err
	}
	if v == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		// Concurrent first uses agree on one key: the first claim wins.
		if _, err := tx.ClaimMeta(invitationKeyMeta, base64.RawStdEncoding.EncodeToString(b[:])); err != nil {
			return nil, err
		}
		if v, err = tx.Meta(invitationKeyMeta); err != nil {
			return nil, err
		}
	}
	return base64.RawStdEncoding.DecodeString(v)
}

func seal(key []byte, userID int64, token string) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := gcm.Seal(nonce, nonce, []byte(token), []byte(strconv.FormatInt(userID, 10)))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// unseal returns the token sealed for userID; an error means the link
// cannot be sent again and a new one is made.
func unseal(key []byte, userID int64, sealed string) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < gcm.NonceSize() {
		return "", errors.New("sealed token: malformed")
	}
	token, err := gcm.Open(nil, b[:gcm.NonceSize()], b[gcm.NonceSize():], []byte(strconv.FormatInt(userID, 10)))
	return string(token), err
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
