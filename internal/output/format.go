package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/reconi/reconi/internal/csvio"
	"gopkg.in/yaml.v3"
)

// Format is the value of -o/--output.
type Format string

const (
	FormatTable Format = "table"
	FormatJSON  Format = "json"
	FormatYAML  Format = "yaml"
	FormatCSV   Format = "csv"
)

// Formats lists the accepted -o/--output values, for help text and completion.
func Formats() []string {
	return []string{string(FormatTable), string(FormatJSON), string(FormatYAML), string(FormatCSV)}
}

// ParseFormat validates an -o/--output value; the empty string means table.
func ParseFormat(s string) (Format, error) {
	if s == "" {
		return FormatTable, nil
	}
	if !slices.Contains(Formats(), s) {
		return "", fmt.Errorf("invalid value %q for -o/--output: want one of %s", s, strings.Join(Formats(), ", "))
	}
	return Format(s), nil
}

// Print writes data to ios.Out in format f. The machine formats are all derived from data's JSON
// encoding, so the json tags of the domain types are the one documented set of field names:
//
//   - json: indented, HTML characters not escaped, a nil slice printed as [].
//   - yaml: the same document and key order as json.
//   - csv: one row per element of a list (or a single row for an object). Columns are the JSON
//     field names, nested objects flattened as "organization.kvk", lists of scalars joined with
//     ";", lists holding objects or lists written as compact JSON in one cell, null as "".
//     The header row comes first and is printed even for an empty list of structs.
//   - table: tbl fills a Table, which renders itself for a terminal or for a pipe.
func Print(ios *IOStreams, f Format, data any, tbl func(*Table)) error {
	switch f {
	case FormatJSON:
		return writeJSON(ios.Out, data)
	case FormatYAML:
		return writeYAML(ios.Out, data)
	case FormatCSV:
		return writeCSV(ios.Out, data)
	case FormatTable, "":
		if tbl == nil {
			return errors.New("table output is not available here; use -o json, yaml or csv")
		}
		t := NewTable(ios)
		tbl(t)
		return t.Render()
	}
	return fmt.Errorf("unknown output format %q", f)
}

// PrintJQ filters data's JSON encoding through the jq expression expr and prints each result on
// its own line: strings raw, everything else as compact JSON (as gh --jq does).
func PrintJQ(ios *IOStreams, data any, expr string) error {
	query, err := gojq.Parse(expr)
	if err != nil {
		return fmt.Errorf("invalid --jq expression: %w", err)
	}
	code, err := gojq.Compile(query)
	if err != nil {
		return fmt.Errorf("invalid --jq expression: %w", err)
	}
	b, err := marshalJSON(data)
	if err != nil {
		return err
	}
	var input any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep large ids and amounts exact
	if err := dec.Decode(&input); err != nil {
		return err
	}

	var buf bytes.Buffer
	iter := code.Run(input)
	for {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, ok := v.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if s, ok := v.(string); ok {
			buf.WriteString(s)
		} else {
			out, _ := gojq.Marshal(v)
			buf.Write(out)
		}
		buf.WriteByte('\n')
	}
	// Nothing is written when the expression fails halfway, so no half output reaches a script.
	_, err = ios.Out.Write(buf.Bytes())
	return err
}

// marshalJSON is json.Marshal without HTML escaping ("<" and "€" stay as they are) and with a nil
// slice encoded as [] rather than null: a list command with no results still prints a list.
func marshalJSON(data any) ([]byte, error) {
	if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
		data = []any{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func writeJSON(w io.Writer, data any) error {
	b, err := marshalJSON(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

func writeYAML(w io.Writer, data any) error {
	doc, err := decodeOrdered(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(doc)); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func yamlNode(v any) *yaml.Node {
	switch v := v.(type) {
	case object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, m := range v {
			n.Content = append(n.Content, yamlNode(m.key), yamlNode(m.value))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range v {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	case string:
		// Let yaml.v3 pick the style, so "123", "null" and YAML 1.1 booleans like "yes" are quoted
		// and multi-line text becomes a literal block.
		n := &yaml.Node{}
		_ = n.Encode(v)
		return n
	default: // json.Number, bool, nil: their JSON text is also plain YAML
		return &yaml.Node{Kind: yaml.ScalarNode, Value: scalarText(v, "null")}
	}
}

func writeCSV(w io.Writer, data any) error {
	doc, err := decodeOrdered(data)
	if err != nil {
		return err
	}
	var items []any
	switch d := doc.(type) {
	case []any:
		items = d
	case object:
		items = []any{d}
	default:
		return errors.New("-o csv needs a list or an object")
	}

	cols := zeroColumns(data)
	rows := make([]map[string]string, 0, len(items))
	for _, item := range items {
		obj, ok := item.(object)
		if !ok {
			return errors.New("-o csv needs a list of objects")
		}
		row := map[string]string{}
		var keys []string
		flatten("", obj, func(k, v string) {
			keys = append(keys, k)
			row[k] = v
		})
		cols = mergeColumns(cols, keys)
		rows = append(rows, row)
	}
	cols = dropParents(cols)

	cw := csv.NewWriter(w)
	if len(cols) > 0 {
		_ = cw.Write(cols)
	}
	record := make([]string, len(cols))
	for _, row := range rows {
		for i, c := range cols {
			// Scripts' CSV ends up in spreadsheets: no cell may run as a
			// formula there.
			record[i] = csvio.SafeCell(row[c])
		}
		_ = cw.Write(record)
	}
	cw.Flush()
	return cw.Error()
}

// flatten calls add for every leaf of v, naming nested fields "parent.child".
func flatten(prefix string, v any, add func(key, value string)) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case object:
		if len(v) == 0 && prefix != "" {
			add(prefix, "")
		}
		for _, m := range v {
			flatten(join(m.key), m.value, add)
		}
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			switch e.(type) {
			case object, []any:
				b, _ := marshalJSON(v)
				add(prefix, string(b))
				return
			}
			parts = append(parts, scalarText(e, ""))
		}
		add(prefix, strings.Join(parts, ";"))
	default:
		add(prefix, scalarText(v, ""))
	}
}

func scalarText(v any, null string) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return null
	}
	return fmt.Sprint(v)
}

// mergeColumns adds the keys of one row to the column list, putting a new key right after the
// key that precedes it in that row, so columns keep the order of the JSON fields.
func mergeColumns(cols, keys []string) []string {
	pos := -1
	for _, k := range keys {
		if i := slices.Index(cols, k); i >= 0 {
			pos = i
			continue
		}
		pos++
		cols = slices.Insert(cols, pos, k)
	}
	return cols
}

// dropParents removes "organization" when "organization.kvk" exists: the parent was null in
// some row, and its flattened children already carry the empty cells.
func dropParents(cols []string) []string {
	return slices.DeleteFunc(cols, func(c string) bool {
		return slices.ContainsFunc(cols, func(o string) bool { return strings.HasPrefix(o, c+".") })
	})
}

// zeroColumns derives the columns of a list of structs from its element type, so the header is the
// same whether the list is empty or its nested pointers are nil.
func zeroColumns(data any) []string {
	t := reflect.TypeOf(data)
	if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil
	}
	t = t.Elem()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	v := reflect.New(t).Elem()
	fillZero(v, 0)
	doc, err := decodeOrdered(v.Interface())
	if err != nil {
		return nil
	}
	var cols []string
	flatten("", doc, func(k, _ string) { cols = append(cols, k) })
	return cols
}

// fillZero gives every field of v a value that JSON encodes, a few levels deep (types may refer
// to themselves): nil struct pointers point at zero structs, and scalars an omitempty tag would
// leave out get a non-zero value, so the header names every column whatever the rows hold. Only
// the keys are used.
func fillZero(v reflect.Value, depth int) {
	if depth > 3 {
		return
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.Struct:
			fillZero(f, depth+1)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			if f.Elem().Kind() == reflect.Struct {
				fillZero(f.Elem(), depth+1)
			}
		case reflect.String:
			f.SetString("x")
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(1)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(1)
		case reflect.Bool:
			f.SetBool(true)
		}
	}
}

// object is a JSON object that remembers its key order, which map[string]any forgets.
type object []member

type member struct {
	key   string
	value any
}

// decodeOrdered turns data into its JSON form: object, []any, string, json.Number, bool or nil.
func decodeOrdered(data any) (any, error) {
	b, err := marshalJSON(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return decodeValue(dec)
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := object{}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			obj = append(obj, member{key: key.(string), value: v})
		}
		_, err = dec.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err = dec.Token()
		return arr, err
	}
	return tok, nil
}

// MarshalJSON keeps the key order when a nested list is written into a CSV cell.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := marshalJSON(m.key)
		if err != nil {
			return nil, err
		}
		v, err := marshalJSON(m.value)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
