/*
 * The text of the info and container files: "key value" lines, one fact per
 * line, stable for grep and awk.  The format is documented in doc/vfiofs.1.
 */
#pragma once

struct vfio_container_info;
struct vfio_device;

/*
 * Caller holds whatever keeps d alive (the transport's lines come from it); irq_lines are the interrupt state
 * lines (fs_irq_describe), or NULL for "off".  The result is g_free()d.
 */
char *fs_info_text(struct vfio_device *d, const char *irq_lines);
/* From a snapshot (vfio_container_info_take), so the text is consistent. */
char *fs_container_text(const struct vfio_container_info *c);
