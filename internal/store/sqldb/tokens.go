package sqldb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) InsertToken(tok *store.Token) error {
	orgs, err := json.Marshal(tok.Orgs)
	if err != nil {
		return err
	}
	return t.tx.QueryRow(`INSERT INTO tokens (name, role, orgs, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		tok.Name, tok.Role, string(orgs), tok.Hash, micro(tok.CreatedAt)).Scan(&tok.ID)
}

const tokenColumns = `id, name, role, orgs, hash, created_at, revoked_at`

func scanToken(sc scanner) (store.Token, error) {
	var tok store.Token
	var orgs string
	var created int64
	var revoked sql.NullInt64
	if err := sc.Scan(&tok.ID, &tok.Name, &tok.Role, &orgs, &tok.Hash, &created, &revoked); err != nil {
		return tok, err
	}
	if err := json.Unmarshal([]byte(orgs), &tok.Orgs); err != nil {
		return tok, err
	}
	tok.CreatedAt = fromMicro(created)
	if revoked.Valid {
		at := fromMicro(revoked.Int64)
		tok.RevokedAt = &at
	}
	return tok, nil
}

func (t *Tx) TokenByHash(hash string) (*store.Token, error) {
	tok, err := scanToken(t.tx.QueryRow(`SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &tok, nil
}

func (t *Tx) Tokens() ([]store.Token, error) {
	return queryAll(t, scanToken, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
}

func (t *Tx) RevokeToken(id int64, at time.Time) (bool, error) {
	res, err := t.tx.Exec(`UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, micro(at), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
