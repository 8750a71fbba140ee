//go:build !unix

package portaltest

import "testing"

// reserveClosedPort has no way to hold a port without listening here:
// ClosedURL falls back to a port that was free a moment ago.
func reserveClosedPort(testing.TB) (string, bool) { return "", false }
