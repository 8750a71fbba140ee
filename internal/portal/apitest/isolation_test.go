package apitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/portaltest"
)

// badToken has the form of a token but was never issued.
const badToken = "jwo_this-token-was-never-issued"

// plantSecrets gives each merchant data no other caller may ever see: a
// store name, an endpoint URL, a catalog SKU and item name, a run, and the
// names of its tokens (audit actors). Each returns the marker strings.
func plantSecrets(t *testing.T, e *env, unreachable, acmeRunID string) (acmeSecrets, globexSecrets []string) {
	t.Helper()
	ctx := t.Context()
	put(t, e.admin, storeCart, jwo.MethodOrdering, unreachable+"/acme-secret-endpoint-5d1e")
	for _, st := range portaltest.Seed().Merchants[0].Stores {
		acmeSecrets = append(acmeSecrets, st.Name)
	}
	acmeSecrets = append(append(acmeSecrets, acmeStores...),
		"acme-secret-endpoint-5d1e",
		acme+"-"+string(jwo.RoleViewer), acme+"-"+string(jwo.RoleOperator), acme+"-"+string(jwo.RoleAdmin), acmeRunID)

	name, loyalty := "Globex Secret Name 7f3a", true
	if _, err := e.other.UpdateStore(ctx, storeOurs, jwo.StorePatch{Name: &name, LoyaltyProgram: &loyalty}); err != nil {
		t.Fatal(err)
	}
	put(t, e.other, storeOurs, jwo.MethodLoyalty, unreachable+"/globex-secret-endpoint-91c2")
	if _, err := e.other.PutCatalogItem(ctx, storeOurs, "GLOBEX-SECRET-SKU", jwo.CatalogItemInput{
		Barcode: "4006381333931", BarcodeType: jwo.BarcodeEAN13, Name: "Globex Secret Item 33b0",
	}); err != nil {
		t.Fatal(err)
	}
	globexRun := run(t, e.other, storeOurs, jwo.MethodLoyalty, "")
	globexSecrets = []string{storeOurs, name, "globex-secret-endpoint-91c2", "GLOBEX-SECRET-SKU", "Globex Secret Item 33b0",
		globex + "-" + string(jwo.RoleAdmin), globex + "-" + string(jwo.RoleViewer), globexRun.ID}
	return acmeSecrets, globexSecrets
}

// checkLogsAndFile: the portal's log has a line for every route of the
// matrix, refusals for want of a token included, and not one token, valid or
// not; the database file and its WAL hold no token either, only hashes.
func checkLogsAndFile(t *testing.T, e *env, logs string, ops []matrixOp) {
	t.Helper()
	secrets := append([]string{badToken}, e.tp.Tokens()...)
	for _, tok := range secrets {
		body := strings.TrimPrefix(tok, "jwo_")
		if strings.Contains(logs, body) {
			t.Errorf("the portal's log contains a token (%.8s...)", tok)
		}
		for _, f := range []string{e.db, e.db + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(body)) {
				t.Errorf("%s contains a token (%.8s...)", f, tok)
			}
		}
	}
	for _, s := range []string{"Bearer", "Authorization"} {
		if strings.Contains(logs, s) {
			t.Errorf("the portal's log contains %q", s)
		}
	}
	logged := map[string]map[float64]bool{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Msg    string  `json:"msg"`
			Route  string  `json:"route"`
			Status float64 `json:"status"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Msg != "request" {
			continue
		}
		if logged[line.Route] == nil {
			logged[line.Route] = map[float64]bool{}
		}
		logged[line.Route][line.Status] = true
	}
	for _, op := range ops {
		route, _, _ := strings.Cut(op.route, "?")
		switch {
		case logged[route] == nil:
			t.Errorf("no log line for %s", route)
		case !op.public && !logged[route][401]:
			t.Errorf("no log line for a refused token on %s", route)
		}
	}
}
