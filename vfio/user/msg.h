/*
 * vfio-user messages on the wire: the header, the command numbers, the
 * payloads the client sends and the parsers for what the server sends.
 * Pure: no I/O.  Every parser takes (buffer, length) as they came from the
 * socket and copies fields out with memcpy, so any bytes at any alignment
 * are safe.  Host byte order, as the protocol says.
 */
#pragma once

#include <glib.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vfio_user_cmd {
	VFIO_USER_CMD_VERSION = 1,
	VFIO_USER_CMD_DMA_MAP = 2,
	VFIO_USER_CMD_DMA_UNMAP = 3,
	VFIO_USER_CMD_DEVICE_GET_INFO = 4,
	VFIO_USER_CMD_DEVICE_GET_REGION_INFO = 5,
	VFIO_USER_CMD_DEVICE_GET_IRQ_INFO = 7,
	VFIO_USER_CMD_DEVICE_SET_IRQS = 8,
	VFIO_USER_CMD_REGION_READ = 9,
	VFIO_USER_CMD_REGION_WRITE = 10,
	VFIO_USER_CMD_DMA_READ = 11,
	VFIO_USER_CMD_DMA_WRITE = 12,
	VFIO_USER_CMD_DEVICE_RESET = 13,
};

/* Every message starts with this; size counts the header itself. */
struct vfio_user_header {
	uint16_t id;
	uint16_t command;
	uint32_t size;
	uint32_t flags;
	uint32_t error;  /* the errno of an error reply */
};
#define VFIO_USER_HEADER_SIZE 16u

#define VFIO_USER_F_TYPE_MASK 0xfu
#define VFIO_USER_F_TYPE_COMMAND 0u
#define VFIO_USER_F_TYPE_REPLY 1u
#define VFIO_USER_F_NO_REPLY 0x10u
#define VFIO_USER_F_ERROR 0x20u

/* The version this client proposes (libvfio-user answers 0.2). */
#define VFIO_USER_MAJOR 0
#define VFIO_USER_MINOR 2

/* What the protocol assumes when the server's VERSION reply leaves a capability out. */
#define VFIO_USER_DEFAULT_MAX_MSG_FDS 1
#define VFIO_USER_DEFAULT_MAX_DATA_XFER (1024u * 1024u)

/* Payloads (all naturally aligned: no padding, sizes checked below). */
struct vfio_user_version {
	uint16_t major, minor;
	/* then a NUL-terminated JSON object */
};

struct vfio_user_dma_map {
	uint32_t argsz;
	uint32_t flags;  /* VFIO_USER_DMA_READ | VFIO_USER_DMA_WRITE */
	uint64_t offset; /* into the descriptor sent with the message */
	uint64_t addr;   /* IOVA */
	uint64_t size;
};
#define VFIO_USER_DMA_READ 1u
#define VFIO_USER_DMA_WRITE 2u

struct vfio_user_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t addr;
	uint64_t size;
};

/* REGION_READ / REGION_WRITE request and reply; data follows for a write request and a read reply. */
struct vfio_user_region_access {
	uint64_t offset;
	uint32_t region;
	uint32_t count;
};

/* DMA_READ / DMA_WRITE from the server and our replies; data follows as above. */
struct vfio_user_dma_access {
	uint64_t addr;
	uint64_t count;
};

_Static_assert(sizeof(struct vfio_user_header) == VFIO_USER_HEADER_SIZE, "header layout");
_Static_assert(sizeof(struct vfio_user_version) == 4, "version layout");
_Static_assert(sizeof(struct vfio_user_dma_map) == 32, "DMA_MAP layout");
_Static_assert(sizeof(struct vfio_user_dma_unmap) == 24, "DMA_UNMAP layout");
_Static_assert(sizeof(struct vfio_user_region_access) == 16, "region access layout");
_Static_assert(sizeof(struct vfio_user_dma_access) == 16, "DMA access layout");

/* The command's name for log lines ("REGION_READ"), or "command N" in buf. */
const char *vfio_user_cmd_name(unsigned command, char *buf, size_t size);

/* Copies the first 16 bytes of buf into h; false if len is shorter. */
bool vfio_user_header_decode(const void *buf, size_t len, struct vfio_user_header *h);
/* A command or reply header for a message of payload_len bytes after it. */
void vfio_user_header_init(struct vfio_user_header *h, uint16_t id, uint16_t command,
			   size_t payload_len, uint32_t flags);
/*
 * Every check and parser of what a server sends has one shape: true if it
 * is well formed, else false with *why saying what is wrong, for the log
 * line.
 */

/* h is the header of a message of at most max_size bytes; *why: what the server did ("sent ..."). */
bool vfio_user_header_check(const struct vfio_user_header *h, uint32_t max_size, const char **why);
static inline bool vfio_user_is_reply(const struct vfio_user_header *h)
{
	return (h->flags & VFIO_USER_F_TYPE_MASK) == VFIO_USER_F_TYPE_REPLY;
}
/*
 * The one place a server's errno becomes ours: what an error reply to
 * command carrying server_errno means to the caller (positive): EIO unless
 * the contract names another for that command (GET_REGION_INFO and
 * GET_IRQ_INFO: EINVAL, "absent"; SET_IRQS: EINVAL passes).  Never
 * ENODEV, never outside 1..511.
 */
int vfio_user_reply_errno(uint16_t command, uint32_t server_errno);

/* What the VERSION exchange settled. */
struct vfio_user_caps {
	uint16_t major, minor;
	uint32_t max_msg_fds;        /* descriptors the server accepts in one message */
	uint32_t max_data_xfer_size; /* data bytes the server accepts in one message */
	bool twin_socket;            /* the server sends a second socket for its requests */
	uint32_t twin_fd_index;      /* which descriptor of the reply it is */
};

/* Limits on what a server may claim (beyond them the reply is refused or clamped). */
#define VFIO_USER_MAX_FDS_LIMIT 1024u
#define VFIO_USER_JSON_MAX 4096u

/*
 * The VERSION request payload: major, minor, then the client's capabilities
 * as a NUL-terminated JSON object (built with json-glib).
 */
GByteArray *vfio_user_version_request(uint32_t max_msg_fds, uint32_t max_data_xfer_size,
				      bool twin_socket);
/*
 * Parses a VERSION reply payload.  Missing capabilities take the protocol's
 * defaults; a larger max_data_xfer_size than ours is kept as the server
 * said (callers split at the smaller of both).  false and *why on anything
 * malformed.
 */
bool vfio_user_version_parse(const void *buf, size_t len, struct vfio_user_caps *caps,
			     const char **why);

/* DEVICE_GET_INFO reply (struct vfio_device_info). */
bool vfio_user_device_info_parse(const void *buf, size_t len, struct vfio_device_info *info,
				 const char **why);

/* An mmap-able area of a region, as the sparse mmap capability lists it. */
struct vfio_user_area {
	uint64_t offset, size;
};

/* DEVICE_GET_REGION_INFO reply, with its capability chain read. */
struct vfio_user_region_info {
	struct vfio_region_info info;  /* the fixed part, copied out */
	/*
	 * struct vfio_user_area from the sparse mmap capability: inside the
	 * region, non-empty, ascending, not overlapping (others are dropped).
	 * Empty if there is no such capability.
	 */
	GArray *areas;
	bool sparse;  /* the reply carried a sparse mmap capability */
};
/* Parses the reply; out->areas is allocated on success (vfio_user_region_info_clear). */
bool vfio_user_region_info_parse(const void *buf, size_t len, struct vfio_user_region_info *out,
				 const char **why);
void vfio_user_region_info_clear(struct vfio_user_region_info *ri);

/* DEVICE_GET_IRQ_INFO reply (struct vfio_irq_info). */
bool vfio_user_irq_info_parse(const void *buf, size_t len, struct vfio_irq_info *info,
			      const char **why);

/*
 * Checks a REGION_READ (read) or REGION_WRITE reply against the request:
 * the same offset, region and count, and for a read exactly count data
 * bytes after them.
 */
bool vfio_user_region_reply_check(const void *buf, size_t len,
				  const struct vfio_user_region_access *req, bool read, const char **why);

/* A DMA_READ or DMA_WRITE request from the server. */
struct vfio_user_dma_request {
	bool write;          /* DMA_WRITE: data is to be stored */
	uint64_t addr;
	uint64_t count;
	const uint8_t *data; /* DMA_WRITE: count bytes inside the parsed buffer */
	int error;           /* refused: the errno of the error reply */
};
/*
 * Parses the payload of a DMA_READ or DMA_WRITE command.  Refused, with
 * req->error the errno for the error reply: EINVAL for a malformed request
 * or a count over max_count (our max_data_xfer_size), EFAULT for a range
 * that wraps around.
 */
bool vfio_user_dma_request_parse(uint16_t command, const void *buf, size_t len,
				 uint64_t max_count, struct vfio_user_dma_request *req,
				 const char **why);
