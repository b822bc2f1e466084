package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Links(ctx context.Context, q reconi.LinkQuery) ([]reconi.AppLink, error) {
	var out []reconi.AppLink
	if err := c.do(ctx, http.MethodPost, "/v1/links", nil, q, &out); err != nil {
		return nil, err
	}
	return out, nil
}
