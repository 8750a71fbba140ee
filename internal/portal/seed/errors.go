package seed

import (
	"fmt"
	"slices"
	"strings"
)

// Error is one mistake in a seed file.
type Error struct {
	File  string
	Line  int    // 1-based; 0 when the mistake has no one line
	Field string // the path of the value at fault, e.g. merchants[0].stores[1].region
	Msg   string
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return where + ": " + e.Msg
	}
	return where + ": " + e.Field + ": " + e.Msg
}

// Errors is every mistake found in a seed file, one per line of its message.
type Errors []*Error

// maxShown keeps the message readable when a whole file is wrong.
const maxShown = 20

func (es Errors) Error() string {
	lines := make([]string, 0, min(len(es), maxShown)+1)
	for i, e := range es {
		if i == maxShown {
			lines = append(lines, fmt.Sprintf("... and %d more", len(es)-maxShown))
			break
		}
		lines = append(lines, e.Error())
	}
	return strings.Join(lines, "\n")
}

// sorted orders the errors by line, keeping the walk's order within a line.
func (es Errors) sorted() Errors {
	slices.SortStableFunc(es, func(a, b *Error) int { return a.Line - b.Line })
	return es
}
