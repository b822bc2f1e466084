package sqldb

import (
	"context"
	"database/sql"

	"github.com/reconi/reconi/internal/reconi"
)

func (t *Tx) ReplaceCatalogue(c reconi.Catalogue) error {
	for _, q := range []string{`DELETE FROM services`, `DELETE FROM providers`} {
		if _, err := t.tx.Exec(q); err != nil {
			return err
		}
	}
	for _, p := range c.Providers {
		if _, err := t.tx.Exec(`INSERT INTO providers (name, oin, accepts_branch_users) VALUES ($1, $2, $3)`,
			p.Name, p.OIN, b2i(p.AcceptsBranchUsers)); err != nil {
			return t.conflict(err)
		}
	}
	for _, s := range c.Services {
		uuid := s.UUID
		if uuid == "" {
			uuid = reconi.DeriveServiceUUID(s.ID)
		}
		if _, err := t.tx.Exec(`INSERT INTO services (id, uuid, provider, name, level, accepts_branch_users) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.ID, uuid, s.Provider, s.Name, s.Level, b2i(s.AcceptsBranch())); err != nil {
			return t.conflict(err)
		}
	}
	return nil
}

func (t *Tx) Catalogue() (*reconi.Catalogue, error) {
	c := &reconi.Catalogue{}
	rows, err := t.tx.Query(`SELECT name, oin, accepts_branch_users FROM providers ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p reconi.Provider
		var accepts int
		if err := rows.Scan(&p.Name, &p.OIN, &accepts); err != nil {
			rows.Close()
			return nil, err
		}
		p.AcceptsBranchUsers = accepts != 0
		c.Providers = append(c.Providers, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.tx.Query(`SELECT id, uuid, provider, name, level, accepts_branch_users FROM services ORDER BY provider, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s reconi.Service
		var accepts int
		if err := rows.Scan(&s.ID, &s.UUID, &s.Provider, &s.Name, &s.Level, &accepts); err != nil {
			return nil, err
		}
		ok := accepts != 0
		s.AcceptsBranchUsers = &ok
		c.Services = append(c.Services, s)
	}
	return c, rows.Err()
}

// FillServiceUUIDs gives the services and service permissions that
// migration 00007 found without a ServiceUUID the one a catalogue file
// that gives none gets: the UUIDv5 of the ServiceID (SQL cannot derive it
// in both databases). Each store runs it right after migrating; the meta
// key service_uuids_filled keeps later starts from reading the permissions
// again, and two processes running it at once write the same values.
func FillServiceUUIDs(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'service_uuids_filled'`).Scan(&done); err != nil || done > 0 {
		return err
	}
	for _, q := range []struct{ find, set string }{
		{`SELECT DISTINCT id FROM services WHERE uuid = ''`, `UPDATE services SET uuid = $1 WHERE id = $2 AND uuid = ''`},
		{`SELECT DISTINCT service FROM means_permissions WHERE service_uuid = '' AND service <> ''`,
			`UPDATE means_permissions SET service_uuid = $1 WHERE service = $2 AND service_uuid = ''`},
	} {
		rows, err := tx.QueryContext(ctx, q.find)
		if err != nil {
			return err
		}
		var ids []reconi.ServiceID
		for rows.Next() {
			var id reconi.ServiceID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, q.set, reconi.DeriveServiceUUID(id), id); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('service_uuids_filled', 'migration 00007')
		ON CONFLICT (key) DO NOTHING`); err != nil {
		return err
	}
	return tx.Commit()
}
