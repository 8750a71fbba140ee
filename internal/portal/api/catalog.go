package api

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

func (a *API) listCatalog(w http.ResponseWriter, r *http.Request) error {
	q := queryOf(r)
	size, after, err := a.pageParams(r, q, "catalog")
	if err != nil {
		return err
	}
	items, next, err := a.svc.Catalog(r.Context(), callerOf(r), r.PathValue("store_id"), q.Get("sku"), size, after)
	if err != nil {
		return err
	}
	token, err := a.nextPageToken(r, "catalog", next)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.CatalogPage{Items: items, NextPageToken: token})
}

// putCatalogItem creates or replaces the item of a SKU.
func (a *API) putCatalogItem(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("store_id")
	var in jwo.CatalogItemInput
	if err := a.decodeWrite(r, &in, false, id, portal.WriteCatalog); err != nil {
		return err
	}
	item := jwo.CatalogItem{SKU: r.PathValue("sku"), Barcode: in.Barcode, BarcodeType: in.BarcodeType, Name: in.Name}
	item, err := a.svc.PutCatalogItem(r.Context(), callerOf(r), id, item)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, item)
}
