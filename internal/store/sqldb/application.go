package sqldb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reconi/reconi/internal/reconi"
)

// appRow is how an application is kept: the parts that are documents
// (permissions, quote) as JSON.
type appRow struct {
	permissions, quote     sql.NullString
	termsVersion, agreedBy sql.NullString
	agreedAt, submittedAt  sql.NullInt64
}

func nullJSON(v any, isNil bool) (sql.NullString, error) {
	if isNil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	return sql.NullString{String: string(b), Valid: true}, err
}

func (t *Tx) InsertApplication(a *reconi.Application) error {
	if a.Kind == "" {
		a.Kind = reconi.AppKindNew
	}
	return t.tx.QueryRow(`INSERT INTO applications (state, kvk, level, branch, validity_years, created_by, created_at, kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.State, a.Organization.KVK, a.Level, a.Branch, a.ValidityYears, a.CreatedBy, micro(a.CreatedAt), a.Kind).Scan(&a.ID)
}

func (t *Tx) UpdateApplication(a *reconi.Application) error {
	perms, err := nullJSON(a.Permissions, a.Permissions == nil)
	if err != nil {
		return err
	}
	var quote sql.NullString
	var submitted sql.NullInt64
	if a.SubmittedAt != nil {
		// The quote is kept once the application is submitted, so a later
		// price list does not change what was agreed.
		if quote, err = nullJSON(a.Quote, false); err != nil {
			return err
		}
		submitted = sql.NullInt64{Int64: micro(*a.SubmittedAt), Valid: true}
	}
	var tv, by sql.NullString
	var at sql.NullInt64
	if a.Terms != nil {
		tv = sql.NullString{String: a.Terms.Version, Valid: true}
		by = sql.NullString{String: a.Terms.AgreedBy, Valid: true}
		at = sql.NullInt64{Int64: micro(a.Terms.AgreedAt), Valid: true}
	}
	_, err = t.tx.Exec(`UPDATE applications SET state = $1, permissions = $2, validity_years = $3, quote = $4,
		terms_version = $5, agreed_by = $6, agreed_at = $7, submitted_at = $8, submit_key = $9, manager_email = $10, submit_fingerprint = $11 WHERE id = $12`,
		a.State, perms, a.ValidityYears, quote, tv, by, at, submitted, a.IdempotencyKey, a.NotifyEmail, a.IdempotencyFingerprint, a.ID)
	return err
}

const appColumns = `a.id, a.state, a.kvk, o.name, a.level, a.branch, a.permissions, a.validity_years, a.quote,
	a.terms_version, a.agreed_by, a.agreed_at, a.created_by, a.created_at, a.submitted_at, a.submit_key, a.manager_email, a.submit_fingerprint, a.kind`

func (t *Tx) Application(id int64) (*reconi.Application, error) {
	a := &reconi.Application{}
	var r appRow
	var created int64
	err := t.tx.QueryRow(`SELECT `+appColumns+` FROM applications a JOIN organizations o ON o.kvk = a.kvk WHERE a.id = $1`, id).
		Scan(&a.ID, &a.State, &a.Organization.KVK, &a.Organization.Name, &a.Level, &a.Branch, &r.permissions,
			&a.ValidityYears, &r.quote, &r.termsVersion, &r.agreedBy, &r.agreedAt, &a.CreatedBy, &created, &r.submittedAt, &a.IdempotencyKey, &a.NotifyEmail, &a.IdempotencyFingerprint, &a.Kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicro(created)
	if r.permissions.Valid {
		a.Permissions = &reconi.Permissions{}
		if err := json.Unmarshal([]byte(r.permissions.String), a.Permissions); err != nil {
			return nil, fmt.Errorf("application %d permissions: %w", id, err)
		}
	}
	if r.quote.Valid {
		if err := json.Unmarshal([]byte(r.quote.String), &a.Quote); err != nil {
			return nil, fmt.Errorf("application %d quote: %w", id, err)
		}
	}
	if r.termsVersion.Valid {
		a.Terms = &reconi.TermsAgreement{Version: r.termsVersion.String, AgreedBy: r.agreedBy.String, AgreedAt: fromMicro(r.agreedAt.Int64)}
	}
	if r.submittedAt.Valid {
		s := fromMicro(r.submittedAt.Int64)
		a.SubmittedAt = &s
	}
	return a, nil
}

func (t *Tx) LockApplication(id int64) error {
	var got int64
	err := t.tx.QueryRow(`SELECT id FROM applications WHERE id = $1`+t.dialect.ForUpdate, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

func (t *Tx) DeleteApplicationUsers(appID int64) (int64, error) {
	res, err := t.tx.Exec(`DELETE FROM users WHERE application_id = $1`, appID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
