package portal

import (
	"strings"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// etag is the strong entity tag of a connector: jwo.ETag of its version.
func etag(version int64) string { return jwo.ETag(version) }

// entityTags splits an If-Match or If-None-Match list. "*" comes back as is;
// weak tags keep their W/ prefix so that strong comparison can refuse them.
func entityTags(h string) []string {
	var tags []string
	for part := range strings.SplitSeq(h, ",") {
		if t := strings.TrimSpace(part); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// checkPreconditions applies RFC 9110 section 13.2.2 to a write on a
// connector: If-Match first (strong comparison; fails when there is no
// connector), then If-None-Match (weak comparison; "*" fails when there is
// one). current is 0 when the connector does not exist.
func checkPreconditions(pre Preconditions, current int64) error {
	if h := pre.IfMatch; h != "" {
		ok := false
		for _, t := range entityTags(h) {
			if current != 0 && (t == "*" || t == etag(current)) {
				ok = true
			}
		}
		if !ok {
			if current == 0 {
				return preconditionFailed("If-Match is %s but the connector does not exist", h)
			}
			return preconditionFailed("If-Match is %s but the connector is at version %d (ETag %s): read it again and retry", h, current, etag(current))
		}
	}
	if h := pre.IfNoneMatch; h != "" {
		for _, t := range entityTags(h) {
			if current != 0 && (t == "*" || strings.TrimPrefix(t, "W/") == etag(current)) {
				return preconditionFailed("If-None-Match is %s but the connector exists at version %d", h, current)
			}
		}
	}
	return nil
}
