package api

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
	"github.com/justwalkout/terraform-provider-jwo/internal/portal"
)

func (a *API) listTrustPolicies(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	ps, err := a.svc.TrustPolicies(r.Context(), callerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.TrustPolicyList{TrustPolicies: ps})
}

func (a *API) createTrustPolicy(w http.ResponseWriter, r *http.Request) error {
	var spec jwo.TrustPolicySpec
	if err := a.decodeWrite(r, &spec, false, "", portal.WriteTrustPolicies); err != nil {
		return err
	}
	p, err := a.svc.CreateTrustPolicy(r.Context(), callerOf(r), spec)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/trust-policies/"+p.ID)
	return writeJSON(w, http.StatusCreated, p)
}

func (a *API) deleteTrustPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.DeleteTrustPolicy(r.Context(), callerOf(r), r.PathValue("policy_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
