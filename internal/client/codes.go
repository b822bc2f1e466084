package client

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) SendCode(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/send-code"), struct{}{})
}

func (c *Client) VerifyCode(ctx context.Context, token, code string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/verify"), map[string]string{"code": code})
}
