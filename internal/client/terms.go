package client

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Terms(ctx context.Context) (*reconi.Terms, error) {
	var t reconi.Terms
	if err := c.get(ctx, "/v1/terms", nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
