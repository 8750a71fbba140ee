package tester

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// excerptBytes caps the part of a body kept with a result: enough to recognise
// an error page or a JSON error, small enough to list many runs.
const excerptBytes = 256

func failed(reason jwo.FailureReason, message string) Result {
	return Result{Status: jwo.TestUnsuccessful, Reason: reason, Message: message}
}

// failureContext is what a classification needs to know of the call.
type failureContext struct {
	host    string // host[:port] of the call, for messages
	timeout time.Duration
	callCtx context.Context
	tlsErr  error // the handshake error the transport reported, if any
}

// The tenant-facing words for a call the egress policy or the resolver
// stopped. They are fixed on purpose: naming the resolved address ("10.20.30.40
// is a private address") or the resolver's answer ("no such host" against a
// refused address) would let any operator token map the portal's internal
// DNS. A name that does not resolve and a name that resolves only to refused
// addresses therefore look the same (reason dns); the cause goes to the
// portal's log (Result.Detail).
const (
	unresolvedMessage = "Could not resolve host %s to an address the portal may call: the name has no address, its lookup failed, " +
		"or every address it has is one the egress policy refuses (private, loopback, link-local or reserved networks). Check the host's public DNS record; the portal's log has the cause."
	refusedAddressMessage = "Connection refused by egress policy: the portal does not call this address (private, loopback, link-local or reserved networks, or one its operator denies)."
)

// classifyError names the reason a call got no answer, the message the
// tenant sees and, when the message leaves the cause out, the detail for
// the portal's log. The order matters: the egress policy and the deadline
// explain any error that follows them.
func classifyError(err error, fc failureContext) (reason jwo.FailureReason, message, detail string) {
	var egress *EgressError
	var lookup *dnsError
	var netLookup *net.DNSError
	hostname := fc.host
	if h, _, splitErr := net.SplitHostPort(fc.host); splitErr == nil {
		hostname = h
	}
	_, literal := jwo.HostAddr(hostname)
	switch {
	case errors.As(err, &egress) && literal:
		return jwo.ReasonConnect, refusedAddressMessage, fmt.Sprintf("egress policy refused %s: %v", hostname, egress)
	case errors.As(err, &egress):
		return jwo.ReasonDNS, fmt.Sprintf(unresolvedMessage, hostname), fmt.Sprintf("egress policy refused %s: %v", hostname, egress)
	case deadlineExceeded(fc.callCtx, err):
		return jwo.ReasonTimeout, fmt.Sprintf("No answer from %s within %s.", fc.host, fc.timeout), ""
	case fc.callCtx.Err() != nil:
		// Not our deadline: the caller gave up (the portal is stopping).
		return jwo.ReasonInterrupted, "The test was cancelled before the connector answered.", ""
	case errors.As(err, &lookup):
		return jwo.ReasonDNS, fmt.Sprintf(unresolvedMessage, lookup.host), fmt.Sprintf("resolving %s: %s", lookup.host, dnsCause(lookup.err))
	case errors.As(err, &netLookup):
		return jwo.ReasonDNS, fmt.Sprintf(unresolvedMessage, netLookup.Name), fmt.Sprintf("resolving %s: %s", netLookup.Name, dnsCause(netLookup))
	case fc.tlsErr != nil || isTLS(err):
		cause := fc.tlsErr
		if cause == nil {
			cause = unwrapURL(err)
		}
		return jwo.ReasonTLS, fmt.Sprintf("The TLS handshake with %s failed: %v.", fc.host, cause), ""
	case isTimeout(err):
		return jwo.ReasonTimeout, fmt.Sprintf("No answer from %s within %s.", fc.host, fc.timeout), ""
	case closedEarly(err):
		return jwo.ReasonConnect, fmt.Sprintf("The connection to %s closed before the connector answered.", fc.host), ""
	}
	return jwo.ReasonConnect, fmt.Sprintf("Could not connect to %s: %s.", fc.host, connectCause(err)), ""
}

// answer is what came back from a call that got a status line.
type answer struct {
	status       int
	location     string
	body         []byte // at most maxBody bytes
	tooLarge     bool
	readErr      error
	method       jwo.Method
	endpointType jwo.EndpointType
}

// classifyAnswer decides on a call that got an answer. Only the transport is
// tested, so any 2xx with a JSON body passes: a business "no" inside it (a
// shopper denied, an empty resolution) still proves the connector works.
func classifyAnswer(a answer, fc failureContext) Result {
	res := Result{HTTPStatus: a.status, ResponseExcerpt: excerpt(a.body)}
	status := statusText(a.status)
	set := func(s jwo.TestStatus, r jwo.FailureReason, msg string) Result {
		res.Status, res.Reason, res.Message = s, r, msg
		return res
	}
	switch {
	case a.readErr != nil && deadlineExceeded(fc.callCtx, a.readErr):
		return set(jwo.TestUnsuccessful, jwo.ReasonTimeout,
			fmt.Sprintf("The connector answered %s but the body did not arrive within %s.", status, fc.timeout))
	case a.readErr != nil && fc.callCtx.Err() != nil:
		return set(jwo.TestUnsuccessful, jwo.ReasonInterrupted, "The test was cancelled while the connector's body was read.")
	case a.status < 200 || a.status > 299:
		return set(jwo.TestUnsuccessful, jwo.ReasonHTTPStatus, statusMessage(a))
	case a.readErr != nil:
		return set(jwo.TestUnsuccessful, jwo.ReasonInvalidBody,
			fmt.Sprintf("The connector answered %s but the body was cut off: %v.", status, a.readErr))
	case a.tooLarge:
		return set(jwo.TestUnsuccessful, jwo.ReasonInvalidBody,
			fmt.Sprintf("The connector answered %s with a body larger than 1 MiB.", status))
	case len(bytes.TrimSpace(a.body)) == 0:
		return set(jwo.TestUnsuccessful, jwo.ReasonInvalidBody,
			fmt.Sprintf("The connector answered %s with an empty body; a JSON body is expected.", status))
	case !json.Valid(a.body):
		return set(jwo.TestUnsuccessful, jwo.ReasonInvalidBody,
			fmt.Sprintf("The connector answered %s but the body is not JSON.", status))
	}
	if want := a.method.SuccessStatus(); a.status != want {
		return set(jwo.TestSuccessful, jwo.ReasonNone,
			fmt.Sprintf("The connector answered %s with a JSON body (the documented answer is %s).", status, statusText(want)))
	}
	return set(jwo.TestSuccessful, jwo.ReasonNone, fmt.Sprintf("The connector answered %s with a JSON body.", status))
}

func statusMessage(a answer) string {
	status := statusText(a.status)
	switch {
	case a.status == http.StatusForbidden && a.endpointType == jwo.EndpointPrivate:
		return "The connector answered 403 Forbidden, which for a PRIVATE endpoint usually means the VPC endpoint is not the one the API's resource policy names, or the IAM resource policy does not allow Amazon's role."
	case a.status == http.StatusForbidden:
		return "The connector answered 403 Forbidden, which usually means the API Gateway's IAM resource policy does not allow Amazon's role, or a VPC endpoint mismatch."
	case a.status >= 300 && a.status <= 399 && a.location != "":
		return fmt.Sprintf("The connector answered %s and redirects are not followed: save the final URL (Location: %s) as the endpoint.", status, a.location)
	case a.status >= 300 && a.status <= 399:
		return fmt.Sprintf("The connector answered %s and redirects are not followed: save the final URL as the endpoint.", status)
	}
	return fmt.Sprintf("The connector answered %s; a 2xx answer is expected.", status)
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprint(code)
}

// excerpt is the start of a body as valid UTF-8 of at most excerptBytes bytes:
// invalid bytes become U+FFFD, and a character that would cross the cap is
// left out rather than cut.
func excerpt(body []byte) string {
	var b strings.Builder
	for len(body) > 0 {
		r, size := utf8.DecodeRune(body)
		piece := string(body[:size])
		if r == utf8.RuneError && size == 1 {
			piece = string(utf8.RuneError)
		}
		if b.Len()+len(piece) > excerptBytes {
			break
		}
		b.WriteString(piece)
		body = body[size:]
	}
	return b.String()
}

func deadlineExceeded(callCtx context.Context, err error) bool {
	return errors.Is(callCtx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isTLS recognises handshake and certificate failures by type, for the cases
// the transport's handshake hook did not see.
func isTLS(err error) bool {
	var (
		record   tls.RecordHeaderError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
		ech      *tls.ECHRejectionError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &record) || errors.As(err, &verify) || errors.As(err, &alert) ||
		errors.As(err, &ech) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// closedEarly is a connection the peer ended before any status line.
func closedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func dnsCause(err error) string {
	var d *net.DNSError
	if errors.As(err, &d) {
		if d.IsNotFound {
			return "no such host"
		}
		return d.Err
	}
	return err.Error()
}

// connectCause is the operating system's word for a failed connection
// ("connection refused"), without the Go call chain around it.
func connectCause(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return unwrapURL(err).Error()
}

// unwrapURL drops the "Post \"https://…\":" prefix the client adds.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
