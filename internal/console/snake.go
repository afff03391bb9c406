package console

import (
	"reflect"
	"strings"
	"time"
	"unicode"
)

// snake turns v into plain maps, slices and scalars for YAML or JSON: a
// struct becomes a map keyed by its exported fields in snake_case (fields
// tagged json:"-" and zero values left out), a map keeps its keys as they
// are (labels, sysctls: the user's), a duration becomes its text.
func snake(v any) any {
	return plain(reflect.ValueOf(v))
}

var durationType = reflect.TypeOf(time.Duration(0))

func plain(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == durationType {
		return time.Duration(v.Int()).String()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plain(v.Elem())
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" || v.Field(i).IsZero() {
				continue
			}
			out[snakeCase(f.Name)] = plain(v.Field(i))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = plain(v.MapIndex(k))
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes: never configuration worth showing
		}
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			out = append(out, plain(v.Index(i)))
		}
		return out
	}
	return v.Interface()
}

// acronyms are written as words before splitting, so "IPv4Address" is
// "ipv4_address" and "NanoCPUs" "nano_cpus".
var acronyms = strings.NewReplacer("IPv4", "Ipv4", "IPv6", "Ipv6", "CPUs", "Cpus", "IPAM", "Ipam", "TTL", "Ttl",
	"IP", "Ip", "ID", "Id", "URL", "Url")

// snakeCase turns a Go field name into snake_case ("MemoryLimit" ->
// "memory_limit", "IPv4Address" -> "ipv4_address", "TTL" -> "ttl").
func snakeCase(s string) string {
	s = acronyms.Replace(s)
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1]) && i > 0 && unicode.IsUpper(rs[i-1])
			if i > 0 && (prevLower || nextLower) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
