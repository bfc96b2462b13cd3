package content

import "time"

// Beijing (UTC+8) is the time zone the exam is held in: centers and candidates read and
// enter times in it, and exports and reports print it.
var Beijing = time.FixedZone("北京时间", 8*60*60)
