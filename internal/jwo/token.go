package jwo

import (
	"fmt"
	"time"
	"unicode/utf8"
)

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

// ActorSeparator joins a token's name and the front end a call came through
// in an audit actor: "ci via terraform", "alice via console".
const ActorSeparator = " via "

// MaxTokenNameLength bounds a token's name, in characters.
const MaxTokenNameLength = 100

// ValidateTokenName checks a token's name: it is the actor of the audit
// events the token causes, so it follows the display-name rule
// (checkDisplayText) and may not hold ActorSeparator in any ASCII letter
// case. A token named "ci via terraform" would otherwise make its plain API
// calls read as Terraform's, and the console marks connectors changed "via
// terraform" as managed by Terraform.
func ValidateTokenName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxTokenNameLength {
		return fmt.Errorf("token name must be 1 to %d characters, got %d", MaxTokenNameLength, n)
	}
	if err := checkDisplayText(name); err != nil {
		return fmt.Errorf("token name %q %w", name, err)
	}
	if HoldsActorSeparator(name) {
		return fmt.Errorf("token name %q contains %q, which the audit log reserves to name the front end of a call (\"ci via terraform\"): use another word or a hyphen (\"ci-terraform\")",
			name, ActorSeparator)
	}
	return nil
}

// HoldsActorSeparator reports whether name contains ActorSeparator with its
// ASCII letters in any case.
func HoldsActorSeparator(name string) bool {
	for i := 0; i+len(ActorSeparator) <= len(name); i++ {
		if equalFoldASCII(name[i:i+len(ActorSeparator)], ActorSeparator) {
			return true
		}
	}
	return false
}
