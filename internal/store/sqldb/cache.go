package sqldb

// PriceListID is the ID of the price list in force (0: none): a new list is
// a new row, so the ID is the list's version, read from the primary key.
func (t *Tx) PriceListID() (int64, error) {
	var id int64
	err := t.tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM price_lists`).Scan(&id)
	return id, err
}
