package jwo

import "time"

// Token is an API token as GET /v1/tokens and `jwo-portal token list` show
// it: never the secret, which only its creator saw once.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"` // null: never used
	ExpiresAt  *time.Time `json:"expires_at"`   // null: never expires
}

// TokenList is the answer of GET /v1/tokens.
type TokenList struct {
	Tokens []Token `json:"tokens"`
}
