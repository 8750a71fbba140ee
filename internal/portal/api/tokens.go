package api

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	toks, err := a.svc.Tokens(r.Context(), callerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.TokenList{Tokens: toks})
}

func (a *API) deleteToken(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.RevokeToken(r.Context(), callerOf(r), r.PathValue("token_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
