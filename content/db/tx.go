package db

import (
	"context"

	"gorm.io/gorm"
)

type txKey struct{}

// WithTx returns ctx carrying tx. One domain hands its transaction to another's callback
// this way (exam's Rescore to grading's rescorer), so that the callback's statements
// commit or roll back with the caller's while neither signature names *gorm.DB.
func WithTx(ctx context.Context, tx *gorm.DB) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// Conn is the handle a store's statements in ctx run on: the transaction ctx carries
// (WithTx), else g.
func Conn(ctx context.Context, g *gorm.DB) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return g.WithContext(ctx)
}
