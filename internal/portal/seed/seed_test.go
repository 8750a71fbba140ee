package seed

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// apiExample is the seed file of API.md; the command's tests seed with it
// too.
var apiExample = func() string {
	b, err := os.ReadFile("testdata/api-example.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

var apiExampleFile = File{Merchants: []Merchant{{
	ID: "acme",
	Stores: []Store{{
		StoreProfile: jwo.StoreProfile{
			ID:                    "acme-sea-01",
			Name:                  "Acme Seattle 1",
			StoreType:             jwo.StoreTypeJWO,
			Region:                "us-east-1",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
			OrderDelegation:       true,
			LoyaltyProgram:        true,
		},
		Catalog: []jwo.CatalogItem{{SKU: "WATER-500", Barcode: "036000291452", BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}},
	}},
}}}

func parse(t *testing.T, src string) (File, error) {
	t.Helper()
	return Parse("seed.yaml", strings.NewReader(src))
}

func TestParseAPIExample(t *testing.T) {
	f, err := parse(t, apiExample)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, apiExampleFile) {
		t.Errorf("got  %+v\nwant %+v", f, apiExampleFile)
	}
}

func TestParseJSON(t *testing.T) {
	src := `{"merchants": [{"id": "acme", "stores": [{
	  "id": "acme-sea-01", "name": "Acme Seattle 1", "store_type": "JWO", "region": "us-east-1",
	  "entry_methods": ["APP_QR", "CREDIT_CARD"], "fraud_and_abuse_strategy": "CUSTOMER_MANAGED",
	  "order_delegation": true, "loyalty_program": true,
	  "catalog": [{"sku": "WATER-500", "barcode": "036000291452", "barcode_type": "UPC", "name": "Still water 500 ml"}]
	}]}]}`
	f, err := parse(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, apiExampleFile) {
		t.Errorf("got  %+v\nwant %+v", f, apiExampleFile)
	}
}

func TestParseGoodFiles(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, f File)
	}{
		{
			name: "no merchants yet",
			src:  "merchants: []\n",
			check: func(t *testing.T, f File) {
				if f.Merchants == nil || len(f.Merchants) != 0 {
					t.Errorf("merchants = %#v, want an empty list", f.Merchants)
				}
			},
		},
		{
			name: "optional keys left out or null",
			src: `merchants:
  - id: acme
    stores:
      - id: dash-1
        name: Dash 1
        store_type: DASH_CART
        region: eu-west-1
        fraud_and_abuse_strategy: NONE
        entry_methods:
        catalog: ~
  - id: empty_merchant
`,
			check: func(t *testing.T, f File) {
				s := f.Merchants[0].Stores[0]
				if s.OrderDelegation || s.LoyaltyProgram || len(s.EntryMethods) != 0 || len(s.Catalog) != 0 {
					t.Errorf("store = %+v, want false and empty defaults", s)
				}
				if len(f.Merchants[1].Stores) != 0 {
					t.Errorf("merchant without stores got %d", len(f.Merchants[1].Stores))
				}
			},
		},
		{
			name: "unquoted barcode keeps its leading zero",
			src: `merchants:
  - id: acme
    stores:
      - id: s1
        name: S1
        store_type: JWO
        region: us-west-2
        fraud_and_abuse_strategy: AMAZON_MANAGED
        catalog:
          - sku: WATER-500
            barcode: 036000291452
            barcode_type: UPC
            name: 1.50
`,
			check: func(t *testing.T, f File) {
				item := f.Merchants[0].Stores[0].Catalog[0]
				if item.Barcode != "036000291452" || item.Name != "1.50" {
					t.Errorf("item = %+v, want the literal text of the values", item)
				}
			},
		},
		{
			name: "anchors share a catalog between stores",
			src: `merchants:
  - id: acme
    stores:
      - id: s1
        name: S1
        store_type: JWO
        region: us-east-1
        fraud_and_abuse_strategy: AMAZON_MANAGED
        order_delegation: true
        catalog: &shared
          - {sku: WATER-500, barcode: "036000291452", barcode_type: UPC, name: Water}
          - {sku: BANANA, barcode: "4011", barcode_type: PLU, name: Banana}
      - id: s2
        name: S2
        store_type: DASH_CART
        region: us-east-1
        fraud_and_abuse_strategy: NONE
        catalog: *shared
`,
			check: func(t *testing.T, f File) {
				stores := f.Merchants[0].Stores
				if !reflect.DeepEqual(stores[0].Catalog, stores[1].Catalog) || len(stores[1].Catalog) != 2 {
					t.Errorf("catalogs differ: %+v vs %+v", stores[0].Catalog, stores[1].Catalog)
				}
			},
		},
		{
			name: "same store id and SKU in different merchants and stores",
			src: `merchants:
  - id: a
    stores:
      - {id: s1, name: S, store_type: JWO, region: us-east-1, fraud_and_abuse_strategy: NONE,
         catalog: [{sku: X, barcode: "4011", barcode_type: PLU, name: X}]}
      - {id: s2, name: S, store_type: JWO, region: us-east-1, fraud_and_abuse_strategy: NONE,
         catalog: [{sku: X, barcode: "4011", barcode_type: PLU, name: X}]}
  - id: b
    stores:
      - {id: s1, name: S, store_type: JWO, region: us-east-1, fraud_and_abuse_strategy: NONE}
`,
			check: func(t *testing.T, f File) {
				if len(f.Merchants) != 2 || len(f.Merchants[0].Stores) != 2 {
					t.Errorf("got %+v", f)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parse(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
		})
	}
}

func TestErrorsCarryFileLineAndField(t *testing.T) {
	_, err := parse(t, strings.Replace(apiExample, "region: us-east-1", "region: x", 1))
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("err = %v, want one seed.Errors entry", err)
	}
	want := Error{File: "seed.yaml", Line: 7, Field: "merchants[0].stores[0].region"}
	if got := *errs[0]; got.File != want.File || got.Line != want.Line || got.Field != want.Field {
		t.Errorf("error = %+v, want %+v", got, want)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, `seed.yaml:7: merchants[0].stores[0].region: region "x" is not an AWS Region code`) {
		t.Errorf("message = %q", msg)
	}
}

func TestEveryMistakeIsReported(t *testing.T) {
	src := `merchants:
  - id: acme
    stores:
      - id: s1
        name: S1
        store_type: JWO
        region: nowhere
        fraud_and_abuse_strategy: SOMETIMES
`
	_, err := parse(t, src)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("err = %v, want two mistakes", err)
	}
	if errs[0].Line != 7 || errs[1].Line != 8 {
		t.Errorf("lines %d and %d, want 7 and 8 (in file order)", errs[0].Line, errs[1].Line)
	}
}

func TestLongErrorListsAreCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("merchants:\n")
	for range 30 {
		b.WriteString("  - id: 'bad id'\n")
	}
	_, err := parse(t, b.String())
	msg := err.Error()
	if n := strings.Count(msg, "\n") + 1; n != maxShown+1 {
		t.Errorf("message has %d lines, want %d", n, maxShown+1)
	}
	if !strings.HasSuffix(msg, "... and 10 more") {
		t.Errorf("message ends %q", msg[strings.LastIndex(msg, "\n")+1:])
	}
}

func TestAliasExpansionIsBounded(t *testing.T) {
	// One catalog of 400 items shared by 400 stores: 160,000 items, over a
	// million values, from a file of some 50 KiB. Each store on its own is
	// valid, so only the expansion budget can stop the walk.
	var b strings.Builder
	b.WriteString("merchants:\n  - id: acme\n    stores:\n")
	b.WriteString("      - {id: s, name: S, store_type: JWO, region: us-east-1, fraud_and_abuse_strategy: NONE, catalog: &items [")
	for i := range 400 {
		fmt.Fprintf(&b, "{sku: X%d, barcode: '%d', barcode_type: PLU, name: X},", i, 10000+i)
	}
	b.WriteString("]}\n")
	for i := range 400 {
		fmt.Fprintf(&b, "      - {id: s%d, name: S, store_type: JWO, region: us-east-1, fraud_and_abuse_strategy: NONE, catalog: *items}\n", i)
	}
	_, err := parse(t, b.String())
	if err == nil || !strings.Contains(err.Error(), "through aliases") {
		t.Fatalf("err = %v, want the alias expansion refused", err)
	}
}

func TestErrorCountIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("merchants:\n")
	for range maxErrors + 50 {
		b.WriteString("  - id: 'bad id'\n")
	}
	_, err := parse(t, b.String())
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d and a last one saying so", len(errs), maxErrors+1)
	}
	if last := errs[len(errs)-1]; !strings.Contains(last.Msg, "stopped after") {
		t.Errorf("last error = %v", last)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadErrorNamesTheFile(t *testing.T) {
	_, err := Parse("seed.yaml", failingReader{})
	if err == nil || !strings.Contains(err.Error(), "seed.yaml: disk on fire") {
		t.Errorf("err = %v", err)
	}
}
