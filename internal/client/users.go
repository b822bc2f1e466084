package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/reconi/reconi/internal/reconi"
)

func (c *Client) AddUser(ctx context.Context, appID int64, in reconi.NewUser) (*reconi.User, error) {
	var u reconi.User
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/users"), nil, in, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

func (c *Client) RemoveUser(ctx context.Context, appID int64, email string) error {
	return c.do(ctx, http.MethodDelete, appPath(appID, "/users/"+url.PathEscape(email)), nil, nil, nil)
}

func (c *Client) Users(ctx context.Context, f reconi.UserFilter) (*reconi.UserPage, error) {
	q := url.Values{}
	if f.ApplicationID != 0 {
		q.Set("application_id", strconv.FormatInt(f.ApplicationID, 10))
	}
	setIf(q, "kvk", f.KVK)
	setPage(q, f.Cursor, f.Limit)
	var page reconi.UserPage
	if err := c.get(ctx, "/v1/users", q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// setPage adds the cursor and limit of a paged list to q.
func setPage(q url.Values, cursor string, limit int) {
	setIf(q, "cursor", cursor)
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
}

func userPath(id int64, rest string) string { return "/v1/users/" + strconv.FormatInt(id, 10) + rest }

func (c *Client) user(ctx context.Context, path string, body any) (*reconi.User, error) {
	var u reconi.User
	if err := c.do(ctx, http.MethodPost, path, nil, body, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
