package client

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) CompleteIdentification(ctx context.Context, userID int64, passed bool, note string) (*reconi.User, error) {
	result := "failed"
	if passed {
		result = "passed"
	}
	return c.user(ctx, userPath(userID, "/identification"), map[string]string{"result": result, "note": note})
}
