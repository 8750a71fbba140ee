package store

import "context"

var (
	qInsertPageTokenKey = sqlQuery(`INSERT INTO page_token_key (one, key_hex) VALUES (1, ?) ON CONFLICT (one) DO NOTHING`)
	qPageTokenKey       = sqlQuery(`SELECT key_hex FROM page_token_key WHERE one = 1`)
)

// PageTokenKey answers the database's page-token key, first storing
// candidate as the key if there is none yet: of replicas that start
// together, the first to commit makes the key and all read the same one.
func (t *Tx) PageTokenKey(ctx context.Context, candidate string) (string, error) {
	if _, err := t.exec(ctx, qInsertPageTokenKey, candidate); err != nil {
		return "", err
	}
	var key string
	err := t.queryRow(ctx, qPageTokenKey).Scan(&key)
	return key, err
}
