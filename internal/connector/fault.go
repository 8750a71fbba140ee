package connector

import (
	"fmt"
	"net/http"
)

// Fault is how a connector method misbehaves, switched at run time so that a
// test can show each outcome the portal's tester classifies.
type Fault struct {
	kind   faultKind
	status int
}

type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultHang
	faultNonJSON
	faultForbidden
)

var (
	// None answers normally.
	None = Fault{}
	// Hang never answers: the handler blocks until the caller gives up (its
	// request context ends) or the connector is closed, then drops the
	// connection. A tester sees a timeout.
	Hang = Fault{kind: faultHang}
	// NonJSON answers 200 with an HTML body, like a proxy error page. A tester
	// sees invalid_body.
	NonJSON = Fault{kind: faultNonJSON}
	// Forbidden answers 403 {"message":"Forbidden"}, what API Gateway says when
	// the IAM resource policy or the VPC endpoint does not let the caller in.
	Forbidden = Fault{kind: faultForbidden}
)

// Status answers the given HTTP status (100-599) with a small JSON body.
// Codes below 200 are informational in HTTP: the client sees them followed
// by a 200, so they are useful only to show exactly that.
func Status(code int) Fault {
	return Fault{kind: faultStatus, status: code}
}

func (f Fault) validate() error {
	if f.kind == faultStatus && (f.status < 100 || f.status > 599) {
		return fmt.Errorf("connector: fault status %d is out of range: use 100-599", f.status)
	}
	return nil
}

func (f Fault) String() string {
	switch f.kind {
	case faultNone:
		return "none"
	case faultStatus:
		return fmt.Sprintf("status %d", f.status)
	case faultHang:
		return "hang"
	case faultNonJSON:
		return "non-JSON body"
	case faultForbidden:
		return "403 Forbidden"
	}
	return "unknown"
}

// serve answers r with the fault and reports whether it did; None answers
// nothing, so the call proceeds normally.
func (f Fault) serve(w http.ResponseWriter, r *http.Request, released <-chan struct{}) bool {
	switch f.kind {
	case faultStatus:
		writeJSON(w, f.status, message{Message: http.StatusText(f.status)})
	case faultForbidden:
		writeJSON(w, http.StatusForbidden, message{Message: "Forbidden"})
	case faultNonJSON:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1><p>upstream sent an invalid response</p></body></html>\n"))
	case faultHang:
		select {
		case <-r.Context().Done():
		case <-released:
		}
		// Abort rather than return: returning would send an empty 200, and a
		// hung upstream never answers at all.
		panic(http.ErrAbortHandler)
	default:
		return false
	}
	return true
}
