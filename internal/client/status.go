package client

import (
	"context"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Applications(ctx context.Context, f reconi.ApplicationFilter) ([]reconi.ApplicationSummary, error) {
	q := url.Values{}
	setIf(q, "kvk", f.KVK)
	setIf(q, "state", f.State)
	setIf(q, "email", f.Email)
	var out []reconi.ApplicationSummary
	err := c.get(ctx, "/v1/applications", q, &out)
	return out, err
}
