package readcache

import (
	"context"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/justwalkout/terraform-provider-jwo/internal/client"
	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// connectorListing fetches one page of the merchant's connectors
// (GET /v1/connectors): the whole merchant when storeIDs is empty, else only
// the connectors of those stores. next is "" on the last page.
type connectorListing func(ctx context.Context, storeIDs []string, pageToken string) (conns []jwo.Connector, next string, err error)

// connectorGet reads one connector (GET /v1/stores/{id}/connectors/{method}).
type connectorGet func(ctx context.Context, storeID string, m jwo.Method) (jwo.Connector, error)

const (
	// connectorPageSize is the largest page GET /v1/connectors serves: a
	// merchant of up to that many connectors is known from one request.
	connectorPageSize = 1000

	// walkAfterStores: once batches have listed this many stores beyond the
	// merchant's first page, the configuration is taken to be large, and the
	// rest of the merchant is walked page by page instead (a page serves 1,000
	// connectors for the one request that a batch of a few stores costs).
	walkAfterStores = 8
)

type connectorKey struct {
	storeID string
	method  jwo.Method
}

// Connectors serves the Reads of jwo_store_connector of one provider
// configuration (one Terraform walk) from as few listings as it can: the
// merchant's first page, then batches of the stores that Reads wait for, and
// once those have listed walkAfterStores stores, the rest of the merchant.
// PERFORMANCE.md ("Batched refresh") gives the design and the figures; the
// rules it keeps are:
//
//   - everything it holds was fetched after it was made, and it is made by
//     Configure, so nothing predates the walk;
//   - a write of this process (Create, Update, Delete) replaces or removes
//     the entry with its own answer, and a listing sent before that write
//     never overwrites it;
//   - each entry is handed out once: a second Read of the same connector
//     asks the portal;
//   - a connector absent from a listing is read on its own, so a 404 (the
//     resource leaves the state) always comes from the portal's answer for it;
//   - a failed listing turns the cache off: every Read is then its own GET,
//     as without it (and against a portal that has no GET /v1/connectors).
type Connectors struct {
	list connectorListing
	get  connectorGet

	mu      sync.Mutex
	seq     uint64                          // counts listings sent and writes made
	entries map[connectorKey]jwo.Connector  // fetched or written, not yet handed out
	writes  map[connectorKey]uint64         // seq of this process's last write of each connector
	served  map[connectorKey]bool           // handed out already
	covered map[string]bool                 // stores listed whole by a batch
	waiting waiters[connectorKey, readHint] // Reads waiting for a listing
	listed  bool                            // the first page has been asked for
	next    string                          // the walk's next page; "" once it has none
	walking bool                            // the walk goes on past the first page
	whole   bool                            // the walk has seen every page
	batched int                             // stores listed by batches
	off     bool                            // a listing failed: every Read is a GET
}

// readHint is what a waiting Read learns: the connector, or that it must
// ask the portal itself (absent from a listing, or the listing failed).
type readHint struct {
	conn  jwo.Connector
	found bool
}

// NewConnectors is the connector cache of one provider configuration, over
// c's merchant listing in the largest pages the API serves.
func NewConnectors(c *client.Client) *Connectors {
	return newConnectors(listConnectorsOf(c), c.GetConnector)
}

func newConnectors(list connectorListing, get connectorGet) *Connectors {
	c := &Connectors{
		list:    list,
		get:     get,
		entries: map[connectorKey]jwo.Connector{},
		writes:  map[connectorKey]uint64{},
		served:  map[connectorKey]bool{},
		covered: map[string]bool{},
	}
	c.waiting = newWaiters[connectorKey, readHint](&c.mu)
	return c
}

// listConnectorsOf is the merchant listing of c, in the largest pages the
// API serves.
func listConnectorsOf(c *client.Client) connectorListing {
	return func(ctx context.Context, storeIDs []string, token string) ([]jwo.Connector, string, error) {
		p, err := c.ListMerchantConnectors(ctx, client.ConnectorFilter{StoreIDs: storeIDs, PageSize: connectorPageSize}, token)
		return p.Connectors, p.NextPageToken, err
	}
}

// Read returns the connector as the portal holds it, with GetConnector's
// errors (a 404 is client.IsNotFound).
func (c *Connectors) Read(ctx context.Context, storeID string, m jwo.Method) (jwo.Connector, error) {
	k := connectorKey{storeID, m}
	c.mu.Lock()
	if c.off || c.served[k] {
		c.mu.Unlock()
		return c.get(ctx, storeID, m)
	}
	if h, ok := c.lookup(k); ok {
		c.mu.Unlock()
		return c.answer(ctx, k, h)
	}
	h, err := c.waiting.wait(ctx, k, c.fetchLoop)
	if err != nil {
		return jwo.Connector{}, err
	}
	return c.answer(ctx, k, h)
}

func (c *Connectors) answer(ctx context.Context, k connectorKey, h readHint) (jwo.Connector, error) {
	if h.found {
		return h.conn, nil
	}
	return c.get(ctx, k.storeID, k.method)
}

// lookup decides k from what is held: ok is false while nothing held can
// tell. A decided key is handed out: it counts as served. Call with c.mu held.
func (c *Connectors) lookup(k connectorKey) (readHint, bool) {
	if conn, ok := c.entries[k]; ok {
		delete(c.entries, k)
		c.served[k] = true
		return readHint{conn: conn, found: true}, true
	}
	if c.whole || c.covered[k.storeID] {
		c.served[k] = true
		return readHint{}, true
	}
	return readHint{}, false
}

// Wrote records the answer of a Create or Update of this process: the next
// Read of the connector gets it, and no listing sent before it overrides it.
func (c *Connectors) Wrote(conn jwo.Connector) {
	k := connectorKey{conn.StoreID, conn.Method}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.writes[k] = c.seq
	c.entries[k] = conn
	delete(c.served, k)
}

// Deleted records a Delete of this process (or its 404): a later Read asks
// the portal.
func (c *Connectors) Deleted(storeID string, m jwo.Method) {
	k := connectorKey{storeID, m}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.writes[k] = c.seq
	delete(c.entries, k)
	delete(c.served, k)
}

// fetchLoop sends one listing at a time while Reads wait, and hands each
// waiting Read its answer as soon as a listing decides it.
func (c *Connectors) fetchLoop(ctx context.Context) {
	for {
		c.mu.Lock()
		walk := !c.listed || c.walking
		c.listed = true
		c.mu.Unlock()
		if !walk {
			c.waiting.gather()
		}

		c.mu.Lock()
		if c.waiting.stopIfIdle() {
			c.mu.Unlock()
			return
		}
		stores := c.waitingStores()
		var batch []string
		if !walk {
			batch = stores[:min(len(stores), jwo.MaxFilterStoreIDs)]
		}
		token := ""
		if walk {
			token = c.next
		}
		c.seq++
		sent := c.seq
		c.mu.Unlock()

		conns, next, err := c.fetch(ctx, batch, token)

		c.mu.Lock()
		switch {
		case err != nil:
			tflog.Warn(ctx, "listing connectors failed; reading each connector on its own", map[string]any{"error": err.Error()})
			c.off = true
		case walk:
			c.next = next
			c.whole = next == ""
			c.walking = !c.whole && c.walking
		default:
			for _, s := range batch {
				c.covered[s] = true
			}
			c.batched += len(batch)
			c.walking = c.batched >= walkAfterStores
		}
		for _, conn := range conns {
			k := connectorKey{conn.StoreID, conn.Method}
			if c.served[k] || c.writes[k] > sent {
				continue // handed out already, or written since this listing was sent
			}
			c.entries[k] = conn
		}
		c.wake()
		c.mu.Unlock()
	}
}

// fetch makes one listing: the walk's page at token (next is "" on the
// last), or every page of a batch (one page, unless the portal's pages are
// smaller than a batch's connectors).
func (c *Connectors) fetch(ctx context.Context, batch []string, token string) ([]jwo.Connector, string, error) {
	if len(batch) == 0 {
		return c.list(ctx, nil, token)
	}
	var all []jwo.Connector
	for {
		conns, next, err := c.list(ctx, batch, token)
		if err != nil {
			return nil, "", err
		}
		all = append(all, conns...)
		if next == "" {
			return all, "", nil
		}
		token = next
	}
}

// waitingStores are the stores that waiting Reads need, sorted. Call with
// c.mu held.
func (c *Connectors) waitingStores() []string {
	var out []string
	for k := range c.waiting.byKey {
		out = append(out, k.storeID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// wake answers every waiting Read that what is held now decides; with the
// cache off, all of them (they ask the portal). Call with c.mu held.
func (c *Connectors) wake() {
	for k := range c.waiting.byKey {
		h, ok := c.lookup(k)
		if c.off {
			h, ok = readHint{}, true
		}
		if ok {
			c.waiting.settle(k, h)
		}
	}
}
