package web

import "github.com/gofiber/fiber/v2"

// examServiceWorker serves static/exam-sw.js at /exam/sw.js: a worker governs the pages
// beneath its own path, so this one may keep the exam pages for a reload offline.
func (s *Server) examServiceWorker(c *fiber.Ctx) error {
	a := s.pages.assets["exam-sw.js"]
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}
