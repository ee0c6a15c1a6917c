/*
 * vfio-user message encoding and parsing.  Everything the server sends is
 * untrusted: each parser checks lengths before it copies a field out, and
 * never reads a structure in place (the bytes may sit at any alignment).
 */
#define G_LOG_DOMAIN "vfio-user-msg"
#include "vfio/user/msg.h"
#include "vfio/info_cap.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>

static const char *const cmd_names[] = {
	[VFIO_USER_CMD_VERSION] = "VERSION",
	[VFIO_USER_CMD_DMA_MAP] = "DMA_MAP",
	[VFIO_USER_CMD_DMA_UNMAP] = "DMA_UNMAP",
	[VFIO_USER_CMD_DEVICE_GET_INFO] = "DEVICE_GET_INFO",
	[VFIO_USER_CMD_DEVICE_GET_REGION_INFO] = "DEVICE_GET_REGION_INFO",
	[VFIO_USER_CMD_DEVICE_GET_IRQ_INFO] = "DEVICE_GET_IRQ_INFO",
	[VFIO_USER_CMD_DEVICE_SET_IRQS] = "DEVICE_SET_IRQS",
	[VFIO_USER_CMD_REGION_READ] = "REGION_READ",
	[VFIO_USER_CMD_REGION_WRITE] = "REGION_WRITE",
	[VFIO_USER_CMD_DMA_READ] = "DMA_READ",
	[VFIO_USER_CMD_DMA_WRITE] = "DMA_WRITE",
	[VFIO_USER_CMD_DEVICE_RESET] = "DEVICE_RESET",
};

const char *vfio_user_cmd_name(unsigned command, char *buf, size_t size)
{
	if (command < G_N_ELEMENTS(cmd_names) && cmd_names[command])
		return cmd_names[command];
	g_snprintf(buf, size, "command %u", command);
	return buf;
}

bool vfio_user_header_decode(const void *buf, size_t len, struct vfio_user_header *h)
{
	if (len < VFIO_USER_HEADER_SIZE)
		return false;
	memcpy(h, buf, VFIO_USER_HEADER_SIZE);
	return true;
}

void vfio_user_header_init(struct vfio_user_header *h, uint16_t id, uint16_t command,
			   size_t payload_len, uint32_t flags)
{
	*h = (struct vfio_user_header){
		.id = id,
		.command = command,
		.size = (uint32_t)(VFIO_USER_HEADER_SIZE + payload_len),
		.flags = flags,
	};
}

/* Every check below: false with *why set to what is wrong. */
static bool refuse(const char **why, const char *what)
{
	*why = what;
	return false;
}

bool vfio_user_header_check(const struct vfio_user_header *h, uint32_t max_size, const char **why)
{
	uint32_t type = h->flags & VFIO_USER_F_TYPE_MASK;

	if (h->size < VFIO_USER_HEADER_SIZE)
		return refuse(why, "sent a message size smaller than the header");
	if (h->size > max_size)
		return refuse(why, "sent a message size over the negotiated limit");
	if (type != VFIO_USER_F_TYPE_COMMAND && type != VFIO_USER_F_TYPE_REPLY)
		return refuse(why, "sent a message of unknown type");
	/* An error reply may carry a payload (libvfio-user's do): it is ignored. */
	if (type == VFIO_USER_F_TYPE_COMMAND && (h->flags & VFIO_USER_F_ERROR))
		return refuse(why, "sent a request with the error flag");
	return true;
}

/*
 * What a server's error reply means to the caller, per command: the errno
 * the contract names for that operation (doc/vfiofs.1, "When a vfio-user
 * server misbehaves").  A server's errno is a number from another process,
 * maybe another machine: passed on, 512 and above would make the kernel
 * refuse the FUSE reply (the caller would wait forever), ENODEV would read
 * as "the device is gone", and anything else as whatever it means here.
 * So only the errnos listed for a command pass; every other becomes the
 * command's default.
 */
struct reply_errnos {
	int fallback;      /* what any other errno becomes */
	int passes[2];     /* errnos that mean the same to the caller (0: none) */
};

static const struct reply_errnos reply_errnos[] = {
	/* A description the server refuses: that region or interrupt index is absent. */
	[VFIO_USER_CMD_DEVICE_GET_REGION_INFO] = { EINVAL, { 0 } },
	[VFIO_USER_CMD_DEVICE_GET_IRQ_INFO] = { EINVAL, { 0 } },
	/* An interrupt setting the device model does not take, as VFIO's ioctl says it. */
	[VFIO_USER_CMD_DEVICE_SET_IRQS] = { EIO, { EINVAL, 0 } },
};

int vfio_user_reply_errno(uint16_t command, uint32_t server_errno)
{
	const struct reply_errnos *r = command < G_N_ELEMENTS(reply_errnos) ? &reply_errnos[command] : NULL;

	if (!r || !r->fallback)
		return EIO;  /* VERSION, DMA_MAP/UNMAP, GET_INFO, REGION_READ/WRITE, RESET, the rest */
	for (unsigned i = 0; i < G_N_ELEMENTS(r->passes) && r->passes[i]; i++)
		if (server_errno == (uint32_t)r->passes[i])
			return r->passes[i];
	return r->fallback;
}

/* ------------------------------------------------------------------ VERSION */

GByteArray *vfio_user_version_request(uint32_t max_msg_fds, uint32_t max_data_xfer_size,
				      bool twin_socket)
{
	struct vfio_user_version v = { .major = VFIO_USER_MAJOR, .minor = VFIO_USER_MINOR };
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *json = NULL;
	GByteArray *out = g_byte_array_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "capabilities");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "max_msg_fds");
	json_builder_add_int_value(b, max_msg_fds);
	json_builder_set_member_name(b, "max_data_xfer_size");
	json_builder_add_int_value(b, max_data_xfer_size);
	if (twin_socket) {
		json_builder_set_member_name(b, "twin_socket");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "supported");
		json_builder_add_boolean_value(b, TRUE);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json = json_generator_to_data(gen, NULL);
	g_byte_array_append(out, (const guint8 *)&v, sizeof(v));
	/* The protocol wants the terminating NUL on the wire. */
	g_byte_array_append(out, (const guint8 *)json, strlen(json) + 1);
	return out;
}

/* An integer member in [lo, hi]; absent leaves *val alone.  false if present but wrong. */
static bool json_uint_member(JsonObject *o, const char *name, uint64_t lo, uint64_t hi,
			     uint64_t *val)
{
	JsonNode *n = json_object_get_member(o, name);
	gint64 v;

	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
		return false;
	v = json_node_get_int(n);
	if (v < 0 || (uint64_t)v < lo || (uint64_t)v > hi)
		return false;
	*val = (uint64_t)v;
	return true;
}

static bool parse_twin(JsonObject *caps, struct vfio_user_caps *out, const char **why)
{
	JsonNode *n = json_object_get_member(caps, "twin_socket");
	JsonObject *twin;
	JsonNode *supported;
	uint64_t index = UINT64_MAX;

	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_OBJECT(n)) {
		*why = "a twin_socket capability that is not an object";
		return false;
	}
	twin = json_node_get_object(n);
	supported = json_object_get_member(twin, "supported");
	if (supported && (!JSON_NODE_HOLDS_VALUE(supported) ||
			  json_node_get_value_type(supported) != G_TYPE_BOOLEAN)) {
		*why = "a twin_socket.supported that is not a boolean";
		return false;
	}
	if (!supported || !json_node_get_boolean(supported))
		return true;
	if (!json_uint_member(twin, "fd_index", 0, VFIO_USER_MAX_FDS_LIMIT - 1, &index) ||
	    index == UINT64_MAX) {
		*why = "a twin socket without a valid fd_index";
		return false;
	}
	out->twin_socket = true;
	out->twin_fd_index = (uint32_t)index;
	return true;
}

static bool parse_caps(JsonNode *root, struct vfio_user_caps *out, const char **why)
{
	uint64_t fds = out->max_msg_fds, xfer = out->max_data_xfer_size;
	JsonObject *caps;
	JsonNode *n;

	if (!JSON_NODE_HOLDS_OBJECT(root)) {
		*why = "capabilities JSON that is not an object";
		return false;
	}
	n = json_object_get_member(json_node_get_object(root), "capabilities");
	if (!n)
		return true;
	if (!JSON_NODE_HOLDS_OBJECT(n)) {
		*why = "a capabilities member that is not an object";
		return false;
	}
	caps = json_node_get_object(n);
	if (!json_uint_member(caps, "max_msg_fds", 0, VFIO_USER_MAX_FDS_LIMIT, &fds)) {
		*why = "an invalid max_msg_fds";
		return false;
	}
	/* Below 8 bytes not even one 64-bit register access fits in a message. */
	if (!json_uint_member(caps, "max_data_xfer_size", 8, UINT32_MAX, &xfer)) {
		*why = "an invalid max_data_xfer_size";
		return false;
	}
	out->max_msg_fds = (uint32_t)fds;
	out->max_data_xfer_size = (uint32_t)xfer;
	return parse_twin(caps, out, why);
}

/*
 * json-glib's parser recurses per nesting level; the capabilities object is
 * a few levels deep, so refuse anything with many brackets before parsing
 * (a count of bracket characters bounds the depth from above).
 */
static bool json_shallow(const char *json, size_t len)
{
	unsigned brackets = 0;

	for (size_t i = 0; i < len; i++)
		if (json[i] == '{' || json[i] == '[')
			brackets++;
	return brackets <= 64;
}

static bool parse_json(const char *json, size_t len, struct vfio_user_caps *out, const char **why)
{
	g_autoptr(JsonParser) parser = NULL;
	g_autoptr(GError) err = NULL;

	if (len > VFIO_USER_JSON_MAX || !json_shallow(json, len)) {
		*why = "capabilities JSON too large or too deeply nested";
		return false;
	}
	if (!g_utf8_validate(json, (gssize)len, NULL)) {
		*why = "capabilities JSON that is not UTF-8";
		return false;
	}
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, json, (gssize)len, &err) ||
	    !json_parser_get_root(parser)) {
		*why = "capabilities that are not valid JSON";
		return false;
	}
	return parse_caps(json_parser_get_root(parser), out, why);
}

bool vfio_user_version_parse(const void *buf, size_t len, struct vfio_user_caps *caps,
			     const char **why)
{
	struct vfio_user_version v;
	const char *json, *nul;

	*caps = (struct vfio_user_caps){
		.max_msg_fds = VFIO_USER_DEFAULT_MAX_MSG_FDS,
		.max_data_xfer_size = VFIO_USER_DEFAULT_MAX_DATA_XFER,
	};
	if (len < sizeof(v)) {
		*why = "a VERSION reply shorter than its version numbers";
		return false;
	}
	memcpy(&v, buf, sizeof(v));
	caps->major = v.major;
	caps->minor = v.minor;
	if (v.major != VFIO_USER_MAJOR) {
		*why = "a protocol major version this client does not speak";
		return false;
	}
	if (len == sizeof(v))
		return true;
	json = (const char *)buf + sizeof(v);
	nul = memchr(json, '\0', len - sizeof(v));
	if (!nul) {
		*why = "capabilities JSON without its terminating NUL";
		return false;
	}
	return parse_json(json, (size_t)(nul - json), caps, why);
}

/* ---------------------------------------------------------------- info replies */

bool vfio_user_device_info_parse(const void *buf, size_t len, struct vfio_device_info *info,
				 const char **why)
{
	/* The four fields every VFIO version has; later ones (caps) are not used. */
	const size_t fixed = offsetof(struct vfio_device_info, num_irqs) + sizeof(info->num_irqs);

	memset(info, 0, sizeof(*info));
	if (len < fixed) {
		*why = "a DEVICE_GET_INFO reply that is too short";
		return false;
	}
	memcpy(info, buf, fixed);
	return true;
}

bool vfio_user_irq_info_parse(const void *buf, size_t len, struct vfio_irq_info *info,
			      const char **why)
{
	if (len < sizeof(*info)) {
		*why = "a DEVICE_GET_IRQ_INFO reply that is too short";
		return false;
	}
	memcpy(info, buf, sizeof(*info));
	return true;
}

static gint area_cmp(gconstpointer a, gconstpointer b)
{
	const struct vfio_user_area *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Keeps areas inside the region, non-empty and not overlapping the previous one. */
static void tidy_areas(GArray *areas, uint64_t region_size)
{
	uint64_t end = 0;
	guint i = 0;

	g_array_sort(areas, area_cmp);
	while (i < areas->len) {
		const struct vfio_user_area *a = &g_array_index(areas, struct vfio_user_area, i);
		bool ok = a->size && a->offset < region_size && a->size <= region_size - a->offset &&
			  (i == 0 || a->offset >= end);

		if (!ok) {
			g_array_remove_index(areas, i);
			continue;
		}
		end = a->offset + a->size;
		i++;
	}
}

static void append_area(uint64_t offset, uint64_t size, void *areas)
{
	struct vfio_user_area ua = { .offset = offset, .size = size };

	g_array_append_val((GArray *)areas, ua);
}

bool vfio_user_region_info_parse(const void *buf, size_t len, struct vfio_user_region_info *out,
				 const char **why)
{
	memset(out, 0, sizeof(*out));
	if (len < sizeof(out->info)) {
		*why = "a DEVICE_GET_REGION_INFO reply that is too short";
		return false;
	}
	memcpy(&out->info, buf, sizeof(out->info));
	out->areas = g_array_new(FALSE, FALSE, sizeof(struct vfio_user_area));
	if (out->info.flags & VFIO_REGION_INFO_FLAG_CAPS) {
		size_t cap = vfio_info_cap_find(buf, len, sizeof(out->info), out->info.cap_offset,
						VFIO_REGION_INFO_CAP_SPARSE_MMAP);

		out->sparse = cap != 0;
		if (cap)
			vfio_info_sparse_areas(buf, len, cap, append_area, out->areas);
	}
	tidy_areas(out->areas, out->info.size);
	return true;
}

void vfio_user_region_info_clear(struct vfio_user_region_info *ri)
{
	if (ri->areas)
		g_array_free(ri->areas, TRUE);
	ri->areas = NULL;
}

/* -------------------------------------------------------------- region access */

bool vfio_user_region_reply_check(const void *buf, size_t len,
				  const struct vfio_user_region_access *req, bool read, const char **why)
{
	struct vfio_user_region_access got;

	if (len < sizeof(got))
		return refuse(why, "a region access reply that is too short");
	memcpy(&got, buf, sizeof(got));
	if (got.offset != req->offset || got.region != req->region || got.count != req->count)
		return refuse(why, "a region access reply for another offset, region or count");
	if (len != sizeof(got) + (read ? (size_t)req->count : 0))
		return refuse(why, "a region access reply of the wrong size");
	return true;
}

/* ------------------------------------------------------------ DMA from server */

/* A malformed DMA request: its error reply says EINVAL. */
static bool refuse_dma(struct vfio_user_dma_request *req, const char **why, const char *what)
{
	req->error = EINVAL;
	return refuse(why, what);
}

bool vfio_user_dma_request_parse(uint16_t command, const void *buf, size_t len,
				 uint64_t max_count, struct vfio_user_dma_request *req,
				 const char **why)
{
	struct vfio_user_dma_access a;

	memset(req, 0, sizeof(*req));
	if (command != VFIO_USER_CMD_DMA_READ && command != VFIO_USER_CMD_DMA_WRITE)
		return refuse_dma(req, why, "a request that is not DMA_READ or DMA_WRITE");
	if (len < sizeof(a))
		return refuse_dma(req, why, "a DMA request that is too short");
	memcpy(&a, buf, sizeof(a));
	req->write = command == VFIO_USER_CMD_DMA_WRITE;
	req->addr = a.addr;
	req->count = a.count;
	if (a.count > max_count)
		return refuse_dma(req, why, "a DMA request over the negotiated size");
	/* A read carries no data; a write carries exactly count bytes. */
	if (len - sizeof(a) != (req->write ? a.count : 0))
		return refuse_dma(req, why, "a DMA request whose data does not match its count");
	if (a.count && a.addr + a.count - 1 < a.addr) {
		req->error = EFAULT;
		return refuse(why, "a DMA request whose range wraps around");
	}
	if (req->write)
		req->data = (const uint8_t *)buf + sizeof(a);
	return true;
}
