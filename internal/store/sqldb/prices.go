package sqldb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

func (t *Tx) InsertPriceList(p reconi.PriceList, at time.Time) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(`INSERT INTO price_lists (body, created_at) VALUES ($1, $2)`, string(body), micro(at))
	return err
}

func (t *Tx) PriceList() (*reconi.PriceList, error) {
	var body string
	err := t.tx.QueryRow(`SELECT body FROM price_lists ORDER BY id DESC LIMIT 1`).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p reconi.PriceList
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, fmt.Errorf("price list: %w", err)
	}
	return &p, nil
}
