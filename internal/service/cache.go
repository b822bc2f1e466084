package service

import (
	"sync"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// What the service keeps in memory between requests, and how each copy is
// kept true when the database changes, in this process or another (a
// replica, a command on the same file):
//
//   - the price list in force, by its row ID: every read asks the ID (the
//     primary key's last entry, in the read's own transaction) and decodes
//     the list only when it changed. Exact on every replica.
//   - the catalogue, for the catalogue list only, for at most catalogueTTL:
//     it has no version column, and a list a second old is harmless; every
//     step that checks permissions against it reads it in its own
//     transaction, and a load in this process drops the copy at once.
//   - the deadlines reads need (expiry.go), for at most dueCheckTTL.
//   - API tokens (tokens.go), for at most tokenTTL.

// catalogueTTL is how long the catalogue list may serve a copy.
const catalogueTTL = time.Second

// priceCache is the last price list read, with its ID.
type priceCache struct {
	mu sync.Mutex
	id int64
	pl *reconi.PriceList
}

// priceList returns the price list in force, decoded once per version. The
// list returned is shared: read it, never change it.
func (s *Service) priceList(tx store.Tx) (*reconi.PriceList, error) {
	id, err := tx.PriceListID()
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, reconi.Errorf(reconi.KindNotFound, "no price list is loaded")
	}
	s.prices.mu.Lock()
	pl := s.prices.pl
	if s.prices.id != id {
		pl = nil
	}
	s.prices.mu.Unlock()
	if pl != nil {
		return pl, nil
	}
	if pl, err = tx.PriceList(); err != nil {
		return nil, err
	}
	if pl == nil {
		return nil, reconi.Errorf(reconi.KindNotFound, "no price list is loaded")
	}
	// The list read is the one of the ID read: both come from the
	// transaction's snapshot.
	s.prices.mu.Lock()
	s.prices.id, s.prices.pl = id, pl
	s.prices.mu.Unlock()
	return pl, nil
}

// catalogueCache is the catalogue as last read, and until when it serves.
type catalogueCache struct {
	mu    sync.Mutex
	cat   *reconi.Catalogue
	until time.Time
}

func (c *catalogueCache) forget() {
	c.mu.Lock()
	c.cat = nil
	c.mu.Unlock()
}

// cachedCatalogue returns the catalogue for listing: a copy at most
// catalogueTTL old, or read in tx. Shared: read it, never change it.
func (s *Service) cachedCatalogue(tx store.Tx) (*reconi.Catalogue, error) {
	s.catalogue.mu.Lock()
	cat := s.catalogue.cat
	if cat != nil && !time.Now().Before(s.catalogue.until) {
		cat = nil
	}
	s.catalogue.mu.Unlock()
	if cat != nil {
		return cat, nil
	}
	read := time.Now()
	cat, err := tx.Catalogue()
	if err != nil {
		return nil, err
	}
	s.catalogue.mu.Lock()
	s.catalogue.cat, s.catalogue.until = cat, read.Add(catalogueTTL)
	s.catalogue.mu.Unlock()
	return cat, nil
}
