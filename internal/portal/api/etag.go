package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

// preconditionsOf reads the conditional headers of a write on a connector
// (RFC 9110 section 13.2.2): If-Match compares strongly, so a weak tag in it
// matches nothing; If-None-Match compares weakly. A tag that is no version
// of ours matches nothing either.
func preconditionsOf(r *http.Request) portal.Preconditions {
	var pre portal.Preconditions
	if h := r.Header.Get("If-Match"); h != "" {
		pre.IfMatch = versionsOf(h, false)
	}
	if h := r.Header.Get("If-None-Match"); h != "" {
		pre.IfNoneMatch = versionsOf(h, true)
	}
	return pre
}

// versionsOf reads an entity-tag list: "*" is any version; weak tags count
// only when weak is set.
func versionsOf(h string, weak bool) *portal.Versions {
	v := &portal.Versions{}
	for part := range strings.SplitSeq(h, ",") {
		t := strings.TrimSpace(part)
		if t == "*" {
			v.Any = true
			continue
		}
		if weak {
			t = strings.TrimPrefix(t, "W/")
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(t, `"`), `"`), 10, 64)
		if err == nil && n > 0 && t == jwo.ETag(n) {
			v.List = append(v.List, n)
		}
	}
	return v
}
