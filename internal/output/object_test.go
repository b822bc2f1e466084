package output

import (
	"bytes"
	"testing"
)

type nestedParent struct {
	*nestedHead
	Events []streamItem `json:"events"`
}

type nestedHead struct {
	ID    int64        `json:"id"`
	Note  string       `json:"note"`
	Inner nestedInner  `json:"inner"`
	Users []streamItem `json:"users"`
	Total int          `json:"users_total"`
	Next  string       `json:"users_next_cursor,omitempty"`
}

type nestedInner struct {
	Users []string `json:"users"`
}

// TestObjectWriterMatchesPrint: an object whose lists are written a page at
// a time reads exactly as Print writes the whole object as JSON.
func TestObjectWriterMatchesPrint(t *testing.T) {
	for _, c := range []struct {
		name          string
		users, events [][]streamItem
	}{
		{"empty lists", nil, nil},
		{"one item", [][]streamItem{items(1)}, [][]streamItem{items(2)}},
		{"pages", [][]streamItem{items(1, 2), {}, items(3)}, [][]streamItem{items(4, 5, 6), items(7)}},
		{"empty pages", [][]streamItem{{}, {}}, [][]streamItem{items(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A string that looks like the key, and a deeper key of the same
			// name, must not be taken for the list.
			head := &nestedHead{ID: 7, Note: "x\n  \"users\": []", Inner: nestedInner{Users: []string{}}, Total: 3}
			whole := nestedParent{nestedHead: &nestedHead{}, Events: []streamItem{}}
			*whole.nestedHead = *head
			whole.Users = []streamItem{}
			for _, p := range c.users {
				whole.Users = append(whole.Users, p...)
			}
			for _, p := range c.events {
				whole.Events = append(whole.Events, p...)
			}
			var want bytes.Buffer
			if err := writeJSON(&want, whole); err != nil {
				t.Fatal(err)
			}

			var got bytes.Buffer
			w, err := NewObjectWriter(&got, nestedParent{nestedHead: head}, "users", "events")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range c.users {
				if err := w.Write(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Next(); err != nil {
				t.Fatal(err)
			}
			for _, p := range c.events {
				if err := w.Write(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Next(); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed:\n%s\nwant, as Print writes it:\n%s", got.String(), want.String())
			}
			if err := w.Next(); err == nil {
				t.Error("Next past the last list: no error")
			}
		})
	}
}

// TestObjectWriterRefuses: a list field that is missing, out of order or not
// empty is a programming error, reported before anything is written.
func TestObjectWriterRefuses(t *testing.T) {
	obj := nestedParent{nestedHead: &nestedHead{Users: items(1)}}
	for _, lists := range [][]string{{"nope"}, {"events", "users"}, {"users"}} {
		var out bytes.Buffer
		if _, err := NewObjectWriter(&out, obj, lists...); err == nil || out.Len() != 0 {
			t.Errorf("lists %v: err %v, wrote %q; want an error and nothing written", lists, err, out.String())
		}
	}
}
