package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/reconi/reconi/internal/reconi"
)

func invPath(token, rest string) string { return "/v1/invitations/" + url.PathEscape(token) + rest }

func (c *Client) invitation(ctx context.Context, method, path string, body any) (*reconi.Invitation, error) {
	var inv reconi.Invitation
	if err := c.do(ctx, method, path, nil, body, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

func (c *Client) Invitation(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodGet, invPath(token, ""), nil)
}

func (c *Client) ConfirmDetails(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/confirm"), struct{}{})
}

func (c *Client) Order(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/order"), struct{}{})
}

func (c *Client) ResendInvitation(ctx context.Context, appID int64, email string, newLink bool) (*reconi.User, error) {
	var u reconi.User
	body := map[string]bool{"new_link": newLink}
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/users/"+url.PathEscape(email)+"/resend"), nil, body, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

func (c *Client) UpdateUser(ctx context.Context, appID int64, email string, in reconi.UserUpdate) (*reconi.User, error) {
	var u reconi.User
	if err := c.do(ctx, http.MethodPatch, appPath(appID, "/users/"+url.PathEscape(email)), nil, in, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
