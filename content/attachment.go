package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // the three formats every browser and gofpdf draw
	_ "image/jpeg"
	_ "image/png"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Attachment is an image shown with a question (a figure, a chart, a form to fill in).
// The question's text marks where it stood with ImageMarker(Name); pages show the
// images below the stem. The bytes are stored once per content (SHA256) in their own
// table; Data is set only while a question with new images is being saved.
type Attachment struct {
	Name   string `json:"name"`
	Type   string `json:"type"` // image/png, image/jpeg or image/gif
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	Data   []byte `json:"-"`
}

// Limits on attachments: a page with a question stays light, and a report can draw it.
const (
	MaxAttachmentBytes = 1 << 20
	MaxAttachments     = 10
	maxAttachmentName  = 100
	maxImageSide       = 4000
)

// imageTypes are the image formats a question may carry, by image.DecodeConfig's name.
var imageTypes = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}

// NewAttachment checks data by its content (not its name) and returns the attachment
// named name. It is an Invalid error on field "attachments" for an empty or too long
// name, a file over MaxAttachmentBytes, or anything but a PNG, JPEG or GIF image.
func NewAttachment(name string, data []byte) (Attachment, error) {
	if err := checkAttachmentName(name); err != nil {
		return Attachment{}, err
	}
	if len(data) > MaxAttachmentBytes {
		return Attachment{}, Invalid("attachments", "图片 %s 有 %d KB，超过了 %d KB 的上限", name, (len(data)+1023)>>10, MaxAttachmentBytes>>10)
	}
	notImage := Invalid("attachments", "附件 %s 不是 PNG、JPEG 或 GIF 图片（只支持这三种图片格式，且文件须完整）", name)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	typ, ok := imageTypes[format]
	if err != nil || !ok {
		return Attachment{}, notImage
	}
	if cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return Attachment{}, Invalid("attachments", "图片 %s 有 %d×%d 像素，边长不能超过 %d", name, cfg.Width, cfg.Height, maxImageSide)
	}
	// Decoded whole (the header alone passes for a few bytes of junk), which the size
	// bound above keeps cheap.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return Attachment{}, notImage
	}
	sum := sha256.Sum256(data)
	return Attachment{Name: name, Type: typ, Size: len(data), SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

func checkAttachmentName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxAttachmentName || strings.ContainsAny(name, "/\\［］") {
		return Invalid("attachments", "图片名“%s”不可用：名称须为 1 到 %d 个字符，不含 / \\ ［ ］", name, maxAttachmentName)
	}
	return CheckLine("attachments", name)
}

// ImageMarker is how a question's text refers to its attachment named name, at the place
// the image stood in the imported file.
func ImageMarker(name string) string { return "［图：" + name + "］" }

// imageMarkers finds the ImageMarkers in a text.
var imageMarkers = regexp.MustCompile(`［图：([^］]+)］`)

// ImageMarkers lists the attachment names that s refers to, in order.
func ImageMarkers(s string) []string {
	var names []string
	for _, m := range imageMarkers.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	return names
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// validateAttachments checks that names are unique and well formed and that every
// attachment is one of the image types with its content hash.
func (q *Question) validateAttachments() error {
	if len(q.Attachments) > MaxAttachments {
		return Invalid("attachments", "一道题最多带 %d 张图片", MaxAttachments)
	}
	seen := map[string]bool{}
	for _, a := range q.Attachments {
		if err := checkAttachmentName(a.Name); err != nil {
			return err
		}
		if seen[a.Name] {
			return Invalid("attachments", "图片名 %s 重复", a.Name)
		}
		seen[a.Name] = true
		if !sha256Hex.MatchString(a.SHA256) || a.Size <= 0 || a.Size > MaxAttachmentBytes {
			return Invalid("attachments", "图片 %s 的信息不完整", a.Name)
		}
		if a.Type != "image/png" && a.Type != "image/jpeg" && a.Type != "image/gif" {
			return Invalid("attachments", "图片 %s 的类型 %s 不受支持", a.Name, a.Type)
		}
	}
	return nil
}

// Attachment is the question's attachment named name, if it has one.
func (q *Question) Attachment(name string) (Attachment, bool) {
	for _, a := range q.Attachments {
		if a.Name == name {
			return a, true
		}
	}
	return Attachment{}, false
}
