package client

import (
	"context"
	"net/http"
	"strconv"

	"github.com/reconi/reconi/internal/reconi"
)

func appPath(id int64, rest string) string {
	return "/v1/applications/" + strconv.FormatInt(id, 10) + rest
}

func (c *Client) CreateDraft(ctx context.Context, in reconi.NewDraft) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, "/v1/applications", nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.get(ctx, appPath(id, ""), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Submit(ctx context.Context, appID int64, in reconi.Submission) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/submit"), nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) DiscardDraft(ctx context.Context, appID int64, reason string) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/discard"), nil, map[string]string{"reason": reason}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
