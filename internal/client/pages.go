package client

import (
	"context"
	"fmt"
	"iter"
)

// pages walks a cursor-paginated list. fetch returns one page's items and the
// next token, "" on the last page. An error is yielded once and ends the walk;
// so does a consumer that stops.
func pages[T any](ctx context.Context, fetch func(ctx context.Context, token string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[string]bool{}
		token := ""
		for {
			items, next, err := fetch(ctx, token)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			// A server that hands out a token it gave before would keep
			// us walking in a circle forever.
			if seen[next] {
				yield(zero, fmt.Errorf("the portal returned page token %q twice: stopping instead of looping", next))
				return
			}
			seen[next] = true
			token = next
		}
	}
}

// collect gathers a walk into a slice, empty rather than nil when there is
// nothing, and stops at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	out := []T{}
	for it, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
