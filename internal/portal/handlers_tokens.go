package portal

import (
	"net/http"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

func (p *Portal) listTokens(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryParams(r); err != nil {
		return err
	}
	toks, err := p.Service().Tokens(r.Context(), callerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, jwo.TokenList{Tokens: toks})
}

func (p *Portal) deleteToken(w http.ResponseWriter, r *http.Request) error {
	if err := p.Service().RevokeToken(r.Context(), callerOf(r), r.PathValue("token_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
