package output

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/csvio"
)

// writeCSV writes data (a list of objects, or one) as CSV: nested fields
// become "parent.child" columns, and the columns come from the type as well
// as from the rows, so an empty list still has its header.
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
