package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// TestImportJSONLines: a JSON-lines body is read a line at a time, and a
// line that is not a user is a bad row like any other, with its line.
func TestImportJSONLines(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	tok := e.token("manager", orgA)
	app, _ := e.draft(orgA)
	path := fmt.Sprintf("/v1/applications/%d/users/import", app)
	line := func(u reconi.NewUser, source string) string {
		b, err := json.Marshal(reconi.UserRow{NewUser: u, Source: source})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	good := line(e.newUser(true), "m.yaml:3")

	body := strings.Join([]string{
		good,
		`{"first_name": "Jan", "nickname": "J"}`,
		`not json`,
		``,
		line(reconi.NewUser{FirstName: "Bram", LastName: "Visser", Email: "bram@@example", Phone: "0623456789"}, "m.yaml:9"),
	}, "\n") + "\n"
	resp, b := e.do(tok, request{method: "POST", path: path, body: body, contentType: "application/x-ndjson"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var eb struct{ Error reconi.Error }
	if err := json.Unmarshal(b, &eb); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range eb.Error.Rows {
		got = append(got, fmt.Sprintf("%d %s %s", r.Line, r.Source, r.Field))
	}
	want := []string{"2  row", "3  row", "4  row", "5 m.yaml:9 email", "5 m.yaml:9 employed"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows = %q, want %q\n%s", got, want, b)
	}
	if !strings.Contains(eb.Error.Rows[0].Message, `unknown field "nickname"`) {
		t.Errorf("an unknown field reads %q", eb.Error.Rows[0].Message)
	}

	// A line past the limit ends the body; nothing is added.
	resp, b = e.do(tok, request{method: "POST", path: path, body: good + "\n" + strings.Repeat(" ", 70<<10) + "\n", contentType: "application/x-ndjson"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "line 2 is longer than 64 KiB") {
		t.Errorf("a long line: status %d: %s", resp.StatusCode, b)
	}

	// The good line alone goes in, with a content type parameter too.
	resp, b = e.do(tok, request{method: "POST", path: path, body: good + "\n", contentType: "application/x-ndjson; charset=utf-8"})
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"added":1`) {
		t.Errorf("status %d: %s", resp.StatusCode, b)
	}
}
