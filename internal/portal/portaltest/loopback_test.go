package portaltest

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

// TestClosedURLRefusesAndKeepsItsPort: a connection to ClosedURL is refused,
// and nobody can listen on its port while the test runs (a freed port could
// be handed to another test binary's server, which would then answer).
func TestClosedURLRefusesAndKeepsItsPort(t *testing.T) {
	t.Parallel()
	addr := strings.TrimPrefix(ClosedURL(t), "http://")
	if c, err := net.Dial("tcp", addr); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		if c != nil {
			_ = c.Close()
		}
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		_ = l.Close()
		t.Fatalf("listening on %s succeeded: the closed port is not reserved", addr)
	}
}
