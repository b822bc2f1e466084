package sqldb

import (
	"database/sql"
	"errors"

	"github.com/reconi/reconi/internal/reconi"
)

func (t *Tx) InsertOrganization(o *reconi.Organization) error {
	if _, err := t.tx.Exec(`INSERT INTO organizations (kvk, name, created_at) VALUES ($1, $2, $3)`,
		o.KVK, o.Name, micro(o.CreatedAt)); err != nil {
		return t.conflict(err)
	}
	for _, b := range o.Branches {
		if _, err := t.tx.Exec(`INSERT INTO branches (number, kvk, name) VALUES ($1, $2, $3)`,
			b.Number, o.KVK, b.Name); err != nil {
			return t.conflict(err)
		}
	}
	return nil
}

func (t *Tx) Organization(kvk reconi.KVK) (*reconi.Organization, error) {
	o := &reconi.Organization{KVK: kvk}
	var created int64
	err := t.tx.QueryRow(`SELECT name, created_at FROM organizations WHERE kvk = $1`, kvk).Scan(&o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicro(created)
	o.Branches, err = t.branches(`WHERE kvk = $1`, kvk)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (t *Tx) branches(where string, args ...any) ([]reconi.Branch, error) {
	rows, err := t.tx.Query(`SELECT number, name FROM branches `+where+` ORDER BY number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []reconi.Branch{}
	for rows.Next() {
		var b reconi.Branch
		if err := rows.Scan(&b.Number, &b.Name); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (t *Tx) Organizations() ([]reconi.Organization, error) {
	rows, err := t.tx.Query(`SELECT kvk, name, created_at FROM organizations ORDER BY name, kvk`)
	if err != nil {
		return nil, err
	}
	var out []reconi.Organization
	for rows.Next() {
		var o reconi.Organization
		var created int64
		if err := rows.Scan(&o.KVK, &o.Name, &created); err != nil {
			rows.Close()
			return nil, err
		}
		o.CreatedAt = fromMicro(created)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Organisations are few and branches fewer; one query per organisation
	// keeps this plain.
	for i := range out {
		if out[i].Branches, err = t.branches(`WHERE kvk = $1`, out[i].KVK); err != nil {
			return nil, err
		}
	}
	return out, nil
}
