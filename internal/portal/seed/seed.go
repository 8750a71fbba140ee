// Package seed reads seed files (YAML, so JSON works too) of merchants,
// stores and catalog items, reporting the line and field of each mistake.
//
// Decoding goes through yaml.Node rather than struct tags so that every
// error, including one found by the domain's validation after decoding, can
// point at the line of the value at fault. The rules themselves live in
// internal/jwo; this package only maps their field errors back to lines.
package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// File is a parsed, validated seed file.
type File struct {
	Merchants []Merchant `json:"merchants"`
}

// Merchant is one merchant account and its stores.
type Merchant struct {
	ID     string  `json:"id"`
	Stores []Store `json:"stores"`
}

// Store is a store profile and its catalog.
type Store struct {
	jwo.StoreProfile
	Catalog []jwo.CatalogItem `json:"catalog"`
}

// maxSize caps a seed file: a seed describes a demo or test fleet, not a
// production catalog import.
const maxSize = 32 << 20

// Parse reads and validates a seed file; name is used in error messages
// ("seed.yaml:12: merchants[0].stores[1].region: ..."). A mistake in the
// file is reported as Errors, every mistake found in line order; only a
// failure to read r is not.
func Parse(name string, r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxSize {
		return File{}, Errors{{File: name, Msg: fmt.Sprintf("the file is larger than %d MiB", maxSize>>20)}}
	}
	root, err := parseDocument(data)
	if err != nil {
		return File{}, syntaxError(name, data, err)
	}
	d := &decoder{file: name, budget: maxNodes}
	f := d.document(root)
	if len(d.errs) > 0 {
		return File{}, d.errs.sorted()
	}
	return f, nil
}

// parseDocument returns the root node of the one YAML document in data.
func parseDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New(`the file is empty: expected a mapping with the key "merchants"`)
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("line %d: a seed file holds one YAML document; remove the second \"---\"", extra.Line)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New(`the file has no content: expected a mapping with the key "merchants"`)
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxError turns the YAML library's "yaml: line 3: ..." into the
// "name:3: ..." form of every other error, with a hint for the most common
// cause of its least helpful message.
func syntaxError(name string, data []byte, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return Errors{{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	if tabIndented(data, line) {
		msg += " (indent YAML with spaces, not tabs)"
	}
	return Errors{{File: name, Line: line, Msg: msg}}
}

// tabIndented reports whether the 1-based line starts with a tab.
func tabIndented(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
	return bytes.IndexByte(indent, '\t') >= 0
}
