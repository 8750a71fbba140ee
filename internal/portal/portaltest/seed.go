package portaltest

import (
	"fmt"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal/seed"
)

// The seeded merchants and stores. Every test portal has exactly these, plus
// what an option or the test itself adds.
const (
	Merchant      = "acme"
	OtherMerchant = "globex"

	// StoreJWO needs all four methods: APP_QR (IDENTITY), loyalty program
	// (LOYALTY), order delegation (ORDERING), CUSTOMER_MANAGED (FRAUD_AND_ABUSE).
	StoreJWO = "acme-sea-01"
	// StoreDashCart is a Dash Cart store that needs only ORDERING.
	StoreDashCart = "acme-cart-01"
	// StoreNotRequired needs no connector (completion status NOT_REQUIRED).
	StoreNotRequired = "acme-sea-02"
	// StoreOther belongs to the other merchant: Merchant's tokens see a 404.
	StoreOther = "globex-01"

	// SKU is in the catalog of StoreJWO, StoreDashCart and StoreOther.
	SKU = "WATER-500"
	// Barcode is SKU's UPC-A barcode (its check digit is valid).
	Barcode = "036000291452"
)

// MerchantStores are the ids of Merchant's seeded stores.
var MerchantStores = []string{StoreJWO, StoreDashCart, StoreNotRequired}

// Water is the catalog item of SKU.
func Water() jwo.CatalogItem {
	return jwo.CatalogItem{SKU: SKU, Barcode: Barcode, BarcodeType: jwo.BarcodeUPC, Name: "Still water 500 ml"}
}

// Seed is the seed every test portal starts with, unless WithSeed replaces it.
func Seed() seed.File {
	return seed.File{Merchants: []seed.Merchant{
		{ID: Merchant, Stores: []seed.Store{
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    StoreJWO,
					Name:                  "Acme Seattle 1",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR, jwo.EntryCreditCard},
					FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
					OrderDelegation:       true,
					LoyaltyProgram:        true,
				},
				Catalog: []jwo.CatalogItem{Water()},
			},
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    StoreDashCart,
					Name:                  "Acme Dash Cart 1",
					StoreType:             jwo.StoreTypeDashCart,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{},
					FraudAndAbuseStrategy: jwo.FraudNone,
					OrderDelegation:       true,
				},
				Catalog: []jwo.CatalogItem{Water()},
			},
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    StoreNotRequired,
					Name:                  "Acme Seattle 2",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "us-east-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryCreditCard, jwo.EntryPalm},
					FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
				},
			},
		}},
		{ID: OtherMerchant, Stores: []seed.Store{
			{
				StoreProfile: jwo.StoreProfile{
					ID:                    StoreOther,
					Name:                  "Globex 1",
					StoreType:             jwo.StoreTypeJWO,
					Region:                "eu-west-1",
					EntryMethods:          []jwo.EntryMethod{jwo.EntryBadge},
					FraudAndAbuseStrategy: jwo.FraudAmazonRecommendation,
					OrderDelegation:       true,
					LoyaltyProgram:        true,
				},
				Catalog: []jwo.CatalogItem{Water()},
			},
		}},
	}}
}

// GeneratedStores builds n store seeds named "<prefix>-0001" onwards,
// alternating a JWO store that needs IDENTITY (odd numbers) with a
// NOT_REQUIRED one, so that lists span several pages when n is larger than
// the page size.
func GeneratedStores(prefix string, n int) []seed.Store {
	out := make([]seed.Store, 0, n)
	for i := 1; i <= n; i++ {
		p := jwo.StoreProfile{
			ID:                    fmt.Sprintf("%s-%04d", prefix, i),
			Name:                  fmt.Sprintf("Acme generated %d", i),
			StoreType:             jwo.StoreTypeJWO,
			Region:                "us-west-2",
			EntryMethods:          []jwo.EntryMethod{jwo.EntryCreditCard},
			FraudAndAbuseStrategy: jwo.FraudAmazonManaged,
		}
		if i%2 == 1 {
			p.EntryMethods = append(p.EntryMethods, jwo.EntryBadge)
		}
		out = append(out, seed.Store{StoreProfile: p})
	}
	return out
}

// FourMethodStores builds n store seeds named "<prefix>-01" onwards that
// need every method and sell SKU, as StoreJWO does.
func FourMethodStores(prefix string, n int) []seed.Store {
	out := make([]seed.Store, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, seed.Store{
			StoreProfile: jwo.StoreProfile{
				ID:                    fmt.Sprintf("%s-%02d", prefix, i),
				Name:                  fmt.Sprintf("Acme %s %d", prefix, i),
				StoreType:             jwo.StoreTypeJWO,
				Region:                "us-east-1",
				EntryMethods:          []jwo.EntryMethod{jwo.EntryAppQR},
				FraudAndAbuseStrategy: jwo.FraudCustomerManaged,
				OrderDelegation:       true,
				LoyaltyProgram:        true,
			},
			Catalog: []jwo.CatalogItem{Water()},
		})
	}
	return out
}
