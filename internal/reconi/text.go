package reconi

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CheckText refuses text no database keeps alike: a NUL byte (PostgreSQL
// refuses it, SQLite keeps it) or bytes that are not UTF-8 (PostgreSQL
// refuses them too). field names the value in the error. Every value from
// outside (a JSON field, a query parameter, a path segment, a header) is
// checked at the edge, so both stores answer 400, not one 200 and one 500.
func CheckText(field, s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return Invalid(field, "contains a NUL byte (at byte %d): text may not", i)
	}
	if !utf8.ValidString(s) {
		return Invalid(field, "%q is not valid UTF-8 text", Excerpt(s))
	}
	return nil
}

// CheckTexts applies CheckText to every string in v: a string, or structs,
// slices, maps and pointers of them. Struct fields are named by their JSON
// names under field ("users[2].email").
func CheckTexts(field string, v any) error {
	return checkValue(field, reflect.ValueOf(v))
}

func checkValue(field string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return CheckText(field, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(field, v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := checkValue(field+"["+strconv.Itoa(i)+"]", v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			k := it.Key()
			name := field + "[" + strconv.Quote(Excerpt(k.String())) + "]"
			if err := checkValue(name, k); err != nil {
				return err
			}
			if err := checkValue(name, it.Value()); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = field
			} else if field != "" {
				name = field + "." + name
			}
			if err := checkValue(name, v.Field(i)); err != nil {
				return err
			}
		}
	}
	return nil
}
