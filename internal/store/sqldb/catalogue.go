package sqldb

import (
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
		if _, err := t.tx.Exec(`INSERT INTO services (id, provider, name, level) VALUES ($1, $2, $3, $4)`,
			s.ID, s.Provider, s.Name, s.Level); err != nil {
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
	rows, err = t.tx.Query(`SELECT id, provider, name, level FROM services ORDER BY provider, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s reconi.Service
		if err := rows.Scan(&s.ID, &s.Provider, &s.Name, &s.Level); err != nil {
			return nil, err
		}
		c.Services = append(c.Services, s)
	}
	return c, rows.Err()
}
