package seed

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The keys of each level: the API's snake_case names.
var (
	fileKeys     = []string{"merchants"}
	merchantKeys = []string{"id", "stores"}
	storeKeys    = []string{"id", "name", "store_type", "region", "entry_methods", "fraud_and_abuse_strategy", "order_delegation", "loyalty_program", "catalog"}
	itemKeys     = []string{"sku", "barcode", "barcode_type", "name"}
)

// firstSeen remembers where a value was first used, to report repeats.
type firstSeen map[string]int

// repeat records value at line and returns the earlier line, or 0. An
// invalid value is already reported, so its repeats are not.
func (s firstSeen) repeat(value string, valid bool, line int) int {
	if !valid {
		return 0
	}
	if first, ok := s[value]; ok {
		return first
	}
	s[value] = line
	return 0
}

func (d *decoder) document(n *yaml.Node) File {
	o, ok := d.object(n, "", fileKeys...)
	if !ok {
		return File{}
	}
	if !o.has("merchants") {
		d.fail(o.node.Line, "merchants", "missing: the file must list its merchants")
	}
	f := File{Merchants: []Merchant{}}
	ids := firstSeen{}
	for i, mn := range d.list(o, "merchants") {
		m, mo := d.merchant(mn, fmt.Sprintf("merchants[%d]", i))
		if first := ids.repeat(m.ID, jwo.ValidateStoreID(m.ID) == nil, mo.line("id")); first != 0 {
			d.fail(mo.line("id"), mo.field("id"), "merchant %q is listed twice (first at line %d): merge its stores into one entry", m.ID, first)
		}
		f.Merchants = append(f.Merchants, m)
	}
	return f
}

func (d *decoder) merchant(n *yaml.Node, path string) (Merchant, object) {
	o, ok := d.object(n, path, merchantKeys...)
	if !ok {
		return Merchant{}, object{node: n, path: path}
	}
	m := Merchant{ID: d.str(o, "id"), Stores: []Store{}}
	if err := jwo.ValidateMerchantID(m.ID); err != nil {
		d.fail(o.line("id"), o.field("id"), "%s%s", notSet(o, "id"), err)
	}
	ids := firstSeen{}
	for i, sn := range d.list(o, "stores") {
		s, so := d.store(sn, fmt.Sprintf("%s.stores[%d]", path, i))
		if first := ids.repeat(s.ID, jwo.ValidateStoreID(s.ID) == nil, so.line("id")); first != 0 {
			d.fail(so.line("id"), so.field("id"), "store %q is listed twice in merchant %q (first at line %d)", s.ID, m.ID, first)
		}
		m.Stores = append(m.Stores, s)
	}
	return m, o
}

func (d *decoder) store(n *yaml.Node, path string) (Store, object) {
	o, ok := d.object(n, path, storeKeys...)
	if !ok {
		return Store{}, object{node: n, path: path}
	}
	s := Store{StoreProfile: jwo.StoreProfile{
		ID:                    d.str(o, "id"),
		Name:                  d.str(o, "name"),
		StoreType:             jwo.StoreType(d.str(o, "store_type")),
		Region:                d.str(o, "region"),
		EntryMethods:          []jwo.EntryMethod{},
		FraudAndAbuseStrategy: jwo.FraudStrategy(d.str(o, "fraud_and_abuse_strategy")),
		OrderDelegation:       d.boolean(o, "order_delegation"),
		LoyaltyProgram:        d.boolean(o, "loyalty_program"),
	}}
	for i, en := range d.list(o, "entry_methods") {
		s.EntryMethods = append(s.EntryMethods, jwo.EntryMethod(d.scalar(en, fmt.Sprintf("%s[%d]", o.field("entry_methods"), i))))
	}
	for _, fe := range jwo.ValidateStoreProfile(s.StoreProfile) {
		d.fail(o.lineOf(fe.Field), o.field(fe.Field), "%s%s", notSet(o, fe.Field), fe.Message)
	}
	s.Catalog = d.catalog(o, s.ID)
	return s, o
}

func (d *decoder) catalog(store object, storeID string) []jwo.CatalogItem {
	items := []jwo.CatalogItem{}
	skus, barcodes := firstSeen{}, firstSeen{}
	for i, in := range d.list(store, "catalog") {
		o, ok := d.object(in, fmt.Sprintf("%s[%d]", store.field("catalog"), i), itemKeys...)
		if !ok {
			continue
		}
		item := jwo.CatalogItem{
			SKU:         d.str(o, "sku"),
			Barcode:     d.str(o, "barcode"),
			BarcodeType: jwo.BarcodeType(d.str(o, "barcode_type")),
			Name:        d.str(o, "name"),
		}
		for _, fe := range jwo.ValidateCatalogItem(item) {
			d.fail(o.lineOf(fe.Field), o.field(fe.Field), "%s%s", notSet(o, fe.Field), fe.Message)
		}
		if first := skus.repeat(item.SKU, jwo.ValidateSKU(item.SKU) == nil, o.line("sku")); first != 0 {
			d.fail(o.line("sku"), o.field("sku"), "SKU %q is listed twice in store %q (first at line %d)", item.SKU, storeID, first)
		}
		if first := barcodes.repeat(item.Barcode, item.Barcode != "", o.line("barcode")); first != 0 {
			d.fail(o.line("barcode"), o.field("barcode"), "barcode %q is listed twice in store %q (first at line %d): a barcode maps to one SKU", item.Barcode, storeID, first)
		}
		items = append(items, item)
	}
	return items
}

// scalar reads one list element as text.
func (d *decoder) scalar(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode {
		d.fail(n.Line, path, "must be a string, got %s", kind(n))
		return ""
	}
	return n.Value
}

// notSet prefixes a validation message when the key was left out, so that
// `region: missing: region "" is not ...` reads as the omission it is.
func notSet(o object, field string) string {
	key, _, _ := strings.Cut(field, "[")
	if o.has(key) {
		return ""
	}
	return "missing: "
}
