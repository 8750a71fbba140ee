package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter gives each key (a token id, a client address) its own token
// bucket: one busy automation cannot starve the others of the same
// merchant.
type rateLimiter struct {
	limit rate.Limit
	burst int
	// who names the limited party in the 429 detail.
	who string
	// maxKeys caps the buckets kept at once; keys beyond it share the
	// overflow bucket (see allow).
	maxKeys int

	mu       sync.Mutex
	buckets  map[string]*bucket
	overflow *bucket
	lastTrim time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// idleBucket is how long an unused bucket is kept; after that it is full
// again anyway, so forgetting it changes nothing.
const idleBucket = 10 * time.Minute

// maxBuckets caps every limiter's map: about 170 bytes a bucket, so under
// 2 MB however many source addresses a flood rotates through.
const maxBuckets = 10_000

func newRateLimiter(perSecond int) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	return newLimiter(perSecond, 2*perSecond, "this token")
}

func newLimiter(perSecond, burst int, who string) *rateLimiter {
	rl := &rateLimiter{limit: rate.Limit(perSecond), burst: burst, who: who, maxKeys: maxBuckets, buckets: map[string]*bucket{}}
	rl.overflow = &bucket{lim: rate.NewLimiter(rl.limit, rl.burst)}
	return rl
}

// newAddressLimiter limits what one client address may do without a valid
// token; the API has two of them, one for the open routes and one for
// failed authentications (and console sign-ins), so that neither can use
// up the other. Guessing tokens or flooding the log with 401 lines is
// slowed down; a caller with a token is never counted here.
func newAddressLimiter(perSecond int, who string) *rateLimiter {
	if perSecond < 0 {
		return nil
	}
	if perSecond == 0 {
		perSecond = defaultAddressRateLimit
	}
	return newLimiter(perSecond, addressBurstFactor*perSecond, who)
}

// The default lets a health checker, a browser opening the OpenAPI document
// and a mistyped token through, and a guesser only slowly.
const (
	defaultAddressRateLimit = 10
	addressBurstFactor      = 10
)

// allow takes one request from the key's bucket, or answers 429 with the
// whole seconds until one is available again.
func (rl *rateLimiter) allow(key string) error {
	if rl == nil {
		return nil
	}
	now := time.Now()
	b := rl.bucketOf(key, now)
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

// bucketOf finds or makes the key's bucket. When the map is full even
// after dropping idle buckets, a new key shares the overflow bucket: memory
// stays bounded, and a flood from many addresses is limited as one client
// instead of pushing out the buckets of the addresses already counted
// (evicting them would hand each a fresh burst).
func (rl *rateLimiter) bucketOf(key string, now time.Time) *bucket {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if now.Sub(rl.lastTrim) > idleBucket {
		rl.trim(now)
	}
	b, ok := rl.buckets[key]
	if !ok {
		if len(rl.buckets) >= rl.maxKeys {
			rl.trim(now)
		}
		if len(rl.buckets) >= rl.maxKeys {
			return rl.overflow
		}
		b = &bucket{lim: rate.NewLimiter(rl.limit, rl.burst)}
		rl.buckets[key] = b
	}
	b.seen = now
	return b
}

func (rl *rateLimiter) trim(now time.Time) {
	for k, o := range rl.buckets {
		if now.Sub(o.seen) > idleBucket {
			delete(rl.buckets, k)
		}
	}
	rl.lastTrim = now
}

// size is the number of buckets kept, for tests.
func (rl *rateLimiter) size() int {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return len(rl.buckets)
}
