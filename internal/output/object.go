package output

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
)

// ObjectWriter prints, as JSON, an object some of whose fields are lists
// that arrive a page at a time (an application with its users and its
// history): the same document Print writes for the whole object, written
// as it comes, so that only one page is ever held.
//
// The object is given with its lists empty; the text around them is written
// from it. Write adds items to the current list; Next ends it and writes on
// to the next list, or to the end of the object.
type ObjectWriter struct {
	out   io.Writer
	parts [][]byte // the text after each list; parts[i] ends before list i+1
	i     int      // the list being written
	n     int      // items written to it
}

// NewObjectWriter starts the JSON of obj on out, writing up to the first of
// lists, the JSON names of top-level list fields in the order they appear.
// Each must be empty ([] or null) in obj.
func NewObjectWriter(out io.Writer, obj any, lists ...string) (*ObjectWriter, error) {
	b, err := marshalJSON(obj)
	if err != nil {
		return nil, err
	}
	var doc bytes.Buffer
	if err := indentJSON(&doc, b, ""); err != nil {
		return nil, err
	}
	doc.WriteByte('\n')
	text := doc.Bytes()
	var parts [][]byte
	for _, name := range lists {
		// Top-level keys alone start a line with two spaces: strings hold
		// no raw newlines, deeper keys are indented further.
		key := []byte(fmt.Sprintf("\n  %q: ", name))
		at := bytes.Index(text, key)
		if at < 0 {
			return nil, fmt.Errorf("output: no field %q in the object, or not after the lists before it", name)
		}
		rest := text[at+len(key):]
		var empty []byte
		for _, e := range [][]byte{[]byte("[]"), []byte("null")} {
			if bytes.HasPrefix(rest, e) {
				empty = e
			}
		}
		if empty == nil {
			return nil, fmt.Errorf("output: field %q must be empty in the object", name)
		}
		parts = append(parts, text[:at+len(key)])
		text = rest[len(empty):]
	}
	parts = append(parts, text)
	if _, err := out.Write(parts[0]); err != nil {
		return nil, err
	}
	return &ObjectWriter{out: out, parts: parts[1:]}, nil
}

// Write adds the items of a slice to the current list.
func (w *ObjectWriter) Write(items any) error {
	v := reflect.ValueOf(items)
	if v.Kind() != reflect.Slice {
		return fmt.Errorf("output: ObjectWriter.Write wants a slice, not %T", items)
	}
	var buf bytes.Buffer
	for i := 0; i < v.Len(); i++ {
		if err := appendItem(&buf, v.Index(i).Interface(), w.n == 0, "    "); err != nil {
			return err
		}
		w.n++
	}
	_, err := w.out.Write(buf.Bytes())
	return err
}

// Next ends the current list and writes the object on, to the next list or
// to its end.
func (w *ObjectWriter) Next() error {
	if w.i >= len(w.parts) {
		return fmt.Errorf("output: the object has no more lists")
	}
	end := "\n  ]"
	if w.n == 0 {
		end = "[]"
	}
	if _, err := io.WriteString(w.out, end); err != nil {
		return err
	}
	_, err := w.out.Write(w.parts[w.i])
	w.i, w.n = w.i+1, 0
	return err
}
