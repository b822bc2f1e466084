package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
	"gopkg.in/yaml.v3"
)

func (p *parser) users(n *yaml.Node) []User {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n.Line, "users", "want a list of users (first_name, last_name, email, phone, date_of_birth, employed), not %s", kindName(n))
		return nil
	}
	var out []User
	for i, un := range n.Content {
		path := fmt.Sprintf("users[%d]", i)
		if un.Kind != yaml.MappingNode {
			p.fail(un.Line, path, "want a user with %s, not %s", strings.Join(userFields, ", "), kindName(un))
			continue
		}
		f := p.fields(un, path, userFields)
		vals := make(map[string]string)
		lines := make(map[string]int)
		reported := make(map[string]bool) // fields already found wanting
		for _, key := range userFields {
			lines[key] = un.Line
			if v := f[key]; v != nil {
				var ok bool
				vals[key], ok = p.scalar(v, path+"."+key)
				lines[key], reported[key] = v.Line, !ok
			}
		}
		source := fmt.Sprintf("%s:%d", p.file, un.Line)
		u, ok := p.user(vals, source, func(field, msg string) {
			if !reported[field] {
				p.fail(lines[field], path+"."+field, "%s", msg)
			}
		})
		if ok {
			out = append(out, u)
		}
	}
	return out
}

// usersFile reads the users of the CSV file name, relative to the
// manifest's folder, with the importer's reader: the same columns, header
// names and spreadsheet dialects as `reconi users import`.
func (p *parser) usersFile(line int, name string) []User {
	if name == "" {
		p.fail(line, "users_file", "is empty: want the path of a CSV file, relative to this file")
		return nil
	}
	fh, path, err := p.open(name)
	if err != nil {
		p.fail(line, "users_file", "%v", err)
		return nil
	}
	defer fh.Close()
	// A file that is not CSV text (a key, an image, a database) is named,
	// never quoted: its first line could be a secret.
	br := bufio.NewReader(fh)
	if head, _ := br.Peek(sniffBytes); bytes.IndexByte(head, 0) >= 0 {
		p.add(path, 0, "", "is not a CSV file: it holds binary data")
		return nil
	}
	cr, err := csvio.NewReader(br)
	if err != nil {
		msg := message(err)
		if i := strings.Index(msg, "; the header has "); i >= 0 {
			msg = msg[:i] + "; is it a CSV file of users? (its first line is not shown)"
		}
		p.add(path, 1, "", "%s", msg)
		return nil
	}
	var out []User
	for {
		row, err := cr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *reconi.Error
		if errors.As(err, &re) && len(re.Rows) > 0 {
			for _, r := range re.Rows {
				p.add(path, r.Line, r.Field, "%s", r.Message)
			}
			continue
		}
		if err != nil {
			p.add(path, 0, "", "%v", err)
			return out
		}
		vals := map[string]string{"first_name": row.FirstName, "last_name": row.LastName, "email": row.Email,
			"phone": row.Phone, "date_of_birth": row.DateOfBirth, "employed": row.Employed}
		source := fmt.Sprintf("%s:%d", path, row.Line)
		u, ok := p.user(vals, source, func(field, msg string) { p.add(path, row.Line, field, "%s", msg) })
		if ok {
			out = append(out, u)
		}
	}
}

// sniffBytes is how much of a users file is looked at for binary data.
const sniffBytes = 8 << 10

// open opens the users file name: inside the manifest's folder (a path
// that leaves it by .., or by a symbolic link, is refused) unless
// AllowOutsideFiles. It returns the file and its path for messages.
func (p *parser) open(name string) (*os.File, string, error) {
	dir := filepath.Dir(p.file)
	if p.file == "<stdin>" {
		dir = "."
	}
	if p.allowOutside {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, name)
		}
		fh, err := os.Open(path)
		return fh, path, err
	}
	path := filepath.Join(dir, name)
	outside := fmt.Errorf("%q is outside the manifest's folder: want a file in %s or below it (--allow-outside-files reads others)", name, dir)
	if !filepath.IsLocal(name) {
		return nil, path, outside
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, path, err
	}
	defer root.Close()
	fh, err := root.Open(name)
	var pe *fs.PathError
	switch {
	case err == nil:
		return fh, path, nil
	case errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent":
		// A symbolic link that points out of the folder.
		return nil, path, outside
	case errors.Is(err, fs.ErrNotExist):
		return nil, path, fmt.Errorf("open %s: no such file or directory", path)
	}
	return nil, path, fmt.Errorf("open %s: %w", path, errors.Unwrap(err))
}

// user parses one user's fields as the backend does, reporting each bad
// one, and records the email to find duplicates in the manifest.
func (p *parser) user(v map[string]string, source string, report func(field, msg string)) (User, bool) {
	parsed, problems := reconi.ParseUser(reconi.UserFields{FirstName: v["first_name"], LastName: v["last_name"], Email: v["email"],
		Phone: v["phone"], DateOfBirth: v["date_of_birth"], Employed: v["employed"]}, p.now)
	u := User{Source: source, FirstName: parsed.FirstName, LastName: parsed.LastName, Email: parsed.Email,
		Phone: parsed.Phone, DateOfBirth: parsed.DateOfBirth, Employed: parsed.Employed}
	for _, pr := range problems {
		report(pr.Field, pr.Message)
	}
	ok := len(problems) == 0
	if u.Email != "" {
		key := strings.ToLower(u.Email)
		if first, dup := p.seen[key]; dup {
			report("email", fmt.Sprintf("duplicate email %s: also at %s", u.Email, first))
			ok = false
		} else {
			p.seen[key] = source
		}
	}
	return u, ok
}
