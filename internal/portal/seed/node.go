package seed

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the nodes a walk visits: aliases can make a small file
// expand exponentially ("billion laughs").
const maxNodes = 1_000_000

// decoder walks the node tree and collects every mistake with its line.
type decoder struct {
	file   string
	errs   Errors
	budget int
}

// maxErrors stops a walk through a file that is wrong everywhere.
const maxErrors = 1000

func (d *decoder) fail(line int, field, format string, a ...any) {
	switch {
	case len(d.errs) < maxErrors:
		d.errs = append(d.errs, &Error{File: d.file, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)})
	case len(d.errs) == maxErrors:
		d.errs = append(d.errs, &Error{File: d.file, Line: line, Msg: fmt.Sprintf("stopped after %d mistakes", maxErrors)})
		d.budget = 0 // every node now reads as empty: the walk winds down
	}
}

// resolve follows aliases and charges the node budget; once the budget is
// spent every node reads as empty, which ends the walk.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	if d.budget <= 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line}
	}
	d.budget--
	if d.budget == 0 {
		d.fail(n.Line, "", "the file expands to more than %d values through aliases", maxNodes)
	}
	return n
}

// object is a YAML mapping whose keys have been checked.
type object struct {
	node   *yaml.Node
	path   string
	keys   map[string]*yaml.Node
	values map[string]*yaml.Node
}

// object checks that n is a mapping whose keys are all allowed and none is
// repeated; ok is false when n is not a mapping at all.
func (d *decoder) object(n *yaml.Node, path string, allowed ...string) (o object, ok bool) {
	n = d.resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, path, "must be a mapping of %s, got %s", quoted(allowed), kind(n))
		return object{}, false
	}
	o = object{node: n, path: path, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k.Line, path, "keys must be plain names, got %s", kind(k))
			continue
		}
		switch {
		case !slices.Contains(allowed, k.Value):
			d.fail(k.Line, o.field(k.Value), "unknown key: use one of %s", quoted(allowed))
		case o.keys[k.Value] != nil:
			d.fail(k.Line, o.field(k.Value), "is set twice (first at line %d)", o.keys[k.Value].Line)
		default:
			o.keys[k.Value] = k
			o.values[k.Value] = d.resolve(v)
		}
	}
	return o, true
}

// field is the path of one key of o.
func (o object) field(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o object) has(key string) bool { return o.values[key] != nil }

// line is where the value of key is, or where o starts when key is absent.
func (o object) line(key string) int {
	if v := o.values[key]; v != nil {
		return v.Line
	}
	return o.node.Line
}

// lineOf finds the line of a field named the way jwo's FieldErrors name
// them: "region" or "entry_methods[1]".
func (o object) lineOf(field string) int {
	key, rest, indexed := strings.Cut(field, "[")
	if indexed {
		i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
		if v := o.values[key]; err == nil && v != nil && v.Kind == yaml.SequenceNode && i >= 0 && i < len(v.Content) {
			return v.Content[i].Line
		}
	}
	return o.line(key)
}

// str reads a scalar as its literal text, so that an unquoted barcode such as
// 036000291452 keeps its leading zero.
func (d *decoder) str(o object, key string) string {
	v := o.values[key]
	if v == nil || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		d.fail(v.Line, o.field(key), "must be a string, got %s", kind(v))
		return ""
	}
	return v.Value
}

// boolean reads true or false; absent means false.
func (d *decoder) boolean(o object, key string) bool {
	v := o.values[key]
	if v == nil || isNull(v) {
		return false
	}
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		d.fail(v.Line, o.field(key), "must be true or false, got %s", describe(v))
	}
	return b
}

// list returns the elements of a sequence, resolved; absent means empty.
func (d *decoder) list(o object, key string) []*yaml.Node {
	v := o.values[key]
	if v == nil || isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		d.fail(v.Line, o.field(key), "must be a list, got %s", kind(v))
		return nil
	}
	out := make([]*yaml.Node, len(v.Content))
	for i, e := range v.Content {
		out[i] = d.resolve(e)
	}
	return out
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kind(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "nothing (null)"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return kind(n)
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
