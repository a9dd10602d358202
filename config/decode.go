package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the values one file may expand to through aliases
// (&anchor, *alias); a real configuration holds a few thousand.
const maxNodes = 1 << 18

// decoder turns a YAML node tree into configuration values, collecting
// every problem with its key path and line. Containers resolve aliases in
// their children before handing them on, so each function below receives
// resolved nodes.
type decoder struct {
	errs  problems
	lines map[string]int // key path -> line, to place Validate's problems
	nodes int
}

func newDecoder() *decoder {
	return &decoder{lines: map[string]int{}}
}

// setter stores the value of the node found at key path.
type setter func(path string, n *yaml.Node)

// field is one known key of a mapping.
type field struct {
	key string
	set setter
}

func (d *decoder) failf(path string, n *yaml.Node, format string, args ...any) {
	d.errs.addAt(n.Line, path, format, args...)
}

// node resolves an alias and counts n against maxNodes; false means stop.
func (d *decoder) node(path string, n *yaml.Node) (*yaml.Node, bool) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	d.nodes++
	if d.nodes == maxNodes {
		d.failf(path, n, "the file expands to more than %d values through aliases; write it out more plainly", maxNodes)
	}
	return n, d.nodes < maxNodes
}

// line returns the line of key path, or of the nearest enclosing key the
// file has, or 0.
func (d *decoder) line(path string) int {
	for path != "" {
		if l, ok := d.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n holds, for error messages.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "keys and values"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// pairs calls set for each key of the mapping n, in file order. A key with
// no value counts as left out.
func (d *decoder) pairs(path string, n *yaml.Node, set func(key, path string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.failf(path, n, "expected keys and values, got %s", describe(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, ok := d.node(path, n.Content[i])
		if !ok {
			return
		}
		if k.Kind != yaml.ScalarNode {
			d.failf(path, k, "a key must be a plain word, got %s", describe(k))
			continue
		}
		p := join(path, k.Value)
		if line, dup := seen[k.Value]; dup {
			d.failf(p, k, "given twice (first on line %d); keep one", line)
			continue
		}
		seen[k.Value] = k.Line
		v, ok := d.node(p, n.Content[i+1])
		if !ok {
			return
		}
		d.lines[p] = k.Line
		if !isNull(v) {
			set(k.Value, p, k, v)
		}
	}
}

// mapping reads the mapping n whose keys must be among fields, calling each
// field's setter in the order of fields (not of the file), so that a field
// can depend on one listed before it.
func (d *decoder) mapping(path string, n *yaml.Node, fields ...field) {
	values := map[string]*yaml.Node{}
	d.pairs(path, n, func(key, p string, k, v *yaml.Node) {
		if !slices.ContainsFunc(fields, func(f field) bool { return f.key == key }) {
			known := make([]string, len(fields))
			for i, f := range fields {
				known[i] = f.key
			}
			d.failf(p, k, "unknown key (the keys here are %s)", strings.Join(known, ", "))
			return
		}
		values[key] = v
	})
	for _, f := range fields {
		if v, ok := values[f.key]; ok {
			f.set(join(path, f.key), v)
		}
	}
}

// each calls set for each item of the sequence n.
func (d *decoder) each(path string, n *yaml.Node, set setter) {
	if n.Kind != yaml.SequenceNode {
		d.failf(path, n, "expected a list, got %s", describe(n))
		return
	}
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		item, ok := d.node(p, item)
		if !ok {
			return
		}
		d.lines[p] = item.Line
		set(p, item)
	}
}

func (d *decoder) scalar(path string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.failf(path, n, "expected a single value, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) text(dst *string) setter {
	return func(path string, n *yaml.Node) {
		if s, ok := d.scalar(path, n); ok {
			*dst = s
		}
	}
}

// texts reads a list of values, replacing *dst.
func (d *decoder) texts(dst *[]string) setter {
	return func(path string, n *yaml.Node) {
		list := []string{}
		d.each(path, n, func(p string, item *yaml.Node) {
			if s, ok := d.scalar(p, item); ok {
				list = append(list, s)
			}
		})
		*dst = list
	}
}

// keywords reads a list of words, trimmed and in lower case.
func (d *decoder) keywords(dst *[]string) setter {
	return func(path string, n *yaml.Node) {
		var list []string
		d.texts(&list)(path, n)
		for i, w := range list {
			list[i] = strings.ToLower(strings.TrimSpace(w))
		}
		*dst = list
	}
}

func (d *decoder) duration(dst *time.Duration) setter {
	return func(path string, n *yaml.Node) {
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			d.failf(path, n, "%q is not a duration (use Go form such as 12h or 90m)", s)
			return
		}
		*dst = v
	}
}

func (d *decoder) integer(dst *int) setter {
	return func(path string, n *yaml.Node) {
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			d.failf(path, n, "%q is not a whole number", s)
			return
		}
		*dst = v
	}
}

func (d *decoder) boolean(dst *bool) setter {
	return func(path string, n *yaml.Node) {
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		v, err := strconv.ParseBool(s)
		if err != nil || n.ShortTag() != "!!bool" {
			d.failf(path, n, "%q is not true or false", s)
			return
		}
		*dst = v
	}
}

func (d *decoder) timeOfDay(dst *TimeOfDay) setter {
	return func(path string, n *yaml.Node) {
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		v, err := ParseTimeOfDay(s)
		if err != nil {
			d.failf(path, n, "%s", err)
			return
		}
		*dst = v
	}
}
