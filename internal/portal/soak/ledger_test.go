package soak

import (
	"fmt"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// key names one connector: the unit a PUT replaces.
type key struct {
	store  string
	method jwo.Method
}

func (k key) String() string { return k.store + "/" + string(k.method) }

// keyState is what the writers know of one key. Each key belongs to one
// writer, which writes it one PUT at a time, so at most one write of a key is
// in flight when the portal dies and "the last answered write" is well
// defined.
type keyState struct {
	answered string // endpoint URL of the last write answered 2xx; "" = none yet
	version  int64  // the version that answer carried
	inflight string // a write sent but not answered when the portal died
}

// outcome is the judgement of one key after a restart.
type outcome int

const (
	kept      outcome = iota // the last answered write is stored; a write in flight, if any, never landed
	committed                // the write in flight at the kill landed (its answer was lost)
	lost                     // an answered write is missing or overwritten: the failure the soak hunts
)

// judge compares what the restarted portal stores for a key with the
// ledger. The rule: the stored value is the last write answered 2xx, with
// its version, or the write in flight at the kill, one version later.
// Anything else (an answered write missing, an older value, a value never
// sent, a version that skipped) means a write was lost or duplicated.
func judge(st keyState, stored *jwo.Connector) (outcome, string) {
	switch {
	case stored == nil && st.answered == "":
		return kept, ""
	case stored == nil:
		return lost, fmt.Sprintf("connector missing; last answered write was %s (version %d)", st.answered, st.version)
	case stored.EndpointURL == st.answered && stored.Version == st.version:
		return kept, ""
	case st.inflight != "" && stored.EndpointURL == st.inflight && stored.Version == st.version+1:
		return committed, ""
	}
	return lost, fmt.Sprintf("stored %s (version %d); last answered %q (version %d), in flight %q",
		stored.EndpointURL, stored.Version, st.answered, st.version, st.inflight)
}

// The soak's verdict must itself be right: it runs in make test, where the
// soak does not.
func TestJudge(t *testing.T) {
	c := func(url string, v int64) *jwo.Connector { return &jwo.Connector{EndpointURL: url, Version: v} }
	tests := []struct {
		name   string
		st     keyState
		stored *jwo.Connector
		want   outcome
	}{
		{"never written", keyState{}, nil, kept},
		{"first write in flight, not landed", keyState{inflight: "a"}, nil, kept},
		{"first write in flight, landed", keyState{inflight: "a"}, c("a", 1), committed},
		{"answered, kept", keyState{answered: "a", version: 3}, c("a", 3), kept},
		{"answered, in flight landed", keyState{answered: "a", version: 3, inflight: "b"}, c("b", 4), committed},
		{"answered, in flight not landed", keyState{answered: "a", version: 3, inflight: "b"}, c("a", 3), kept},
		{"answered write missing", keyState{answered: "a", version: 1}, nil, lost},
		{"older value back", keyState{answered: "b", version: 2}, c("a", 1), lost},
		{"value never sent", keyState{answered: "a", version: 1}, c("z", 2), lost},
		{"answered value, version moved", keyState{answered: "a", version: 1}, c("a", 2), lost},
		{"in flight landed twice", keyState{answered: "a", version: 1, inflight: "b"}, c("b", 3), lost},
	}
	for _, tc := range tests {
		if got, why := judge(tc.st, tc.stored); got != tc.want {
			t.Errorf("%s: judge = %d (%s), want %d", tc.name, got, why, tc.want)
		}
	}
}
