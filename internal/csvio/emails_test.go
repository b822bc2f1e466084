package csvio

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

func TestReadEmails(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		want string
	}{
		"means list -o csv": {"id,email,first_name\n1,jan@example.nl,Jan\n2,piet@example.nl,Piet\n", "jan@example.nl:2 piet@example.nl:3"},
		"one column":        {"email\njan@example.nl\n\npiet@example.nl\n", "jan@example.nl:2 piet@example.nl:4"},
		"Dutch, semicolons": {"\ufeffvoornaam;E-mailadres\r\nJan;jan@example.nl\r\n", "jan@example.nl:2"},
		"blank lines first": {";;\n\nemail\nx@example.nl\n", "x@example.nl:4"},
		"header only":       {"email\n", ""},
	} {
		got, err := ReadEmails(strings.NewReader(tc.in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var parts []string
		for _, e := range got {
			parts = append(parts, fmt.Sprintf("%s:%d", e.Email, e.Line))
		}
		if strings.Join(parts, " ") != tc.want {
			t.Errorf("%s: got %v, want %s", name, parts, tc.want)
		}
	}
	for name, in := range map[string]string{
		"empty":     "",
		"no email":  "name,phone\nJan,0612345678\n",
		"bad quote": "email\n\"jan@example.nl\n",
	} {
		_, err := ReadEmails(strings.NewReader(in))
		if reconi.ErrorKind(err) != reconi.KindInvalid {
			t.Errorf("%s: %v, want an invalid error", name, err)
		}
	}
}
