package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Services(ctx context.Context, f reconi.ServiceFilter) ([]reconi.Service, error) {
	q := url.Values{}
	setIf(q, "level", f.Level)
	setIf(q, "provider", f.Provider)
	var out []reconi.Service
	err := c.get(ctx, "/v1/services", q, &out)
	return out, err
}

func (c *Client) LoadCatalogue(ctx context.Context, cat reconi.Catalogue) error {
	return c.do(ctx, http.MethodPut, "/v1/catalogue", nil, cat, nil)
}
