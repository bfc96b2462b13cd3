package web

import (
	"regexp"

	"github.com/csmexam/csmexam/content"
	"github.com/gofiber/fiber/v2"
)

// imageView is an image of a question as pages show it.
type imageView struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// imageViews are the addresses of a question's images.
func imageViews(as []content.Attachment) []imageView {
	var out []imageView
	for _, a := range as {
		out = append(out, imageView{Name: a.Name, URL: "/api/v1/attachments/" + a.SHA256})
	}
	return out
}

var contentHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// questionAttachment sends a question's image by its content hash. Any signed-in user may
// fetch it: the address is a 256-bit hash of the image, known only to whoever was shown
// the question (the bank to staff, a paper to its candidate), so asking for it is as
// good as having seen the question. The content never changes under its address, so it
// is cached for a year; it is sent with the type checked at import and never sniffed.
func (s *Server) questionAttachment(c *fiber.Ctx) error {
	sha := c.Params("sha256")
	if !contentHash.MatchString(sha) {
		return content.Invalid("sha256", "图片地址无效")
	}
	etag := `"` + sha + `"`
	c.Set(fiber.HeaderCacheControl, "private, max-age=31536000, immutable")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	typ, data, err := s.Content.File(c.UserContext(), sha)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, typ)
	c.Set(fiber.HeaderContentDisposition, "inline")
	return c.Send(data)
}
