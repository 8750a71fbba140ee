package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter gives each token its own token bucket: one busy automation
// cannot starve the others of the same merchant.
type rateLimiter struct {
	limit rate.Limit
	burst int
	// who names the limited party in the 429 detail.
	who string

	mu       sync.Mutex
	buckets  map[string]*bucket
	lastTrim time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleBucket is how long an unused bucket is kept; after that it is full
// again anyway, so forgetting it changes nothing.
const idleBucket = 10 * time.Minute

func newRateLimiter(perSecond int) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &rateLimiter{limit: rate.Limit(perSecond), burst: 2 * perSecond, who: "this token", buckets: map[string]*bucket{}}
}

// newAddressLimiter limits what one client address may do without a valid
// token: the open routes and failed authentications. Guessing tokens or
// flooding the log with 401 lines is slowed down; a caller with a token is
// never counted here.
func newAddressLimiter(perSecond int) *rateLimiter {
	if perSecond < 0 {
		return nil
	}
	if perSecond == 0 {
		perSecond = defaultAddressRateLimit
	}
	return &rateLimiter{limit: rate.Limit(perSecond), burst: addressBurstFactor * perSecond,
		who: "a client address without a valid token", buckets: map[string]*bucket{}}
}

// The default lets a health checker, a browser opening the OpenAPI document
// and a mistyped token through, and a guesser only slowly.
const (
	defaultAddressRateLimit = 10
	addressBurstFactor      = 10
)

// clientAddress is the host part of the connection's remote address.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow takes one request from the token's bucket, or answers 429 with the
// whole seconds until one is available again.
func (rl *rateLimiter) allow(key string) error {
	if rl == nil {
		return nil
	}
	now := time.Now()
	rl.mu.Lock()
	b, ok := rl.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rl.limit, rl.burst)}
		rl.buckets[key] = b
	}
	b.seen = now
	if now.Sub(rl.lastTrim) > idleBucket {
		for k, o := range rl.buckets {
			if now.Sub(o.seen) > idleBucket {
				delete(rl.buckets, k)
			}
		}
		rl.lastTrim = now
	}
	rl.mu.Unlock()

	res := b.lim.ReserveN(now, 1)
	delay := res.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	// The request is refused, so it must not use up the future token.
	res.CancelAt(now)
	secs := max(1, int(math.Ceil(delay.Seconds())))
	e := newProblem(http.StatusTooManyRequests, "rate-limited",
		"%s may make %v requests per second (bursts of %d); retry after %d s", rl.who, float64(rl.limit), rl.burst, secs)
	e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}
