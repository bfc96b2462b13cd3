package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPI documents the contract of docs/API.md for API clients.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openAPI)
}
