package client

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Whoami(ctx context.Context) (*reconi.Actor, error) {
	var a reconi.Actor
	if err := c.get(ctx, "/v1/whoami", nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
