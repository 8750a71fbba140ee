//go:build unix

package portaltest

import (
	"fmt"
	"syscall"
	"testing"
)

// reserveClosedPort binds a TCP socket on 127.0.0.1 and never listens on it:
// a connection to its port is refused, and no listener of this process or of
// another is handed that port until the test ends. (A listener closed at once
// frees its port, and with several test binaries running, as the matrix of
// acceptance tests does, another one's server got it and answered 404.)
func reserveClosedPort(t testing.TB) (string, bool) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return "", false
	}
	sa, err := func() (syscall.Sockaddr, error) {
		if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return nil, err
		}
		return syscall.Getsockname(fd)
	}()
	in4, ok := sa.(*syscall.SockaddrInet4)
	if err != nil || !ok {
		_ = syscall.Close(fd)
		return "", false
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	return fmt.Sprintf("127.0.0.1:%d", in4.Port), true
}
