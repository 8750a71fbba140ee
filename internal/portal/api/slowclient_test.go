package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowClientTimeouts are short so that the test sees the cut-off at once;
// production uses defaultTimeouts, which TestNewServerSetsTimeouts checks.
var slowClientTimeouts = timeouts{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: 5 * time.Second, Idle: 5 * time.Second}

// A client that trickles its headers (slowloris) or its body is cut off by
// the server's timeouts while it is still sending, and nothing it sent is
// acted on. The client is a raw TCP connection on 127.0.0.1.
func TestSlowClientsAreCutOff(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerWithTimeouts(ln.Addr().String(), e.api.Handler(), slowClientTimeouts)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	t.Run("headers sent one line at a time", func(t *testing.T) {
		sent, answer := trickle(t, ln.Addr().String(), "GET /v1/stores HTTP/1.1\r\nHost: portal\r\n", func(i int) string {
			return fmt.Sprintf("X-Slow-%d: 1\r\n", i)
		})
		if strings.HasSuffix(sent, "\r\n\r\n") {
			t.Fatal("the headers were finished: the test did not trickle")
		}
		if answer != "" {
			t.Errorf("the server answered unfinished headers: %q", answer)
		}
	})

	t.Run("body sent one byte at a time", func(t *testing.T) {
		const length = 4096
		head := "PUT " + orderingPath + " HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer " + e.tokens["operator"] +
			"\r\nContent-Type: application/json\r\nContent-Length: " + fmt.Sprint(length) + "\r\n\r\n{"
		sent, answer := trickle(t, ln.Addr().String(), head, func(int) string { return " " })
		if body := sent[len(head)-1:]; len(body) >= length {
			t.Fatalf("the whole body was sent (%d bytes): the test did not trickle", len(body))
		}
		// The handler may still answer the read failure before the close,
		// but never with a success.
		if answer != "" && !strings.HasPrefix(answer, "HTTP/1.1 4") {
			t.Errorf("the server answered a cut-off body with %q", firstLine(answer))
		}
		e.must(404, "GET", orderingPath, "viewer", "")
	})

	// The server still serves everyone else.
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz after the slow clients: %d", resp.StatusCode)
	}
}

// trickle writes head, then next(i) every 25 ms, until the server closes
// the connection. It returns what was sent and what the server answered.
// The 10 s bound only stops a broken server from hanging the test.
func trickle(t *testing.T, addr, head string, next func(i int) string) (sent, answer string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	closed := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(conn) // returns when the server closes
		closed <- string(b)
	}()
	var out strings.Builder
	chunk := head
	for i := 0; ; i++ {
		if _, err := io.WriteString(conn, chunk); err == nil {
			out.WriteString(chunk)
		}
		select {
		case answer := <-closed:
			return out.String(), answer
		case <-time.After(25 * time.Millisecond):
		}
		if i == 400 {
			t.Fatalf("the server kept a trickling client for 10 s (timeouts %+v)", slowClientTimeouts)
		}
		chunk = next(i)
	}
}

func firstLine(s string) string {
	line, _, _ := bufio.NewReader(strings.NewReader(s)).ReadLine()
	return string(line)
}
