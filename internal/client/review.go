package client

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) Reviews(ctx context.Context) ([]reconi.Review, error) {
	var out []reconi.Review
	err := c.get(ctx, "/v1/reviews", nil, &out)
	return out, err
}

func (c *Client) Approve(ctx context.Context, userID int64) (*reconi.User, error) {
	return c.user(ctx, userPath(userID, "/approve"), struct{}{})
}

func (c *Client) Reject(ctx context.Context, userID int64, reason string) (*reconi.User, error) {
	return c.user(ctx, userPath(userID, "/reject"), map[string]string{"reason": reason})
}
