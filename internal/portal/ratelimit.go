package portal

import (
	"math"
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
	return &rateLimiter{limit: rate.Limit(perSecond), burst: 2 * perSecond, buckets: map[string]*bucket{}}
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
	e := newError(http.StatusTooManyRequests, "rate-limited",
		"this token may make %v requests per second (bursts of %d); retry after %d s", float64(rl.limit), rl.burst, secs)
	e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}
